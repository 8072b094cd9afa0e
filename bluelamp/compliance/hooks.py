"""What mandatory training listens to in the domains below it (registered in plugins.py)."""

import datetime as dt

from django.db import transaction

from bluelamp.compliance import evaluation

# Changes to more people than this are followed by a background task after commit.
IN_REQUEST = 2000


def people_or_completions_changed(*, person_ids: list[int], at: dt.datetime) -> None:
    if len(person_ids) <= IN_REQUEST:
        evaluation.evaluate_people(person_ids, at=at)
        return
    from bluelamp.compliance.tasks import evaluate_people

    ids = list(person_ids)
    transaction.on_commit(lambda: evaluate_people.enqueue(ids))
