"""Writes of mandatory training through its services: exemptions and extensions flip a status at
once and are audited; bad input is refused naming the field, with nothing written; only those who
manage an organisation's training may change it (Charlie, of Essex, and Bob, an officer, may not)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from bluelamp.audit.api import AuditEvent
from bluelamp.compliance import evaluation
from bluelamp.compliance.models import Assignment, Exemption, Extension, Requirement, RequirementCourse
from bluelamp.compliance.selectors import access_requirement, access_requirement_to_manage
from bluelamp.compliance.services import (
    CourseChoice,
    RequirementInput,
    exemption_grant,
    exemption_revoke,
    extension_grant,
    requirement_save,
    requirement_set_state,
)
from bluelamp.compliance.tests.helpers import make_requirement
from bluelamp.compliance.tests.records import at, completed, officer
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.services import unit_create

pytestmark = pytest.mark.django_db

D = dt.date
T0 = at(D(2026, 1, 5))


@pytest.fixture
def first_aid(kent, alice):
    return publish_course(kent, alice, "FA-101")


@pytest.fixture
def fa(kent, alice, bob, first_aid):
    """Kent's first aid refresher for everyone: yearly, first due 10 days after joining."""
    return make_requirement(
        kent, "FA", [first_aid], validity_months=12, window_days=60, first_due_days=10, at=T0
    )


