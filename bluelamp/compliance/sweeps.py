"""The nightly re-evaluation of everyone, and the month-end counts kept for trends."""

import calendar
import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bluelamp.compliance import evaluation
from bluelamp.compliance.counts_cache import forget_counts
from bluelamp.compliance.models import Assignment, MonthEndCount, StatusCount, Sweep
from bluelamp.people.api import Person


def sweep(*, at: dt.datetime | None = None) -> evaluation.Outcome:
    """Re-evaluate every active person and everyone still in an audience (dates pass, licences
    lapse), check the kept counts against the assignments, and keep the month's end counts."""
    at = at or timezone.now()
    day = evaluation.local_day(at)
    record = Sweep.objects.create(kind="nightly", on=day, started_at=at)
    ids = set(Person.objects.filter(status=Person.Status.ACTIVE).values_list("id", flat=True))
    ids |= set(Assignment.objects.filter(in_audience=True).values_list("person_id", flat=True).distinct())
    outcome = evaluation.evaluate_people(ids, at=at)
    evaluation.recount()
    record.finished_at = timezone.now()
    record.people, record.changed = outcome.people, outcome.changed
    record.save(update_fields=["finished_at", "people", "changed"])
    month_end_keep(on=day)
    return outcome


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_end_keep(*, on: dt.date) -> dt.date | None:
    """On a month's last day, keep its counts; a sweep missed on that day is made up by the first
    one of the next week (labelled with the month end it stands for). Kept once."""
    if on == month_end(on):
        label = on
    elif on.day <= 7:
        label = on.replace(day=1) - dt.timedelta(days=1)
    else:
        return None
    with transaction.atomic():
        if MonthEndCount.objects.filter(month_end=label).exists():
            return None
        MonthEndCount.objects.bulk_create(
            [
                MonthEndCount(
                    month_end=label,
                    organisation_id=c.organisation_id,
                    unit_key=c.unit_key,
                    requirement_id=c.requirement_id,
                    status=c.status,
                    count=c.count,
                )
                for c in StatusCount.objects.filter(~Q(count=0)).iterator(chunk_size=5000)
            ],
            batch_size=5000,
        )
        forget_counts()  # the dashboards' trends (kept with the counts: counts_cache.py)
    return label
