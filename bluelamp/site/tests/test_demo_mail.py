"""Loading the demo sends none of its history's e-mails (acknowledgements, incident notices,
SLA notices...): they are queued as the desk's services queue any e-mail, then forgotten, so the
demo's task worker has nothing to deliver to the console."""

import io
import re

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from bluelamp.notifications.api import OutgoingEmail
from bluelamp.notifications.tasks import retry_undelivered_emails

# Transactional, as `./dev demo` runs it: the services' on-commit callbacks (which queue the
# requesters' e-mails) run for real; and tasks go to the database queue, for the demo's worker.
pytestmark = pytest.mark.django_db(transaction=True)


def test_loading_the_demo_leaves_no_email_to_send(settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = io.StringIO()
    call_command("demo-data", "--people-per-force", "2", stdout=out)
    held = int(re.search(r"\((\d+) e-mails the demo history", out.getvalue()).group(1))
    assert held >= 20  # the desk's history alone sends a couple of dozen
    assert not OutgoingEmail.objects.exists()
    # What the demo's worker then does: the delivery tasks queued during the load find their
    # e-mail gone, and the frequent job finds nothing due.
    assert DBTaskResult.objects.filter(task_path="bluelamp.notifications.tasks.deliver_email").count() == held
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    assert set(
        DBTaskResult.objects.filter(task_path="bluelamp.notifications.tasks.deliver_email").values_list(
            "return_value", flat=True
        )
    ) == {"gone"}
    assert retry_undelivered_emails.call() == 0
    assert mailoutbox == []