def row(person, requirement) -> Assignment:
    return Assignment.objects.get(person=person, requirement=requirement)


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def written() -> dict[str, int]:
    """How many rows of each kind a refused write must leave as they were."""
    return {
        "requirements": Requirement.objects.count(),
        "courses": RequirementCourse.objects.count(),
        "assignments": Assignment.objects.count(),
        "exemptions": Exemption.objects.count(),
        "extensions": Extension.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


# --- exemptions and extensions -----------------------------------------------------------------


def test_an_exemption_flips_the_status_at_once_and_its_grant_and_revocation_are_audited(kent, alice, bob, fa):
    evaluation.evaluate_people([bob.pk], at=at(D(2026, 2, 1)))
    assert row(bob, fa).status == "overdue"

    exemption = exemption_grant(
        actor=alice,
        person=bob,
        requirement=fa,
        reason="Long-term sick leave",
        starts_on=D(2026, 2, 1),
        ends_on=D(2026, 4, 30),
        at=at(D(2026, 2, 1)),
    )
    assignment = row(bob, fa)
    assert assignment.status == "exempt" and assignment.next_change_on == D(2026, 5, 1)
    (event,) = audited("compliance.exemption_granted")
    assert (event.actor_id, event.organisation_id) == (alice.pk, kent.pk)
    assert event.after["reason"] == "Long-term sick leave" and event.after["ends_on"] == "2026-04-30"

    exemption_revoke(actor=alice, exemption=exemption, reason="Back at work early", at=at(D(2026, 3, 1)))
    assert row(bob, fa).status == "overdue"
    exemption.refresh_from_db()
    assert exemption.revoked_by_id == alice.pk and exemption.revoked_reason == "Back at work early"
    (event,) = audited("compliance.exemption_revoked")
    assert event.after == {"reason": "Back at work early"}


def test_an_exemption_ends_on_its_last_day(kent, alice, bob, fa):
    exemption_grant(
        actor=alice,
        person=bob,
        requirement=fa,
        reason="Maternity leave",
        starts_on=D(2026, 1, 5),
        ends_on=D(2026, 3, 31),
        at=T0,
    )
    evaluation.evaluate_people([bob.pk], at=at(D(2026, 3, 31)))
    assert row(bob, fa).status == "exempt"
    evaluation.evaluate_people([bob.pk], at=at(D(2026, 4, 1)))
    assert row(bob, fa).status == "overdue"


def test_an_extension_moves_the_due_date_at_once_is_audited_and_ends_with_the_next_completion(
    kent, alice, bob, first_aid, fa
):
    completed(bob, first_aid, D(2025, 1, 10), recorded=T0)  # lapsed after 10 January 2026
    evaluation.evaluate_people([bob.pk], at=at(D(2026, 1, 20)))
    assert (row(bob, fa).status, row(bob, fa).due_on) == ("overdue", D(2026, 1, 10))

    extension = extension_grant(
        actor=alice,
        person=bob,
        requirement=fa,
        to_due_on=D(2026, 2, 28),
        reason="The course he was booked on was cancelled",
        at=at(D(2026, 1, 20)),
    )
    assert (extension.from_due_on, extension.to_due_on) == (D(2026, 1, 10), D(2026, 2, 28))
    # Lapsed, so not compliant, but no longer overdue.
    assert (row(bob, fa).status, row(bob, fa).due_on) == ("due", D(2026, 2, 28))
    (event,) = audited("compliance.due_date_extended")
    assert event.actor_id == alice.pk and event.before == {"due_on": "2026-01-10"}
    assert event.after["due_on"] == "2026-02-28"

    # Extended again within the same cycle: from the same due date.
    again = extension_grant(
        actor=alice,
        person=bob,
        requirement=fa,
        to_due_on=D(2026, 3, 31),
        reason="Rebooked",
        at=at(D(2026, 2, 1)),
    )
    assert again.from_due_on == D(2026, 1, 10) and row(bob, fa).due_on == D(2026, 3, 31)

    # Completed: a new cycle, to which the extensions do not apply.
    completed(bob, first_aid, D(2026, 2, 10))
    assert (row(bob, fa).status, row(bob, fa).due_on) == ("compliant", D(2027, 2, 10))
    evaluation.evaluate_people([bob.pk], at=at(D(2027, 2, 11)))
    assert row(bob, fa).status == "overdue"


def test_a_line_manager_may_extend_their_reports_due_date_but_not_exempt_them(kent, alice, first_aid):
    manager = officer(kent, "sergeant@kent.police.uk", rank="Sergeant")
    report = officer(kent, "constable@kent.police.uk", rank="Police Constable", line_manager=manager)
    requirement = make_requirement(kent, "FA", [first_aid], validity_months=12, first_due_days=10, at=T0)

    extension_grant(
        actor=manager,
        person=report,
        requirement=requirement,
        to_due_on=D(2026, 2, 15),
        reason="On a course",
        at=T0,
    )
    assert row(report, requirement).due_on == D(2026, 2, 15)
    before = written()
    with pytest.raises(PermissionDenied):
        exemption_grant(
            actor=manager,
            person=report,
            requirement=requirement,
            reason="Busy",
            starts_on=D(2026, 1, 5),
            ends_on=None,
            at=T0,
        )
    with pytest.raises(PermissionDenied):  # not the other way round
        extension_grant(
            actor=report, person=manager, requirement=requirement, to_due_on=D(2026, 2, 15), reason="x", at=T0
        )
    assert written() == before


def test_exemptions_and_extensions_refuse_bad_input_naming_the_field(kent, essex, alice, bob, charlie, fa):
    essex_course = publish_course(essex, charlie, "E-1")
    essex_only = make_requirement(essex, "ESSEX", [essex_course], at=T0)
    before = written()

    def exemption_errors(**changes) -> dict[str, list[str]]:
        fields = {
            "reason": "Injured",
            "starts_on": D(2026, 2, 1),
            "ends_on": D(2026, 3, 1),
            "requirement": fa,
            **changes,
        }
        with pytest.raises(ValidationError) as refused:
            exemption_grant(actor=alice, person=bob, at=T0, **fields)
        return refused.value.message_dict

    assert "Enter the reason" in exemption_errors(reason="  ")["reason"]
    assert "before the start date" in exemption_errors(ends_on=D(2026, 1, 1))["ends_on"][0]
    assert "not one of" in exemption_errors(requirement=essex_only)["requirement"][0]

    def extension_errors(**changes) -> dict[str, list[str]]:
        fields = {"to_due_on": D(2026, 2, 1), "reason": "Rebooked", **changes}
        with pytest.raises(ValidationError) as refused:
            extension_grant(actor=alice, person=bob, requirement=fa, at=T0, **fields)
        return refused.value.message_dict

    assert (
        "after the current one, 15 January 2026" in extension_errors(to_due_on=D(2026, 1, 15))["to_due_on"][0]
    )
    assert "a year at most" in extension_errors(to_due_on=D(2027, 2, 1))["to_due_on"][0]
    assert "Enter the reason" in extension_errors(reason="")["reason"]
    assert written() == before


# --- requirements: bad input ---------------------------------------------------------------------


def _input(**changes) -> RequirementInput:
    return RequirementInput(
        **{
            "code": "PST",
            "title": "Personal safety training",
            "courses": [],
            "audience": {"all": True},
            "validity_months": 12,
            **changes,
        }
    )


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("code used twice (in any case)", "code", "Kent Police already has a requirement with the code fa"),
        ("no code", "code", "Enter a code"),
        ("no title", "title", "Enter the title"),
        ("no course", "courses", "Choose at least one course"),
        ("another force's course", "courses", "belongs to another organisation"),
        ("a course twice", "courses", "is listed twice"),
        ("another force's unit", "audience", "is not one of Kent Police's units"),
        ("a unit that does not exist", "audience", "Unit 987654 is not one of Kent Police's units"),
        ("an unknown audience rule", "audience", "Unknown audience rule grades"),
        ("no audience", "audience", "Choose who the requirement applies to"),
        ("another force's person", "audience", "not Kent Police's people"),
        ("a window without validity", "window_days", "A recertification window needs a validity period"),
        ("a fixed first due date missing", "first_due_date", "Enter the date everyone is first due by"),
        ("validity out of range", "validity_months", "between 1 and 240 months"),
        ("another force's prerequisite", "prerequisites", "belongs to another organisation"),
    ],
)
def test_saving_a_requirement_refuses_bad_input_naming_the_field_and_writes_nothing(
    kent, essex, alice, charlie, first_aid, fa, case, field, message
):
    essex_course = publish_course(essex, charlie, "E-1")
    essex_unit = unit_create(actor=None, organisation=essex, name="Essex HQ")
    essex_requirement = make_requirement(essex, "ESSEX", [essex_course], at=T0)
    ours = [CourseChoice(first_aid)]
    data = {
        "code used twice (in any case)": _input(code="fa", courses=ours),
        "no code": _input(code=" ", courses=ours),
        "no title": _input(title="", courses=ours),
        "no course": _input(),
        "another force's course": _input(courses=[CourseChoice(essex_course)]),
        "a course twice": _input(courses=ours * 2),
        "another force's unit": _input(courses=ours, audience={"units": [essex_unit.pk]}),
        "a unit that does not exist": _input(courses=ours, audience={"units": [987654]}),
        "an unknown audience rule": _input(courses=ours, audience={"grades": ["PO1"]}),
        "no audience": _input(courses=ours, audience={}),
        "another force's person": _input(courses=ours, audience={"include": [charlie.pk]}),
        "a window without validity": _input(courses=ours, validity_months=None, window_days=30),
        "a fixed first due date missing": _input(courses=ours, first_due_kind="date"),
        "validity out of range": _input(courses=ours, validity_months=0),
        "another force's prerequisite": _input(courses=ours, prerequisites=[essex_requirement]),
    }[case]
    before = written()

    with pytest.raises(ValidationError) as refused:
        requirement_save(actor=alice, owner=kent, data=data, at=T0)

    messages = refused.value.message_dict
    assert field in messages, messages
    assert any(message in text for text in messages[field]), messages[field]
    assert written() == before


