"""`bluelamp load-requirements FILE --org SLUG`: JSON and YAML, create, update, idempotent, every
kind of error (each named by item, code and field, with nothing written), and the national body."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from bluelamp.audit.api import AuditEvent
from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.compliance.services import CourseChoice, RequirementInput, requirement_save
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.api import units_ensure_paths
from conftest import make_person

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int | str | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None
    try:
        call_command("load-requirements", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def kent_setup(kent, alice, bob, national, platform_admin):
    units = units_ensure_paths(
        actor=None, organisation=kent, paths=["East Division/Canterbury/Response", "West Division"]
    )
    carol = make_person(
        kent,
        "carol@kent.police.uk",
        first="Carol",
        last="Canterbury",
        staff_number="K3",
        unit=units["east division/canterbury"],
    )
    return {
        "units": units,
        "carol": carol,
        "fa101": publish_course(kent, alice, "FA-101"),
        "fa102": publish_course(kent, alice, "FA-102"),
        "nat": publish_course(national, platform_admin, "NAT-1"),
    }


def requirement(code="FA-REFRESH", **overrides) -> dict:
    item = {
        "code": code,
        "title": f"Requirement {code}",
        "courses": ["FA-101"],
        "audience": {"all": True},
        "first_due": {"days_after": "joining", "days": 90},
        "validity_months": 12,
        "window_days": 60,
        "prerequisites": [],
    }
    item.update(overrides)
    return item


def write(tmp_path, items, name="requirements.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"requirements": items}) if name.endswith(".json") else items)
    return str(path)


def everything():
    return Requirement.objects.count(), AuditEvent.objects.count(), Assignment.objects.count()


# --- loading ---------------------------------------------------------------------------------


def test_json_creates_requirements_with_everything_they_name(kent, kent_setup, tmp_path):
    file = write(
        tmp_path,
        [
            requirement(
                "FA-REFRESH",
                description="Every year.",
                courses=["fa-101", {"code": "FA-102", "min_version": 2}, "NAT-1"],
                audience={
                    "units": ["East Division/Canterbury", "Kent Police/West Division"],
                    "ranks": ["Sergeant", "Police Constable"],
                    "job_roles": ["Response officer"],
                    "started_from": "2020-01-01",
                    "started_to": "2025-12-31",
                },
                prerequisites=["FA-BASIC"],  # later in the file
                due_soon_days=21,
                escalate_after_days=7,
                auto_enrol=True,
            ),
            requirement(
                "FA-BASIC",
                first_due={"date": "2026-06-30"},
                validity_months=None,
                window_days=0,
                audience={"units": ["east  division"]},
            ),
        ],
    )
    code, out, err = run(file, "--org", "kent")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["created FA-REFRESH", "created FA-BASIC"]

    refresh = Requirement.objects.get(owner=kent, code="FA-REFRESH")
    east, canterbury, west = (
        kent_setup["units"][k] for k in ("east division", "east division/canterbury", "west division")
    )
    assert refresh.audience == {
        "units": sorted([canterbury.pk, west.pk]),
        "ranks": ["Police Constable", "Sergeant"],
        "job_roles": ["Response officer"],
        "started_from": "2020-01-01",
        "started_to": "2025-12-31",
    }
    assert [(link.course.code, link.min_version) for link in refresh.course_links.all()] == [
        ("FA-101", None),
        ("FA-102", 2),
        ("NAT-1", None),
    ]
    assert refresh.description == "Every year."
    assert (refresh.first_due_kind, refresh.first_due_days, refresh.validity_months, refresh.window_days) == (
        "joining",
        90,
        12,
        60,
    )
    assert (refresh.due_soon_days, refresh.escalate_after_days, refresh.auto_enrol) == (21, 7, True)
    assert [p.code for p in refresh.prerequisites.all()] == ["FA-BASIC"]
    basic = Requirement.objects.get(owner=kent, code="FA-BASIC")
    assert (basic.first_due_kind, str(basic.first_due_date), basic.validity_months) == (
        "date",
        "2026-06-30",
        None,
    )
    assert basic.audience == {"units": [east.pk]}
    # Audiences were evaluated: Carol is in East Division's subtree; Alice and Bob in no unit.
    assert set(Assignment.objects.filter(requirement=basic).values_list("person__email", flat=True)) == {
        "carol@kent.police.uk"
    }
    assert AuditEvent.objects.filter(action="compliance.requirement_created").count() == 2


YAML = """\
requirements:
  - code: FA-REFRESH
    title: First aid refresher
    courses: [FA-101]
    audience:
      all: true
    first_due: {days_after: start_date, days: 30}
    validity_months: 12
    window_days: 60
    prerequisites: []
  - code: FA-DATED
    title: By a date
    courses: [FA-101, {code: FA-102, min_version: 2}]
    audience:
      units: [West Division]
      started_from: 2024-01-01
    first_due: {date: 2026-09-01}
    validity_months: null
    window_days: 0
