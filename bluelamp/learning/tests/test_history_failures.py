"""Every way a learning-history import can fail ends its run as failed, with a reason a person can
act on, and nothing written; on the page and on the command line. Apply pressed twice adds the
completions once."""

import codecs

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import Completion, CompletionImportRun
from bluelamp.learning.records import MAX_HISTORY_BYTES, HistoryImportError, history_file_path, import_history
from conftest import make_person, post_in_tabs_at_once

CSV = "staff_number,course_code,completed_on,score\nK2,SAS-01,2019-01-01,80\nK1,SAS-01,2019-02-01,\n"
UTF16 = "saved as UTF-16"
SAVE_AS = "Save it from your spreadsheet as “CSV UTF-8 (Comma delimited)”"

UNREADABLE = {
    "UTF-16 with a byte-order mark": (CSV.encode("utf-16"), [UTF16, SAVE_AS]),
    "UTF-16 big-endian with a byte-order mark": (codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"), [UTF16]),
    "UTF-16 without a byte-order mark": (CSV.encode("utf-16-le"), [UTF16, SAVE_AS]),
    "a NUL byte": (CSV.replace("K1", "K\0" + "1").encode(), ["NUL character", "on row 3", SAVE_AS]),
    "a quote never closed": (
        CSV.replace("K2,SAS-01", 'K2,"SAS-01').encode(),
        ['A quote (") on row 2 is never closed', '"Smith ""Jr"""'],
    ),
    "a quote never closed in a large file": (
        (CSV.replace("K2,SAS-01", 'K2,"SAS-01') + "K2,SAS-01,2019-01-01,80\n" * 10000).encode(),
        ['A quote (") on row 2 is never closed'],
    ),
    "text after a closing quote": (
        CSV.replace("K2,SAS-01", 'K2,"SAS"-01').encode(),
        ['Row 2 has text straight after a closing quote (")'],
    ),
    "bytes that are not text": (
        b"staff_number,course_code,completed_on\nK2,\x81\x8d\x90,2019-01-01\n",
        ["not text"],
    ),
}


@pytest.fixture
def tara(kent):
    return make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", roles=["training_admin"])


def upload(client, organisation, data: bytes, name="history.csv"):
    return client.post(
        "/learning/records/import/",
        {"organisation": organisation.pk, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def nothing_written():
    assert not Completion.objects.exists()
    assert not AuditEvent.objects.filter(action="learning.history_import").exists()


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_an_unreadable_file_fails_with_its_reason_on_the_page(
    name, signed_in, tara, bob, kent, national_course
):
    data, says = UNREADABLE[name]
    client = signed_in(tara)
    response = upload(client, kent, data)
    run = CompletionImportRun.objects.get()
    assert run.outcome == CompletionImportRun.Outcome.FAILED
    for words in says:
        assert words in run.failure_reason
    page = client.get(response["Location"]).content.decode()
    assert "<title>Error: Import of history.csv" in page
    assert "The file could not be checked. Nothing has been added." in page
    assert "Add these completions" not in page
    assert not default_storage.exists(history_file_path(run))
    nothing_written()


def test_a_file_over_the_limit_fails(tara, kent):
    result = import_history(
        actor=tara, organisation=kent, data=b"x" * (MAX_HISTORY_BYTES + 1), apply=True, file_name="big.csv"
    )
    assert not result.ok and result.run.outcome == CompletionImportRun.Outcome.FAILED
    assert result.failure == (
        "The file is 50.1 MB; the limit is 50 MB. Split it into smaller files and import each one."
    )


def test_an_error_while_checking_ends_the_run_as_failed(
    signed_in, tara, bob, kent, national_course, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("bluelamp.learning.records.history._without_duplicates", broken)
    client = signed_in(tara)
    response = upload(client, kent, CSV.encode())
    run = CompletionImportRun.objects.get()
    assert run.outcome == CompletionImportRun.Outcome.FAILED
    assert run.failure_reason.startswith(
        "The import stopped before it finished because of a problem on our side (ValueError). Nothing has been added."
    )
    assert "problem on our side (ValueError)" in client.get(response["Location"]).content.decode()


def test_an_error_while_applying_adds_nothing_and_the_file_can_be_applied_again(
    signed_in, tara, bob, kent, national_course, monkeypatch
):
    client = signed_in(tara)
    checked_page = upload(client, kent, CSV.encode())["Location"]
    checked = CompletionImportRun.objects.get()

    def audit_log_down(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("bluelamp.learning.records.history.audit_record", audit_log_down)
    response = client.post(f"/learning/records/import/{checked.uuid}/apply/")
    failed = CompletionImportRun.objects.get(outcome=CompletionImportRun.Outcome.FAILED)
    assert response["Location"] == f"/learning/records/import/{failed.uuid}/"
    assert failed.checked_run == checked and "problem on our side (RuntimeError)" in failed.failure_reason
    assert "Apply the checked file again." in failed.failure_reason
    nothing_written()
    page = client.get(response["Location"]).content.decode()
    assert "The completions could not be added. Nothing has been added." in page
    assert "Go back to the checked file" in page

    monkeypatch.undo()
    assert "Add these completions" in client.get(checked_page).content.decode()
    client.post(f"/learning/records/import/{checked.uuid}/apply/")
    assert Completion.objects.count() == 2


def test_apply_pressed_twice_adds_once_and_the_second_shows_the_result(
    signed_in, tara, bob, kent, national_course
):
    client = signed_in(tara)
    upload(client, kent, CSV.encode())
    checked = CompletionImportRun.objects.get()
    first = client.post(f"/learning/records/import/{checked.uuid}/apply/")
    second = client.post(f"/learning/records/import/{checked.uuid}/apply/")
    applied = CompletionImportRun.objects.get(outcome=CompletionImportRun.Outcome.APPLIED)
    assert first["Location"] == second["Location"] == f"/learning/records/import/{applied.uuid}/"
    assert applied.checked_run == checked and Completion.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: two requests at the same time"
)
def test_apply_pressed_in_two_tabs_at_once_adds_once(signed_in, tara, bob, kent, national_course):

    client = signed_in(tara)
    upload(client, kent, CSV.encode())
    checked = CompletionImportRun.objects.get()
    locations = post_in_tabs_at_once(client, f"/learning/records/import/{checked.uuid}/apply/")
    applied = CompletionImportRun.objects.get(outcome=CompletionImportRun.Outcome.APPLIED)
    assert locations == [f"/learning/records/import/{applied.uuid}/"] * 2
    assert Completion.objects.count() == 2


def test_the_service_raises_with_the_failed_run_for_its_caller(tara, bob, kent, national_course, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("bluelamp.learning.records.history._without_duplicates", broken)
    with pytest.raises(HistoryImportError) as failed:
        import_history(actor=tara, organisation=kent, data=CSV.encode(), apply=True)
    assert isinstance(failed.value.__cause__, ValueError)
    assert failed.value.result.run.outcome == CompletionImportRun.Outcome.FAILED
    nothing_written()


# --- the command line ---------------------------------------------------------------------------


def run_command(path, *args):
    with pytest.raises(SystemExit) as exit_:
        call_command("import-completions", str(path), "--org", "kent", *args)
    return exit_.value.code


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_the_command_prints_the_reason_and_exits_non_zero(name, kent, bob, national_course, tmp_path, capsys):
    data, says = UNREADABLE[name]
    path = tmp_path / "history.csv"
    path.write_bytes(data)
    assert run_command(path, "--apply") == 1
    err = capsys.readouterr().err
    assert err.startswith("history.csv: nothing was written. ") and "Traceback" not in err
    for words in says:
        assert words in err
    assert CompletionImportRun.objects.get().outcome == CompletionImportRun.Outcome.FAILED
    nothing_written()


def test_the_command_reports_an_unexpected_error_without_a_traceback(
    kent, bob, national_course, tmp_path, capsys, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("bluelamp.learning.records.history._without_duplicates", broken)
    path = tmp_path / "history.csv"
    path.write_bytes(CSV.encode())
    assert run_command(path, "--apply") == 1
    err = capsys.readouterr().err
    assert "nothing was written. The import stopped before it finished (ValueError: a bug)." in err
    assert "Traceback (most recent" not in err
    with pytest.raises(HistoryImportError):
        call_command("import-completions", str(path), "--org", "kent", "--traceback")
