"""The operator commands that outside checks rely on."""

import io

import pytest
from django.core.management import call_command

from bluelamp.audit.api import AuditEvent
from bluelamp.learning.api import Course, Enrolment
from bluelamp.organisations.api import Licence, Organisation, RoleAssignment, Unit
from bluelamp.people.api import Person

HEADER = (
    "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
)


def run(*args) -> tuple[int | str | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def test_import_people_cli(kent, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "1,a@kent.police.uk,Al,One,East/Team 1,Sergeant,,,2020-01-01,active\n")
    code, out, _ = run("import-people", str(good), "--org", "kent", "--dry-run")
    assert code == 0 and "Dry run" in out and "new unit: East/Team 1" in out
    assert not Person.objects.filter(staff_number="1").exists()
    code, out, _ = run("import-people", str(good), "--org", "kent")
    assert code == 0 and "created: 1" in out
    assert Person.objects.get(staff_number="1").unit.full_path == "East/Team 1"

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2,b@kent.police.uk,Bo,Two,,Admiral,,,,active\n")
    code, _, err = run("import-people", str(bad), "--org", "kent")
    assert code == 1
    assert "row 2, column rank" in err and "Admiral" in err and "nothing was applied" in err
    assert not Person.objects.filter(staff_number="2").exists()

    unknown = tmp_path / "unknown.csv"
    unknown.write_text("staff_number,email,first_name,last_name,shoe_size\n3,c@kent.police.uk,C,D,9\n")
    code, _, err = run("import-people", str(unknown), "--org", "kent", "--dry-run")
    assert code == 1 and "shoe_size" in err and "Unknown column" in err


def test_import_people_cli_unknown_organisation(tmp_path, db):
    file = tmp_path / "x.csv"
    file.write_text(HEADER)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No organisation with slug"):
        call_command("import-people", str(file), "--org", "atlantis")


def snapshot():
    return (
        Organisation.objects.count(),
        Licence.objects.count(),
        Unit.objects.count(),
        Person.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_data_loads_forces_and_is_idempotent(db):
    code, out, _ = run("demo-data", "--people-per-force", "8")
    assert code == 0 and "kent.admin@kent.police.uk" in out
    first = snapshot()
    assert Organisation.objects.filter(slug="national", kind="national_body").exists()
    assert Organisation.objects.filter(kind="home_office_force").count() == 43
    kent = Organisation.objects.get(slug="kent")
    assert {lic.type for lic in Licence.objects.filter(organisation=kent) if lic.status == "active"} == {
        "PL-P-101",
        "PL-P-200",
    }
    # Learning's demo data comes through its registered demo loader, with the demo's Kent officer.
    officer = Person.objects.get(email="kent.officer@kent.police.uk")
    # (Other domains' demo data may add courses of their own: mandatory training does.)
    assert {"FA-REFRESH", "KENT-CUSTODY", "SAS-01"} <= set(Course.objects.values_list("code", flat=True))
    courses = Course.objects.count()
    # (Assessment's demo enrols them too, on the courses holding its quiz and assignment.)
    assert "SAS-01" in [e.course.code for e in Enrolment.objects.filter(person=officer)]
    run("demo-data", "--people-per-force", "8")
    assert snapshot() == first
    assert Course.objects.count() == courses
