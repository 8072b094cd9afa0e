"""The demo's mandatory training (`bluelamp demo-data`): the national requirements and Kent's,
a spread of standings that gives the dashboards something to show, Kent's stories, and a second
load that changes nothing. The demo counts its dates back from today, so these tests check how
things stand relative to each other, never a date."""

import io
from collections import Counter

import pytest
from django.core.management import call_command

from bluelamp.audit.api import AuditEvent
from bluelamp.compliance.models import (
    Assignment,
    Exemption,
    Extension,
    MonthEndCount,
    Requirement,
    StatusCount,
)
from bluelamp.learning.api import Completion, CompletionImportRun, Enrolment
from bluelamp.people.api import Person

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("demo-data", "--people-per-force", "12", stdout=out)
    return out.getvalue()


def state() -> dict[str, object]:
    return {
        "requirements": sorted(Requirement.objects.values_list("owner__slug", "code", "state", "updated_at")),
        "assignments": sorted(
            Assignment.objects.values_list("person_id", "requirement_id", "status", "due_on", "in_audience")
        ),
        "counts": sorted(
            StatusCount.objects.values_list(
                "organisation_id", "unit_key", "requirement_id", "status", "count"
            )
        ),
        "completions": Completion.objects.count(),
        "history imports": CompletionImportRun.objects.count(),
        "exemptions": Exemption.objects.count(),
        "extensions": Extension.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def standing(email: str, code: str) -> Assignment:
    return Assignment.objects.select_related("requirement").get(person__email=email, requirement__code=code)


def test_the_demo_gives_the_dashboards_a_spread_and_loading_it_again_changes_nothing():
    output = load()

    national = {r.code: r for r in Requirement.objects.filter(owner__slug="national")}
    assert sorted(national) == ["FA", "IM", "PST", "SS", "TASER"]
    assert {p.code for p in national["TASER"].prerequisites.all()} == {"PST", "FA"}
    assert national["SS"].validity_months is None and national["IM"].validity_months == 24
    assert (national["FA"].validity_months, national["FA"].window_days) == (12, 60)
    # Kent's first aid refresher is the new training administrator's to make, by hand.
    assert list(Requirement.objects.filter(owner__slug="kent").values_list("code", flat=True)) == ["DRIVE"]

    statuses = Counter(Assignment.objects.filter(in_audience=True).values_list("status", flat=True))
    for status in ("compliant", "due", "overdue", "assigned", "suspended", "exempt"):
        assert statuses[status] > 0, statuses
    assert statuses["compliant"] > statuses["overdue"] > statuses["suspended"]
    # Forces differ, so the national view compares something.
    overdue_by_force = Counter(
        Assignment.objects.filter(in_audience=True, status="overdue").values_list(
            "organisation__slug", flat=True
        )
    )
    assert len(set(overdue_by_force.values())) > 3

    # Kent's stories, as the log names them.
    assert "so suspended" in output and "exempt from personal safety training" in output
    suspended = Assignment.objects.filter(
        requirement__code="TASER", status="suspended", organisation__slug="kent"
    ).select_related("person")
    assert any(standing(row.person.email, "FA").status == "overdue" and row.in_date for row in suspended)
    (exemption,) = Exemption.objects.select_related("person", "granted_by")
    assert exemption.reason and exemption.granted_by.email == "kent.training@kent.police.uk"
    assert standing(exemption.person.email, "PST").status == "exempt"
    (extension,) = Extension.objects.select_related("person")
    extended = standing(extension.person.email, "FA")
    assert extended.status == "due" and extended.due_on == extension.to_due_on > extension.from_due_on
    assert standing("kent.officer@kent.police.uk", "FA").status == "due"
    assert standing("kent.officer@kent.police.uk", "PST").status == "compliant"
    assert standing("kent.officer@kent.police.uk", "IM").status == "assigned"
    # Kent's response drivers who must drive to standard are enrolled, due when it is due.
    for row in Assignment.objects.filter(requirement__code="DRIVE", status__in=["due", "overdue"]):
        enrolment = Enrolment.objects.get(person_id=row.person_id, course__code="KENT-DRIVE", status="active")
        assert enrolment.due_on == row.due_on

    # The counts the dashboards read are exact; trends are kept from the first month end on.
    kept = {
        (c.organisation_id, c.unit_key, c.requirement_id, c.status): c.count
        for c in StatusCount.objects.all()
        if c.count
    }
    assert kept == Counter(
        (a.organisation_id, a.unit_id or 0, a.requirement_id, a.status)
        for a in Assignment.objects.filter(in_audience=True)
    )
    assert not MonthEndCount.objects.exists()
    # Nobody outside a force, nobody who has left.
    assert not Assignment.objects.filter(person__organisation__slug="national").exists()
    assert not Assignment.objects.filter(in_audience=True, person__status=Person.Status.LEAVER).exists()

    before = state()
    again = load()
    assert "Mandatory training" not in again
    assert state() == before