def test_a_prerequisite_loop_is_refused_and_nothing_changes(kent, alice, first_aid):
    ours = [CourseChoice(first_aid)]
    a = make_requirement(kent, "A", [first_aid], validity_months=12, at=T0)
    b = make_requirement(kent, "B", [first_aid], prerequisites=[a], at=T0)
    c = make_requirement(kent, "C", [first_aid], audience={"requirements": [b.pk]}, at=T0)
    before = written()
    for data in (
        _input(code="A", courses=ours, prerequisites=[b]),  # A needs B, which needs A
        _input(code="A", courses=ours, prerequisites=[a]),  # A needs itself
        _input(
            code="A", courses=ours, audience={"requirements": [c.pk]}
        ),  # C's audience is B's, which needs A
    ):
        with pytest.raises(ValidationError) as refused:
            requirement_save(actor=alice, owner=kent, data=data, requirement=a, at=T0)
        assert any("would be a loop" in m for m in refused.value.message_dict["prerequisites"])
    a.refresh_from_db()
    assert a.code == "A" and a.title == "Requirement A" and not a.prerequisites.exists()
    assert a.audience == {"all": True}
    assert written() == before


def test_a_change_is_audited_with_what_it_was_and_an_unchanged_save_is_not(kent, alice, first_aid, fa):
    changed = _input(
        code="FA",
        title="First aid refresher, yearly",
        courses=[CourseChoice(first_aid)],
        window_days=60,
        first_due_days=10,
    )
    requirement_save(actor=alice, owner=kent, data=changed, requirement=fa, at=T0)
    (event,) = audited("compliance.requirement_changed")
    assert event.actor_id == alice.pk and event.organisation_id == kent.pk
    assert (event.before["title"], event.after["title"]) == ("Requirement FA", "First aid refresher, yearly")

    requirement_save(actor=alice, owner=kent, data=changed, requirement=fa, at=T0)
    assert len(audited("compliance.requirement_changed")) == 1