"""


def test_yaml_loads_and_a_second_run_changes_nothing(kent, kent_setup, tmp_path):
    file = write(tmp_path, YAML, name="requirements.yaml")
    code, out, err = run(file, "--org", "kent")
    assert (code, err) == (0, "") and out.splitlines() == ["created FA-REFRESH", "created FA-DATED"]
    dated = Requirement.objects.get(code="FA-DATED")
    assert str(dated.first_due_date) == "2026-09-01"  # YAML's own dates are taken as dates
    assert dated.audience["started_from"] == "2024-01-01"
    assert Requirement.objects.get(code="FA-REFRESH").first_due_kind == "start_date"

    before = everything()
    stamps = dict(Requirement.objects.values_list("code", "updated_at"))
    code, out, err = run(file, "--org", "kent")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["unchanged FA-REFRESH", "unchanged FA-DATED"]
    assert everything() == before
    assert dict(Requirement.objects.values_list("code", "updated_at")) == stamps


def test_a_changed_file_updates_by_code_and_audits_only_what_changed(kent, kent_setup, tmp_path):
    first = [requirement("A"), requirement("B")]
    code, _, _ = run(write(tmp_path, first), "--org", "kent")
    assert code == 0
    a = Requirement.objects.get(code="A")
    changed = [requirement("A", title="A new title", courses=["FA-102", "FA-101"]), requirement("B")]
    code, out, err = run(write(tmp_path, changed), "--org", "kent")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["updated A", "unchanged B"]
    a.refresh_from_db()
    assert a.title == "A new title"
    assert [link.course.code for link in a.course_links.all()] == ["FA-102", "FA-101"]
    event = AuditEvent.objects.get(action="compliance.requirement_changed")
    assert event.object_id == str(a.pk)
    assert Requirement.objects.filter(owner=kent).count() == 2

    # A description alone is a change too, and is audited.
    code, out, _ = run(
        write(
            tmp_path,
            [requirement("A", title="A new title", courses=["FA-102", "FA-101"], description="Why.")],
        ),
        "--org",
        "kent",
    )
    assert out.splitlines() == ["updated A"]
    assert AuditEvent.objects.filter(action="compliance.requirement_changed").count() == 2


def test_prerequisites_may_name_requirements_saved_before(kent, kent_setup, tmp_path):
    run(write(tmp_path, [requirement("BASIC")]), "--org", "kent")
    code, out, err = run(write(tmp_path, [requirement("ADVANCED", prerequisites=["basic"])]), "--org", "kent")
    assert (code, err) == (0, "") and out.splitlines() == ["created ADVANCED"]
    assert [p.code for p in Requirement.objects.get(code="ADVANCED").prerequisites.all()] == ["BASIC"]


def test_people_named_in_or_out_on_the_pages_stay_when_a_file_is_loaded_again(
    kent, kent_setup, bob, tmp_path
):
    file = write(tmp_path, [requirement("A")])
    run(file, "--org", "kent")
    a = Requirement.objects.get(code="A")
    requirement_save(
        actor=None,
        owner=kent,
        requirement=a,
        data=RequirementInput(
            code="A",
            title=a.title,
            courses=[CourseChoice(kent_setup["fa101"])],
            audience={"all": True, "exclude": [bob.pk]},
            validity_months=12,
            window_days=60,
            first_due_days=90,
        ),
    )
    code, out, _ = run(file, "--org", "kent")
    assert out.splitlines() == ["unchanged A"]
    a.refresh_from_db()
    assert a.audience == {"all": True, "exclude": [bob.pk]}


# --- refusals --------------------------------------------------------------------------------


def refused(tmp_path, items, org="kent", name="requirements.json") -> str:
    before = everything()
    code, out, err = run(write(tmp_path, items, name=name), "--org", org)
    assert code == 1, (out, err)
    assert out == ""
    assert everything() == before  # nothing written
    assert "nothing was written" in err
    return err


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            requirement(audience={"units": ["East Division/Nowhere"]}),
            ['requirement 1 (FA-REFRESH), audience.units: no unit "East Division/Nowhere" in Kent Police'],
        ),
        (
            requirement(audience={"units": ["Canterbury"]}),
            ["give its full path from the top", 'did you mean "East Division/Canterbury"'],
        ),
        (requirement(audience={"units": ["East Division//Canterbury"]}), ["has an empty level"]),
        (
            requirement(courses=["FA-999"]),
            [
                'requirement 1 (FA-REFRESH), courses: no course with the code "FA-999" among Kent Police\'s or the national'
            ],
        ),
        (
            requirement(prerequisites=["NOPE"]),
            ['requirement 1 (FA-REFRESH), prerequisites: no requirement with the code "NOPE" in this file'],
        ),
        (requirement(prerequisites=["FA-REFRESH"]), ["cannot name itself"]),
        (
            requirement(first_due={"days_after": "hire", "days": 3}),
            [
                'requirement 1 (FA-REFRESH), first_due: days_after "hire" is not accepted; give "joining" or "start_date"'
            ],
        ),
        (
            requirement(first_due={"days_after": "joining", "days": -3}),
            ["first_due: days -3 is not accepted"],
        ),
        (requirement(first_due={"date": "2026-02-30"}), ['first_due: date "2026-02-30" is not accepted']),
        (requirement(first_due={"days": 3}), ['{"days_after": "joining" or "start_date", "days": N}']),
        (requirement(first_due={"date": "2026-01-01", "days": 1}), ['or {"date": "YYYY-MM-DD"}']),
        (
            requirement(validity_months=-1),
            ["validity_months: -1 is not accepted; give a whole number of months"],
        ),
        (requirement(validity_months=0), ["validity_months: Validity must be between 1 and 240 months"]),
        (
            requirement(window_days=-5),
            ["window_days: -5 is not accepted; give a whole number of days, 0 or more"],
        ),
        (requirement(due_soon_days="soon"), ['due_soon_days: "soon" is not accepted']),
        (requirement(escalate_after_days=True), ["escalate_after_days: true is not accepted"]),
        (
            requirement(validity_months=None, window_days=30),
            ["window_days: A recertification window needs a validity"],
        ),
        (requirement(auto_enrol="yes"), ['auto_enrol: "yes" is not accepted; give true or false']),
        (
            requirement(colour="blue"),
            ["requirement 1 (FA-REFRESH), colour: unknown key; accepted: code, title"],
        ),
        (
            requirement(audience={"all": True, "shoe_size": [9]}),
            ['audience: unknown rule "shoe_size"; accepted: all, units, ranks, job_roles'],
        ),
        (requirement(audience={"all": "yes"}), ['audience.all: "yes" is not accepted; give true']),
        (requirement(audience={}), ["audience: Choose who the requirement applies to"]),
        (requirement(audience={"ranks": "Sergeant"}), ["audience.ranks: must be a list of ranks or grades"]),
        (
            requirement(audience={"started_from": "last year"}),
            ['audience.started_from: "last year" is not accepted'],
        ),
        (
            requirement(audience={"started_from": "2025-01-01", "started_to": "2024-01-01"}),
            ["audience: Audience 'started_from' is after 'started_to'"],
        ),
        (requirement(courses=[]), ["courses: must be a list of course codes"]),
        (
            requirement(courses=[{"code": "FA-101", "min_version": 0}]),
            ["min_version must be a whole number, 1 or more"],
        ),
        (
            requirement(courses=[{"code": "FA-101", "version": 2}]),
            ["unknown key version; accepted: code, min_version"],
        ),
        (requirement(courses=["FA-101", "fa-101"]), ["courses: FA-101 is listed twice"]),
        (requirement(code=""), ["requirement 1, code: must not be empty"]),
        (requirement(code=101), ["requirement 1, code: must be text (in quotes"]),
        (requirement(title="x" * 201), ["title: The title is 201 characters long"]),
        (requirement(title="Bell\x07"), ["title: This contains a control character (U+0007)"]),
        (
            {"code": "ONLY-CODE"},
            ["requirement 1 (ONLY-CODE), title: missing; every requirement needs code, title"],
        ),
        (["FA-101"], ["requirement 1, requirement: each requirement is a mapping of keys"]),
    ],
)
def test_a_bad_item_is_named_with_its_field_and_what_is_accepted(kent_setup, tmp_path, item, expected):
    err = refused(tmp_path, [item])
    for text in expected:
        assert text in err


def test_every_item_at_fault_is_reported_and_a_good_one_is_not_written_either(kent_setup, tmp_path):
    err = refused(
        tmp_path,
        [
            requirement("GOOD"),
            requirement("BAD-1", courses=["NOPE"]),
            requirement("BAD-2", first_due={"days_after": "never"}, window_days=-1),
            requirement("GOOD", title="The same code again"),
        ],
    )
    lines = err.splitlines()
    assert any(line.startswith("  requirement 2 (BAD-1), courses:") for line in lines)
    assert any(line.startswith("  requirement 3 (BAD-2), first_due:") for line in lines)
    assert any(line.startswith("  requirement 3 (BAD-2), window_days:") for line in lines)
    assert any("requirement 4 (GOOD), code: requirement 1 has the code GOOD" in line for line in lines)
    assert lines[-1] == "requirements.json: 4 error(s); nothing was written."
    assert not Requirement.objects.exists()


def test_a_loop_of_prerequisites_is_refused(kent_setup, tmp_path):
    err = refused(
        tmp_path,
        [
            requirement("A", prerequisites=["B"]),
            requirement("B", prerequisites=["C"]),
            requirement("C", prerequisites=["A"]),
        ],
    )
    assert "requirement 1 (A), prerequisites: A → B → C → A is a loop" in err
    assert "requirement 3 (C), prerequisites:" in err


def test_a_loop_through_a_saved_requirement_is_refused(kent_setup, tmp_path):
    run(write(tmp_path, [requirement("A"), requirement("B", prerequisites=["A"])]), "--org", "kent")
    err = refused(tmp_path, [requirement("A", prerequisites=["B"])])
    assert "requirement 1 (A), prerequisites: B already depends on A: that would be a loop" in err


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ('{"requirements": [', "r.json", "The file is not valid JSON: Expecting value at line 1"),
        ("requirements: [\n  - a", "r.yaml", "The file is not valid YAML"),
        ('{"requirement": []}', "r.json", 'a list under "requirements"'),
        ('{"requirements": [], "version": 1}', "r.json", 'Unknown key "version" at the top of the file'),
        ('{"requirements": []}', "r.json", "is empty: there is nothing to load"),
        ("- just a list", "r.yml", 'a list under "requirements"'),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(kent_setup, tmp_path, text, name, expected):
    path = tmp_path / name
    path.write_text(text)
    code, _, err = run(str(path), "--org", "kent")
    assert code == 1 and expected in err and "nothing was written" in err


def test_unknown_organisation_or_file(kent, tmp_path):
    with pytest.raises(CommandError, match="No organisation with slug “atlantis”"):
        call_command("load-requirements", write(tmp_path, [requirement()]), "--org", "atlantis")
    with pytest.raises(CommandError, match="No such file"):
        call_command("load-requirements", str(tmp_path / "missing.yaml"), "--org", "kent")


# --- the national body -----------------------------------------------------------------------


def test_national_requirements_load_with_org_national(kent_setup, national, tmp_path):
    items = [
        requirement("NAT-FA", courses=["NAT-1"]),
        requirement("NAT-EAST", courses=["NAT-1"], audience={"units": ["Kent Police/East Division"]}),
    ]
    code, out, err = run(write(tmp_path, items), "--org", "national")
    assert (code, err) == (0, "") and out.splitlines() == ["created NAT-FA", "created NAT-EAST"]
    east = Requirement.objects.get(code="NAT-EAST")
    assert east.owner == national and east.audience == {"units": [kent_setup["units"]["east division"].pk]}
    # Kent's people are in the national audience (Kent holds PL-P-200).
    assert Assignment.objects.filter(requirement__code="NAT-FA", person__email="bob@kent.police.uk").exists()
    # A force's own requirement may need a national one.
    code, out, _ = run(write(tmp_path, [requirement("KENT-FA", prerequisites=["NAT-FA"])]), "--org", "kent")
    assert out.splitlines() == ["created KENT-FA"]


def test_national_requirements_name_national_courses_and_units_with_their_force(kent_setup, tmp_path):
    err = refused(
        tmp_path,
        [requirement("NAT-FA", courses=["FA-101"], audience={"units": ["East Division"]})],
        org="national",
    )
    assert 'no course with the code "FA-101" among National body\'s courses' in err
    assert 'a national requirement names units as "Force name/Unit path"' in err
