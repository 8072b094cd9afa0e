import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.api import Unit
from bluelamp.people.importing import run_import
from bluelamp.people.models import ImportRun, Person

HEADER = (
    "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
)


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


GOOD = csv_bytes(
    "100,sgt.one@kent.police.uk,Sam,One,East Division/Canterbury/Response Team 2,Sergeant,Response sergeant,,2015-04-01,active",
    "101,pc.two@kent.police.uk,Pat,Two,East Division/Canterbury/Response Team 2,Police Constable,Response officer,100,2021-09-06,active",
    "102,staff.three@kent.police.uk,Jo,Three,HQ/Learning and Development,Police Staff,Trainer,,,active",
)


def test_dry_run_reports_changes_and_writes_nothing(alice, kent):
    result = run_import(actor=alice, organisation=kent, data=GOOD, file_name="hr.csv", dry_run=True)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert result.new_units == [
        "East Division",
        "East Division/Canterbury",
        "East Division/Canterbury/Response Team 2",
        "HQ",
        "HQ/Learning and Development",
    ]
    assert not Person.objects.filter(staff_number="100").exists()
    assert not Unit.objects.filter(organisation=kent).exists()
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.VALID


def test_apply_creates_people_units_and_reporting_lines_and_rerun_changes_nothing(alice, kent):
    result = run_import(actor=alice, organisation=kent, data=GOOD, file_name="hr.csv", dry_run=False)
    assert result.ok and result.applied
    two = Person.objects.get(organisation=kent, staff_number="101")
    assert two.unit.full_path == "East Division/Canterbury/Response Team 2"
    assert two.line_manager.staff_number == "100"
    assert two.rank == "Police Constable"
    assert two.employment_start_date == dt.date(2021, 9, 6)
    assert not two.has_usable_password()
    assert AuditEvent.objects.filter(action="people.import", organisation=kent).count() == 1

    again = run_import(actor=alice, organisation=kent, data=GOOD, file_name="hr.csv", dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Unit.objects.filter(organisation=kent).count() == 5


def test_updates_and_leavers_are_marked_not_deleted(alice, kent):
    run_import(actor=alice, organisation=kent, data=GOOD, file_name="hr.csv", dry_run=False)
    changed = csv_bytes(
        "100,sgt.one@kent.police.uk,Sam,One,East Division/Canterbury/Response Team 2,Inspector,Response inspector,,2015-04-01,active",
        "101,pc.two@kent.police.uk,Pat,Two,East Division/Canterbury/Response Team 2,Police Constable,Response officer,100,2021-09-06,leaver",
    )
    result = run_import(actor=alice, organisation=kent, data=changed, file_name="hr2.csv", dry_run=False)
    assert (result.created, result.updated, result.leavers) == (0, 2, 1)
    leaver = Person.objects.get(staff_number="101")
    assert leaver.status == "leaver" and not leaver.is_active and leaver.left_on is not None
    assert Person.objects.get(staff_number="100").rank == "Inspector"
    assert Person.objects.filter(staff_number="102").exists()  # not in the file: left alone


def test_errors_name_row_column_value_and_reason_and_nothing_is_applied(alice, kent, charlie):
    bad = csv_bytes(
        "200,ok@kent.police.uk,Al,Good,Team A,Sergeant,,,,active",
        "201,not-an-email,Bo,Bad,Team A,Sergeant,,,,active",
        "202,x@kent.police.uk,Cy,Bad,Team A,Admiral,,,31/12/2020,retired",
        "200,y@kent.police.uk,Di,Dup,Team A,,,,,",
        "203,charlie@essex.police.uk,Ed,Taken,,,,999,,",
    )
    result = run_import(actor=alice, organisation=kent, data=bad, file_name="bad.csv", dry_run=False)
    assert not result.ok and not result.applied
    found = {(e.row, e.column, e.value) for e in result.errors}
    assert (3, "email", "not-an-email") in found
    assert (4, "rank", "Admiral") in found
    assert (4, "start_date", "31/12/2020") in found
    assert (4, "status", "retired") in found
    assert (5, "staff_number", "200") in found
    assert (6, "email", "charlie@essex.police.uk") in found
    assert (6, "line_manager_staff_number", "999") in found
    assert all(e.reason for e in result.errors)
    assert not Person.objects.filter(staff_number="200").exists()
    assert not Unit.objects.filter(organisation=kent).exists()
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.REJECTED


def test_unknown_and_missing_headers_are_errors(alice, kent):
    result = run_import(
        actor=alice,
        organisation=kent,
        data=b"staff_number,email,first_name,surname\n1,a@b.uk,A,B\n",
        file_name="x.csv",
        dry_run=True,
    )
    messages = {(e.column, e.reason.split(".")[0]) for e in result.errors}
    assert ("surname", "Unknown column") in messages
    assert ("last_name", "Required column is missing") in messages


def test_reporting_line_loops_are_refused(alice, kent):
    data = csv_bytes("1,a@kent.police.uk,A,A,,,,2,,", "2,b@kent.police.uk,B,B,,,,1,,")
    result = run_import(actor=alice, organisation=kent, data=data, file_name="x.csv", dry_run=True)
    assert any("loop" in e.reason for e in result.errors)


def test_missing_optional_columns_leave_fields_alone(alice, kent):
    run_import(actor=alice, organisation=kent, data=GOOD, file_name="hr.csv", dry_run=False)
    minimal = b"staff_number,email,first_name,last_name\n101,pc.two@kent.police.uk,Patricia,Two\n"
    result = run_import(actor=alice, organisation=kent, data=minimal, file_name="m.csv", dry_run=False)
    assert (result.updated, result.unchanged) == (1, 0)
    two = Person.objects.get(staff_number="101")
    assert two.first_name == "Patricia"
    assert two.unit is not None and two.line_manager is not None and two.rank == "Police Constable"


def test_outsider_cannot_import_into_another_organisation(charlie, kent):
    with pytest.raises(PermissionDenied):
        run_import(actor=charlie, organisation=kent, data=GOOD, file_name="hr.csv", dry_run=True)


def test_an_update_in_which_no_one_has_a_unit_is_applied(alice, kent):
    """On PostgreSQL the batch's NULL unit ids once made its unit column text, and the import
    failed with a type error."""
    first = csv_bytes("200,no.unit@kent.police.uk,Nia,Unit,,,,,,active")
    assert run_import(actor=alice, organisation=kent, data=first, file_name="a.csv", dry_run=False).ok
    changed = csv_bytes("200,no.unit@kent.police.uk,Nia,Renamed,,,,,,leaver")
    result = run_import(actor=alice, organisation=kent, data=changed, file_name="b.csv", dry_run=False)
    assert (result.updated, result.leavers) == (1, 1), result.errors
    person = Person.objects.get(staff_number="200")
    assert person.last_name == "Renamed" and person.unit_id is None and not person.is_active
