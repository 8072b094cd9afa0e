"""Every way an HR import can fail ends its run as failed, with a reason a person can act on, and
nothing written; on the page, in the background task and on the command line. Apply pressed twice
starts one apply."""

import codecs
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.api import Unit
from bluelamp.people.models import ImportRun, Person
from bluelamp.people.tasks import process_import

HEADER = (
    "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
)
CSV = (
    HEADER
    + "300,one@kent.police.uk,Una,One,East/Team A,Sergeant,,,2020-01-01,active\n"
    + "301,two@kent.police.uk,Dua,Two,East/Team A,Police Constable,,300,2021-01-01,active\n"
)
UTF16 = "saved as UTF-16"
SAVE_AS = "Save it from your spreadsheet as “CSV UTF-8 (Comma delimited)”"

# Each file, and what the reason must say (what is wrong, and what is accepted).
UNREADABLE = {
    "UTF-16 with a byte-order mark": (CSV.encode("utf-16"), [UTF16, SAVE_AS]),
    "UTF-16 big-endian with a byte-order mark": (
        codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"),
        [UTF16, SAVE_AS],
    ),
    "UTF-16 without a byte-order mark": (CSV.encode("utf-16-le"), [UTF16, SAVE_AS]),
    "a NUL byte": (CSV.replace("Dua", "D\0ua").encode(), ["NUL character", "on row 3", SAVE_AS]),
    "a quote never closed": (
        CSV.replace("Una,One", '"Una,One').encode(),
        ['A quote (") on row 2 is never closed', '"Smith ""Jr"""'],
    ),
    "a quote never closed in a large file": (
        (CSV.replace("Una,One", '"Una,One') + CSV.removeprefix(HEADER) * 2000).encode(),
        ['A quote (") on row 2 is never closed'],
    ),
    "text after a closing quote": (
        CSV.replace("Una,One", '"Una"x,One').encode(),
        ['Row 2 has text straight after a closing quote (")', '"Smith ""Jr"""'],
    ),
    "bytes that are not text": (
        HEADER.encode() + b"300,\x81\x8d\x90\n",
        ["not text (UTF-8 or Windows-1252)"],
    ),
}