# --- who may act ---------------------------------------------------------------------------------


def test_only_those_who_manage_kents_training_may_change_it(kent, essex, alice, bob, charlie, first_aid, fa):
    data = _input(code="NEW", courses=[CourseChoice(first_aid)])
    before = written()
    for outsider in (charlie, bob):
        with pytest.raises(PermissionDenied):
            requirement_save(actor=outsider, owner=kent, data=data, at=T0)
        with pytest.raises(PermissionDenied):
            requirement_save(actor=outsider, owner=kent, data=data, requirement=fa, at=T0)
        with pytest.raises(PermissionDenied):
            requirement_set_state(actor=outsider, requirement=fa, state="retired", at=T0)
        with pytest.raises(PermissionDenied):
            exemption_grant(
                actor=outsider,
                person=bob,
                requirement=fa,
                reason="Injured",
                starts_on=D(2026, 1, 5),
                ends_on=None,
                at=T0,
            )
        with pytest.raises(PermissionDenied):
            extension_grant(
                actor=outsider, person=bob, requirement=fa, to_due_on=D(2026, 2, 1), reason="Rebooked", at=T0
            )
    # Charlie may not take Kent's requirement as Essex's either.
    with pytest.raises(PermissionDenied):
        requirement_save(actor=charlie, owner=essex, data=data, requirement=fa, at=T0)
    assert written() == before
    fa.refresh_from_db()
    assert fa.state == "active" and fa.owner_id == kent.pk
    # To them it is not there at all.
    for look in (access_requirement, access_requirement_to_manage):
        with pytest.raises(Http404):
            look(charlie, fa.uuid)
    with pytest.raises(Http404):
        access_requirement_to_manage(bob, fa.uuid)
    assert access_requirement(bob, fa.uuid) == fa  # Bob sees his own force's requirements


def test_national_requirements_are_managed_by_the_national_body_only(national, kent, alice, platform_admin):
    course = publish_course(national, None, "PST-01")
    data = _input(courses=[CourseChoice(course)])
    with pytest.raises(PermissionDenied):
        requirement_save(actor=alice, owner=national, data=data, at=T0)
    assert not Requirement.objects.exists()

    requirement = requirement_save(actor=platform_admin, owner=national, data=data, at=T0)
    assert requirement.owner == national and row(alice, requirement).status == "due"  # first due at once
    # Kent may use the national course in its own requirement, but not change the national one.
    with pytest.raises(PermissionDenied):
        requirement_set_state(actor=alice, requirement=requirement, state="retired", at=T0)
    assert make_requirement(kent, "PST-KENT", [course], actor=alice, at=T0).owner == kent


def test_exemption_evidence_is_stored_under_a_random_name_and_kept_only_when_the_grant_lands(
    kent, alice, bob, fa, settings, monkeypatch
):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload():
        return SimpleUploadedFile("sick note - Bob Officer.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")

    exemption = exemption_grant(
        actor=alice,
        person=bob,
        requirement=fa,
        reason="Sick leave",
        starts_on=D(2026, 2, 1),
        ends_on=None,
        evidence=upload(),
        at=at(D(2026, 2, 1)),
    )
    assert exemption.evidence_name == "sick note - Bob Officer.pdf"
    assert "Bob" not in exemption.evidence.name and exemption.evidence.name.endswith(".pdf")

    # A grant that fails after the file was saved leaves no file behind.
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(evaluation, "evaluate_people", broken)
    before = {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}
    with pytest.raises(RuntimeError):
        exemption_grant(
            actor=alice,
            person=bob,
            requirement=fa,
            reason="Again",
            starts_on=D(2026, 2, 1),
            ends_on=None,
            evidence=upload(),
            at=at(D(2026, 2, 1)),
        )
    assert {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()} == before
    assert Exemption.objects.filter(person=bob).count() == 1
