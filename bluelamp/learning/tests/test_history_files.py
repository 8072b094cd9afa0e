"""Checked history files that are never applied are removed by the daily task after 7 days."""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from bluelamp.learning.api import CompletionImportRun
from bluelamp.learning.records import history_file_path, history_files_discard
from bluelamp.learning.tasks import DAILY as DAILY_TASKS


def _run(kent, outcome, days_ago):
    run = CompletionImportRun.objects.create(
        organisation=kent,
        file_name="history.csv",
        outcome=outcome,
        started_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    default_storage.save(history_file_path(run), ContentFile(b"staff_number\n"))
    return run


def test_stale_unapplied_files_go_and_recent_ones_stay(kent):
    stale = _run(kent, CompletionImportRun.Outcome.CHECKED, 8)
    recent = _run(kent, CompletionImportRun.Outcome.CHECKED, 2)
    assert history_files_discard() == 1
    assert not default_storage.exists(history_file_path(stale))
    assert default_storage.exists(history_file_path(recent))
    assert CompletionImportRun.objects.filter(pk=stale.pk).exists()  # the run stays as history


def test_the_task_is_in_the_daily_list(kent):
    _run(kent, CompletionImportRun.Outcome.CHECKED, 30)
    (task,) = DAILY_TASKS
    assert task.enqueue().return_value == 1


def test_evidence_downloads_under_the_name_it_was_uploaded_with(client, signed_in, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from bluelamp.learning.api import record_external

    pdf = SimpleUploadedFile(
        "C:\\\\Users\\\\bob\\\\First aid cert.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
    )
    completion = record_external(
        actor=bob,
        person=bob,
        title="First aid at work",
        provider="St John",
        completed_on=dt.date(2026, 3, 1),
        evidence=pdf,
    )
    assert completion.evidence_name == "First aid cert.pdf"
    signed_in(bob)
    response = client.get(reverse("learning:record_evidence", args=[completion.uuid]))
    assert 'filename="First aid cert.pdf"' in response["Content-Disposition"]