def upload(client, data: bytes, org_id: int, name="hr.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post("/people/import/", {"organisation": org_id, "file": file})


def nothing_written(kent):
    assert not Person.objects.filter(organisation=kent, staff_number__in=["300", "301"]).exists()
    assert not Unit.objects.filter(organisation=kent).exists()
    assert not AuditEvent.objects.filter(action__in=["people.import", "unit.create"]).exists()


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_an_unreadable_file_fails_with_its_reason_on_the_page(name, signed_in, alice, kent):
    data, says = UNREADABLE[name]
    client = signed_in(alice)
    response = upload(client, data, kent.pk)
    run = ImportRun.objects.get()
    assert run.outcome == ImportRun.Outcome.FAILED and run.finished_at is not None
    for words in says:
        assert words in run.failure_reason
    page = client.get(response["Location"]).content.decode()
    assert "The file could not be checked. Nothing has been changed." in page
    assert says[0].replace('"', "&#34;") in page or says[0] in page
    assert "Apply these changes" not in page
    assert run.stored_file.name == ""  # the upload (personal data) is not kept
    nothing_written(kent)


def test_an_empty_file_is_rejected_not_applied(alice, kent):
    from bluelamp.people.importing import run_import

    for data in (b"", codecs.BOM_UTF8):
        result = run_import(actor=alice, organisation=kent, data=data, file_name="hr.csv", dry_run=False)
        assert not result.applied and result.run.outcome == ImportRun.Outcome.REJECTED
        assert result.errors[0].reason.startswith("The file is empty")


def test_a_file_over_the_limit_is_refused_at_upload_and_fails_in_the_task(signed_in, alice, kent, settings):
    client = signed_in(alice)
    settings.PEOPLE_IMPORT_MAX_BYTES = 100
    response = upload(client, CSV.encode(), kent.pk)
    assert response.status_code == 200 and "the limit is" in response.content.decode()
    assert not ImportRun.objects.exists()

    # Checked under a larger limit, applied after it was lowered: the task refuses it too.
    settings.PEOPLE_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    upload(client, CSV.encode(), kent.pk)
    checked = ImportRun.objects.get(outcome=ImportRun.Outcome.VALID)
    settings.PEOPLE_IMPORT_MAX_BYTES = 100
    response = client.post(f"/people/import/{checked.uuid}/apply/")
    run = ImportRun.objects.get(dry_run=False)
    assert run.outcome == ImportRun.Outcome.FAILED
    assert run.failure_reason == (
        f"The file is {len(CSV)} bytes; the limit is 100 bytes. Split it into smaller files and import each one."
    )
    nothing_written(kent)


def test_an_error_while_applying_changes_nothing_and_the_file_can_be_applied_again(
    signed_in, alice, kent, monkeypatch
):
    client = signed_in(alice)
    upload(client, CSV.encode(), kent.pk)
    checked = ImportRun.objects.get()

    def audit_log_down(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    # The last write of an apply, after the people and their units: all of it must roll back.
    monkeypatch.setattr("bluelamp.people.importing._write.audit_record", audit_log_down)
    response = client.post(f"/people/import/{checked.uuid}/apply/")
    run = ImportRun.objects.get(dry_run=False)
    assert run.outcome == ImportRun.Outcome.FAILED
    assert "problem on our side (RuntimeError)" in run.failure_reason
    assert "Apply the checked file again." in run.failure_reason
    nothing_written(kent)
    page = client.get(response["Location"]).content.decode()
    assert "The changes could not be applied. Nothing has been changed." in page
    assert "Go back to the checked file" in page

    # The checked file was given back: applying it again works once the cause is gone.
    checked.refresh_from_db()
    assert checked.stored_file.name and default_storage.exists(checked.stored_file.name)
    assert "Apply these changes" in client.get(f"/people/import/{checked.uuid}/").content.decode()
    monkeypatch.undo()
    client.post(f"/people/import/{checked.uuid}/apply/")
    assert ImportRun.objects.filter(dry_run=False, outcome=ImportRun.Outcome.APPLIED).count() == 1
    assert Person.objects.get(organisation=kent, staff_number="301").line_manager.staff_number == "300"


def test_an_error_while_checking_ends_the_run_as_failed(signed_in, alice, kent, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("bluelamp.people.importing._plan", broken)
    upload(signed_in(alice), CSV.encode(), kent.pk)
    run = ImportRun.objects.get()
    assert run.outcome == ImportRun.Outcome.FAILED
    assert run.failure_reason.startswith(
        "The import stopped before it finished because of a problem on our side (ValueError). "
        "Nothing has been changed. Upload the file again."
    )
    assert run.stored_file.name == ""


def test_stopping_the_worker_mid_apply_rolls_back_and_fails_the_run(
    signed_in, alice, kent, settings, monkeypatch
):
    client = signed_in(alice)
    upload(client, CSV.encode(), kent.pk)
    checked = ImportRun.objects.get()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.post(f"/people/import/{checked.uuid}/apply/")
    run = ImportRun.objects.get(dry_run=False)

    def shut_down(**kwargs):  # db_worker's answer to a second SIGTERM
        raise SystemExit(1)

    monkeypatch.setattr("bluelamp.people.importing._write.audit_record", shut_down)
    with pytest.raises(SystemExit):
        process_import.call(run.pk)
    run.refresh_from_db()
    assert run.outcome == ImportRun.Outcome.FAILED
    assert "stopped before it finished (the background worker was shut down)" in run.failure_reason
    nothing_written(kent)


def test_an_uploader_who_lost_the_right_to_import_gets_a_failed_run(signed_in, alice, bob, kent, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    upload(signed_in(alice), CSV.encode(), kent.pk)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(started_by=bob)  # as if Alice's role had ended
    assert process_import.call(run.pk) == ImportRun.Outcome.FAILED
    run.refresh_from_db()
    assert run.failure_reason.startswith("You can no longer import people into Kent Police")


def test_a_file_deleted_before_the_task_ran_gets_a_failed_run(signed_in, alice, kent, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    upload(signed_in(alice), CSV.encode(), kent.pk)
    run = ImportRun.objects.get()
    default_storage.delete(run.stored_file.name)
    assert process_import.call(run.pk) == ImportRun.Outcome.FAILED
    run.refresh_from_db()
    assert "no longer kept" in run.failure_reason and "Upload it again" in run.failure_reason


def test_apply_pressed_twice_starts_one_apply_and_the_second_shows_it(signed_in, alice, kent, settings):
    client = signed_in(alice)
    upload(client, CSV.encode(), kent.pk)
    checked = ImportRun.objects.get()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first = client.post(f"/people/import/{checked.uuid}/apply/")
    second = client.post(f"/people/import/{checked.uuid}/apply/")  # while the first waits for a worker
    run = ImportRun.objects.get(dry_run=False)
    assert first["Location"] == second["Location"] == f"/people/import/{run.uuid}/"
    assert "Applying the changes" in client.get(second["Location"]).content.decode()

    assert process_import.call(run.pk) == ImportRun.Outcome.APPLIED
    assert process_import.call(run.pk) == ImportRun.Outcome.APPLIED  # delivered twice: once only
    third = client.post(f"/people/import/{checked.uuid}/apply/")
    assert third["Location"] == f"/people/import/{run.uuid}/"
    assert ImportRun.objects.filter(dry_run=False).count() == 1
    assert AuditEvent.objects.filter(action="people.import").count() == 1


# --- the command line ---------------------------------------------------------------------------


def run_command(path, *args):
    with pytest.raises(SystemExit) as exit_:
        call_command("import-people", str(path), "--org", "kent", *args)
    return exit_.value.code


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_the_command_prints_the_reason_and_exits_non_zero(name, kent, tmp_path, capsys):
    data, says = UNREADABLE[name]
    path = tmp_path / "hr.csv"
    path.write_bytes(data)
    assert run_command(path) == 1
    err = capsys.readouterr().err
    assert err.startswith("hr.csv: nothing was applied. ") and "Traceback" not in err
    for words in says:
        assert words in err
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.FAILED
    nothing_written(kent)


def test_the_command_refuses_a_file_over_the_limit_without_reading_it(kent, tmp_path, capsys, settings):
    settings.PEOPLE_IMPORT_MAX_BYTES = 1024 * 1024
    path = tmp_path / "hr.csv"
    path.write_bytes(b"x" * (3 * 1024 * 1024 // 2))
    assert run_command(path, "--dry-run") == 1
    assert "The file is 1.5 MB; the limit is 1 MB. Split it into smaller files" in capsys.readouterr().err


def test_the_command_reports_an_unexpected_error_without_a_traceback(kent, tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("bluelamp.people.importing._plan", broken)
    path = tmp_path / "hr.csv"
    path.write_bytes(CSV.encode())
    assert run_command(path) == 1
    err = capsys.readouterr().err
    assert "nothing was applied. The import stopped before it finished (ValueError: a bug)." in err
    assert "--traceback" in err and "Traceback (most recent" not in err
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.FAILED
    with pytest.raises(ValueError):
        call_command("import-people", str(path), "--org", "kent", "--traceback")


def test_only_importers_of_the_organisation_may_start_a_check_or_an_apply(kent, alice, charlie, bob):
    """The services check who acts: Essex's administrator and a Kent officer are refused, and
    nothing is stored or queued."""
    from django.core.exceptions import PermissionDenied
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bluelamp.people.importing import import_apply_start, import_check_start
    from bluelamp.people.models import ImportRun

    for outsider in (charlie, bob, None):
        with pytest.raises(PermissionDenied):
            import_check_start(
                actor=outsider, organisation=kent, upload=SimpleUploadedFile("hr.csv", b"staff_number\n")
            )
    assert not ImportRun.objects.exists()
    checked = import_check_start(
        actor=alice, organisation=kent, upload=SimpleUploadedFile("hr.csv", b"staff_number,email\n")
    )
    for outsider in (charlie, bob, None):
        with pytest.raises(PermissionDenied):
            import_apply_start(actor=outsider, checked=checked)
    assert ImportRun.objects.count() == 1
