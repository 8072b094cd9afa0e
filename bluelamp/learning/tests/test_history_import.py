"""Importing historical completions from CSV: checked in full, all or nothing, duplicates skipped."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import Completion, CompletionImportRun, import_history
from bluelamp.learning.tests.conftest import import_course
from bluelamp.learning.tests.record_helpers import AT, complete_on_platform
from conftest import make_person


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


HEADER = "staff_number,email,course_code,course_title,completed_on,score,version,provider"


@pytest.fixture
def kent_course(kent):
    return import_course(kent, code="KENT-01", title="Kent custody procedures")


def _import(actor, organisation, data, apply=False):
    return import_history(
        actor=actor, organisation=organisation, data=data, apply=apply, file_name="old.csv", at=AT
    )


def test_a_valid_file_is_checked_then_applied_in_one_go(alice, bob, kent, national_course, kent_course):
    data = _csv(
        HEADER,
        "K2,,SAS-01,,2019-05-14,86,1,",
        ",bob@kent.police.uk,kent-01,,03/02/2018,,,",
        "K1,,,First aid at work,2017-06-30,,,St John Ambulance",
    )
    checked = _import(alice, kent, data)
    assert checked.ok and (checked.rows, checked.created, checked.applied) == (3, 3, False)
    assert checked.run.outcome == CompletionImportRun.Outcome.CHECKED
    assert not Completion.objects.exists()

    applied = _import(alice, kent, data, apply=True)
    assert applied.applied and applied.created == 3
    assert applied.run.outcome == CompletionImportRun.Outcome.APPLIED and applied.run.created == 3
    sas = Completion.objects.get(person=bob, course=national_course)
    assert (sas.source, sas.completed_on, sas.score, sas.version_number, sas.version.number) == (
        "imported",
        dt.date(2019, 5, 14),
        Decimal("86.00"),
        1,
        1,
    )
    assert (sas.course_code, sas.course_title, sas.organisation_id, sas.import_run_id) == (
        "SAS-01",
        "Stop and search essentials",
        kent.pk,
        applied.run.pk,
    )
    own = Completion.objects.get(person=bob, course=kent_course)
    assert own.completed_on == dt.date(2018, 2, 3)  # DD/MM/YYYY, code matched whatever its case
    first_aid = Completion.objects.get(person=alice)
    assert (first_aid.course_id, first_aid.course_title, first_aid.provider) == (
        None,
        "First aid at work",
        "St John Ambulance",
    )
    event = AuditEvent.objects.get(action="learning.history_import")
    assert event.after == {"rows": 3, "created": 3, "skipped": 0}


def test_every_problem_is_reported_and_nothing_is_written(alice, bob, kent, dave, national_course):
    data = _csv(
        HEADER,
        "K2,,SAS-01,,2019-05-14,86,,",  # fine
        "K99,,SAS-01,,2019-05-14,,,",  # no such staff number in Kent
        "E2,,SAS-01,,2019-05-14,,,",  # an Essex officer's number
        ",dave@essex.police.uk,SAS-01,,2019-05-14,,,",  # an Essex officer's address
        "K2,,NOPE-9,,2019-05-14,,,",  # no such course
        "K2,,,,2019-05-14,,,",  # no course at all
        "K2,,SAS-01,,14 May 2019,,,",  # a date in another form
        "K2,,SAS-01,,2099-01-01,,,",  # in the future
        "K2,,SAS-01,,2019-05-14,101,,",  # score out of range
        "K2,,SAS-01,,2019-05-14,,7,",  # no such version
        "K2,alice@kent.police.uk,SAS-01,,2019-05-14,,,",  # number and address of different people
        "K2,,SAS-01,2019-05-14",  # too few values
    )
    result = _import(alice, kent, data, apply=True)
    assert not result.ok and not result.applied
    found = {(e.row, e.column): (e.value, e.reason) for e in result.errors}
    assert found[(3, "staff_number")] == ("K99", "No one in Kent Police has this staff number.")
    assert found[(4, "staff_number")][0] == "E2"
    assert found[(5, "email")] == ("dave@essex.police.uk", "No one in Kent Police has this e-mail address.")
    assert found[(6, "course_code")] == (
        "NOPE-9",
        "No course with this code is owned by Kent Police or the national body.",
    )
    assert found[(7, "course_code")] == ("", "Enter a course_code or a course_title.")
    assert found[(8, "completed_on")] == (
        "14 May 2019",
        "Not a date in the form YYYY-MM-DD or DD/MM/YYYY, e.g. 2024-03-15 or 15/03/2024.",
    )
    assert found[(9, "completed_on")] == ("2099-01-01", "The date cannot be in the future.")
    assert found[(10, "score")] == ("101", "The score must be from 0 to 100.")
    assert found[(11, "version")] == (
        "7",
        "SAS-01 has no version 7. Its versions are: 1; or leave version empty.",
    )
    assert found[(12, "email")][0] == "alice@kent.police.uk"
    assert "Expected 8 values" in found[(13, "")][1]
    assert len(result.errors) == 11
    assert not Completion.objects.exists()
    run = result.run
    assert run.outcome == CompletionImportRun.Outcome.REFUSED and run.rows == 12 and len(run.errors) == 11
    assert run.errors[0] == {
        "kind": "error",
        "row": 3,
        "column": "staff_number",
        "value": "K99",
        "reason": "No one in Kent Police has this staff number.",
    }


def test_header_problems_are_reported(alice, kent):
    result = _import(alice, kent, _csv("person,course_code,when", "K2,SAS-01,2019-05-14"))
    reasons = {(e.column, e.reason.split(".")[0]) for e in result.errors}
    assert ("person", "Unknown column") in reasons and ("when", "Unknown column") in reasons
    assert ("completed_on", "Required column is missing") in reasons
    assert ("staff_number", "Name each person: add a staff_number or email column") in reasons
    assert _import(alice, kent, b"").errors[0].reason.startswith("The file is empty")
    assert _import(alice, kent, _csv(HEADER)).errors[0].reason == "The file has a header but no completions."
    assert "not text" in _import(alice, kent, b"staff_number\n\x81\x8d\x90").failure


def test_duplicates_are_skipped_and_reported(alice, bob, kent, national_course):
    complete_on_platform(bob, national_course, at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    data = _csv(
        "staff_number,course_code,course_title,completed_on",
        "K2,SAS-01,,2026-11-02",  # already on the record (completed on Bluelamp that day)
        "K2,,Taser update,2024-01-10",
        "K2,,taser  update,10/01/2024",  # the same as the row above
        "K1,SAS-01,,2026-11-02",
    )
    result = _import(alice, kent, data, apply=True)
    assert result.ok and result.created == 2
    assert [(d.row, d.reason) for d in result.duplicates] == [
        (2, "already on their learner record"),
        (4, "the same as row 3 of the file"),
    ]
    assert Completion.objects.filter(person=bob).count() == 2
    assert [e["kind"] for e in result.run.errors] == ["duplicate", "duplicate"]
    again = _import(alice, kent, data, apply=True)  # re-running the same file adds nothing
    assert again.created == 0 and len(again.duplicates) == 4


def test_only_people_in_the_actors_learning_scope(kent, essex, bob, charlie, dave, national_course):
    from bluelamp.organisations.api import role_grant, unit_create

    east = unit_create(actor=None, organisation=kent, name="East Division")
    west = unit_create(actor=None, organisation=kent, name="West Division")
    east_officer = make_person(kent, "eve@kent.police.uk", staff_number="K5", unit=east)
    make_person(kent, "wes@kent.police.uk", staff_number="K6", unit=west)
    unit_admin = make_person(kent, "una@kent.police.uk", staff_number="K7", unit=east)
    role_grant(
        actor=None,
        person=unit_admin,
        role="training_admin",
        organisation=kent,
        unit=east,
        as_operator=True,
    )

    data = _csv("staff_number,course_code,completed_on", "K5,SAS-01,2020-01-01", "K6,SAS-01,2020-01-01")
    result = _import(unit_admin, kent, data, apply=True)
    assert [(e.row, e.value, e.reason) for e in result.errors] == [
        (3, "K6", "This person is outside the units whose learning you manage.")
    ]
    assert not Completion.objects.exists()
    assert (
        _import(
            unit_admin,
            kent,
            _csv("staff_number,course_code,completed_on", "K5,SAS-01,2020-01-01"),
            apply=True,
        ).created
        == 1
    )
    assert Completion.objects.get().person == east_officer

    with pytest.raises(PermissionDenied):
        _import(charlie, kent, data)  # Essex's admin cannot import into Kent
    with pytest.raises(PermissionDenied):
        _import(bob, kent, data)  # an officer manages no one's learning


def test_the_command_checks_then_applies(kent, bob, national_course, tmp_path, capsys):
    path = tmp_path / "history.csv"
    path.write_bytes(_csv("staff_number,course_code,completed_on,score", "K2,SAS-01,2019-05-14,86"))
    call_command("import-completions", str(path), "--org", "kent")
    assert "Would apply — rows: 1, completions added: 1" in capsys.readouterr().out
    assert not Completion.objects.exists()
    call_command("import-completions", str(path), "--org", "kent", "--apply")
    assert "Applied — rows: 1, completions added: 1, skipped as duplicates: 0" in capsys.readouterr().out
    assert Completion.objects.get().source == "imported"

    path.write_bytes(_csv("staff_number,course_code,completed_on", "K404,SAS-01,2019-05-14"))
    with pytest.raises(SystemExit) as exit_:
        call_command("import-completions", str(path), "--org", "kent", "--apply")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "1 error(s); nothing was written" in err and "row 2, column staff_number (value “K404”)" in err


def test_the_query_count_does_not_grow_with_the_file(alice, bob, kent, national_course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def file(n):
        dates = [dt.date(2010, 1, 1) + dt.timedelta(days=i) for i in range(n)]
        return _csv("staff_number,course_code,completed_on", *(f"K2,SAS-01,{d.isoformat()}" for d in dates))

    with CaptureQueriesContext(connection) as small:
        assert _import(alice, kent, file(3), apply=True).created == 3
    Completion.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        assert _import(alice, kent, file(300), apply=True).created == 300
    # Not a query per row: only bulk INSERTs split into more batches (SQLite caps parameters per query).
    assert len(large) <= len(small) + 300 // 50
