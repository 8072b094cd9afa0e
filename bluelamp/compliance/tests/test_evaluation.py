"""Where people stand, kept up to date in the database: audiences, completions, prerequisites,
leaving and rejoining, and the counts the dashboards read."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from bluelamp.audit.api import AuditEvent
from bluelamp.compliance import evaluation, hooks, sweeps
from bluelamp.compliance.models import Assignment, MonthEndCount, StatusCount, Sweep
from bluelamp.compliance.services import (
    exemption_grant,
    exemption_revoke,
    extension_grant,
    requirement_set_state,
)
from bluelamp.compliance.tests.helpers import complete_course, make_requirement
from bluelamp.compliance.tests.records import at, completed, officer
from bluelamp.learning.api import live_enrolment
from bluelamp.learning.tests.courses import publish_course
from bluelamp.organisations.services import licence_create, unit_create
from bluelamp.people.api import person_transfer, person_update, run_import
from conftest import make_org, make_person

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def first_aid(kent, alice):
    return publish_course(kent, alice, "FA-101")


def status_of(person, requirement):
    return Assignment.objects.get(person=person, requirement=requirement)


def counts(requirement):
    return {c.status: c.count for c in StatusCount.objects.filter(requirement=requirement) if c.count}


def test_everyone_in_the_audience_is_assigned_with_a_first_due_date(kent, alice, bob, first_aid):
    requirement = make_requirement(
        kent, "FA", [first_aid], validity_months=12, window_days=60, first_due_days=90, at=T0
    )
    row = status_of(bob, requirement)
    assert row.in_audience and row.status == "assigned" and row.due_on == dt.date(2026, 4, 5)
    assert counts(requirement) == {"assigned": 2}  # Alice and Bob


def test_a_completion_flips_the_status_at_once_and_moves_the_counts(kent, alice, bob, first_aid):
    requirement = make_requirement(kent, "FA", [first_aid], validity_months=12, first_due_days=10, at=T0)
    evaluation.evaluate_people([bob.pk], at=at(dt.date(2026, 2, 1)))
    assert status_of(bob, requirement).status == "overdue"
    complete_course(bob, first_aid, at=at(dt.date(2026, 2, 2)))
    row = status_of(bob, requirement)
    assert row.status == "compliant" and row.expires_on == dt.date(2027, 2, 2)
    assert row.last_completed_on == dt.date(2026, 2, 2)
    assert counts(requirement)["compliant"] == 1


# --- who a requirement applies to -------------------------------------------------------------

D = dt.date


def members(requirement) -> set[int]:
    return set(
        Assignment.objects.filter(requirement=requirement, in_audience=True).values_list(
            "person_id", flat=True
        )
    )


def counts_of(organisation) -> dict[tuple[str, str], int]:
    return {
        (c.requirement.code, c.status): c.count
        for c in StatusCount.objects.filter(organisation=organisation).select_related("requirement")
        if c.count
    }


def test_a_national_requirement_applies_only_where_pl_p_200_is_in_force(national, kent):
    surrey = make_org("surrey", "Surrey Police", licences=("PL-P-101",))
    sussex = make_org("sussex", "Sussex Police", licences=("PL-P-101",))
    licence_create(
        actor=None,
        organisation=sussex,
        type="PL-P-200",
        reference="SUSSEX-200",
        starts_on=D(2025, 3, 1),
        ends_on=D(2026, 2, 28),
    )
    at_national = make_person(national, "adviser@national.example")
    in_kent = make_person(kent, "pc@kent.police.uk")
    in_surrey = make_person(surrey, "pc@surrey.police.uk")
    in_sussex = make_person(sussex, "pc@sussex.police.uk")
    course = publish_course(national, None, "FA-NAT")

    requirement = make_requirement(national, "FA", [course], validity_months=12, first_due_days=60, at=T0)

    # Not the national body's own people, not a force without PL-P-200.
    assert members(requirement) == {in_kent.pk, in_sussex.pk}
    assert not Assignment.objects.filter(person__in=[at_national, in_surrey]).exists()
    assert counts_of(sussex) == {("FA", "assigned"): 1}

    # Sussex's PL-P-200 lapsed at the end of February. Evaluated again in March, its officer leaves
    # the audience (the row and its history stay, out of the counts); Kent's stays.
    evaluation.evaluate_people([at_national.pk, in_kent.pk, in_sussex.pk, in_surrey.pk], at=at(D(2026, 3, 5)))
    row = status_of(in_sussex, requirement)
    assert not row.in_audience and row.left_on == D(2026, 3, 5) and row.joined_on == T0.date()
    assert counts_of(sussex) == {}
    assert members(requirement) == {in_kent.pk}
    assert counts_of(kent) == {("FA", "due"): 1}  # first due 6 March
    assert not Assignment.objects.filter(person__in=[at_national, in_surrey]).exists()


@pytest.fixture
def kent_people(kent):
    north = unit_create(actor=None, organisation=kent, name="North")
    response = unit_create(actor=None, organisation=kent, name="Response", parent=north)
    south = unit_create(actor=None, organisation=kent, name="South")
    people = {
        "responder": officer(
            kent,
            "responder@kent.police.uk",
            unit=response,
            rank="Police Constable",
            job_role="Response officer",
            started=D(2020, 3, 1),
        ),
        "sergeant": officer(
            kent,
            "sergeant@kent.police.uk",
            unit=north,
            rank="Sergeant",
            job_role="Team sergeant",
            started=D(2015, 6, 1),
        ),
        "neighbourhood": officer(
            kent,
            "neighbourhood@kent.police.uk",
            unit=south,
            rank="police constable",  # stored as Police Constable
            job_role="Neighbourhood officer",
            started=D(2024, 2, 1),
        ),
        "inspector": officer(kent, "inspector@kent.police.uk", rank="Inspector"),
    }
    return {"north": north, "response": response, "south": south}, people


def test_audience_rules_combine_with_and_across_rules_and_or_within_one(kent, kent_people):
    units, people = kent_people
    course = publish_course(kent, None, "AUD-1")
    pk = {name: person.pk for name, person in people.items()}
    north = make_requirement(kent, "NORTH", [course], audience={"units": [units["north"].pk]}, at=T0)
    cases = {
        # A unit with everything below it; several units: any of them.
        "NORTH-SOUTH": (
            {"units": [units["north"].pk, units["south"].pk]},
            {"responder", "sergeant", "neighbourhood"},
        ),
        # Ranks and job roles whatever their case.
        "RANKS": ({"ranks": ["police CONSTABLE", "SERGEANT"]}, {"responder", "sergeant", "neighbourhood"}),
        "ROLES": ({"job_roles": ["response OFFICER"]}, {"responder"}),
        # Employment start between two dates (inclusive), or from one; nobody without a start date.
        "STARTED": ({"started_from": "2016-01-01", "started_to": "2021-12-31"}, {"responder"}),
        "STARTED-FROM": ({"started_from": "2020-03-01"}, {"responder", "neighbourhood"}),
        # Different rules: all of them.
        "NORTH-PC": ({"units": [units["north"].pk], "ranks": ["Police Constable"]}, {"responder"}),
        # In the audience of another requirement (and, with another rule, both).
        "IN-NORTH": ({"requirements": [north.pk]}, {"responder", "sergeant"}),
        "IN-NORTH-SGT": ({"requirements": [north.pk], "ranks": ["Sergeant"]}, {"sergeant"}),
        # Named people in and out, whatever the rules say.
        "SOUTH-PLUS": (
            {"units": [units["south"].pk], "include": [pk["inspector"]]},
            {"neighbourhood", "inspector"},
        ),
        "PC-MINUS": ({"ranks": ["Police Constable"], "exclude": [pk["neighbourhood"]]}, {"responder"}),
        "ALL-MINUS": (
            {"all": True, "exclude": [pk["inspector"]]},
            {"responder", "sergeant", "neighbourhood"},
        ),
        "NAMED": ({"include": [pk["inspector"]]}, {"inspector"}),
    }
    assert members(north) == {pk["responder"], pk["sergeant"]}
    for code, (audience, expected) in cases.items():
        requirement = make_requirement(kent, code, [course], audience=audience, at=T0)
        assert members(requirement) == {pk[name] for name in expected}, code


def test_taser_is_suspended_while_first_aid_has_lapsed_and_compliant_again_once_renewed(kent, alice, bob):
    fa_course = publish_course(kent, alice, "FA-101")
    taser_course = publish_course(kent, alice, "TASER-101")
    first_aid = make_requirement(kent, "FA", [fa_course], validity_months=12, window_days=60, at=T0)
    taser = make_requirement(
        kent,
        "TASER",
        [taser_course],
        audience={"include": [bob.pk]},
        validity_months=12,
        window_days=60,
        prerequisites=[first_aid],
        at=T0,
    )
    completed(bob, fa_course, D(2025, 1, 10), recorded=T0)  # in date to 10 January 2026
    completed(bob, taser_course, D(2025, 6, 1), recorded=T0)  # in date to 1 June 2026

    assert status_of(bob, first_aid).status == "due"
    row = status_of(bob, taser)
    assert row.status == "compliant"
    assert row.next_change_on == D(2026, 1, 11)  # when first aid lapses, the Taser refresher changes too

    evaluation.evaluate_people([bob.pk], at=at(D(2026, 1, 11)))
    assert status_of(bob, first_aid).status == "overdue"
    row = status_of(bob, taser)
    assert row.status == "suspended" and row.in_date and row.expires_on == D(2026, 6, 1)
    assert counts(taser) == {"suspended": 1}

    # An exemption from first aid stands for an in-date first aid; revoked, suspended again.
    exemption = exemption_grant(
        actor=alice,
        person=bob,
        requirement=first_aid,
        reason="Signed off sick",
        starts_on=D(2026, 1, 12),
        ends_on=D(2026, 1, 31),
        at=at(D(2026, 1, 12)),
    )
    assert status_of(bob, taser).status == "compliant"
    exemption_revoke(actor=alice, exemption=exemption, reason="Back at work", at=at(D(2026, 1, 15)))
    assert status_of(bob, taser).status == "suspended"

    # First aid renewed: both in date again, in the same request.
    completed(bob, fa_course, D(2026, 1, 20))
    assert status_of(bob, first_aid).status == "compliant"
    assert status_of(bob, taser).status == "compliant"
    assert counts(taser) == {"compliant": 1}


def test_retiring_a_prerequisite_suspends_no_one(kent, alice, bob):
    fa_course = publish_course(kent, alice, "FA-101")
    taser_course = publish_course(kent, alice, "TASER-101")
    first_aid = make_requirement(kent, "FA", [fa_course], validity_months=12, at=T0)
    taser = make_requirement(
        kent,
        "TASER",
        [taser_course],
        audience={"include": [bob.pk]},
        validity_months=12,
        prerequisites=[first_aid],
        at=T0,
    )
    completed(bob, fa_course, D(2025, 1, 10), recorded=T0)
    completed(bob, taser_course, D(2025, 6, 1), recorded=T0)
    evaluation.evaluate_people([bob.pk], at=at(D(2026, 1, 11)))
    assert status_of(bob, taser).status == "suspended"

    # First aid is no longer asked of anyone, so it cannot hold the Taser refresher back.
    requirement_set_state(actor=alice, requirement=first_aid, state="retired", at=at(D(2026, 1, 12)))
    assert status_of(bob, taser).status == "compliant"
    evaluation.evaluate_people([bob.pk], at=at(D(2026, 1, 13)))
    assert status_of(bob, taser).status == "compliant"
    # Restored, it is asked again.
    requirement_set_state(actor=alice, requirement=first_aid, state="active", at=at(D(2026, 1, 14)))
    assert status_of(bob, taser).status == "suspended"


# --- leaving and rejoining an audience --------------------------------------------------------
# People's services tell compliance of a change with today's time (they take no `at`): these
# tests check what does not depend on the day (who is in, what is kept), then evaluate on a fixed
# day for the statuses.


def test_a_rank_change_out_of_the_audience_keeps_the_history_and_back_in_restores_it(kent, alice):
    constable = officer(kent, "pc@kent.police.uk", rank="Police Constable")
    ss_course = publish_course(kent, alice, "SS-101")
    fa_course = publish_course(kent, alice, "FA-101")
    ranks = {"ranks": ["Police Constable", "Sergeant"]}
    stop_search = make_requirement(kent, "SS", [ss_course], audience=ranks, first_due_days=30, at=T0)
    first_aid = make_requirement(kent, "FA", [fa_course], audience=ranks, validity_months=12, at=T0)
    completed(constable, ss_course, D(2025, 11, 1), recorded=T0)
    completed(constable, fa_course, D(2025, 6, 1), recorded=T0)
    joined = status_of(constable, stop_search).joined_on
    assert joined == T0.date() and counts(stop_search) == {"compliant": 1}

    person_update(actor=alice, person=constable, rank="Inspector")
    for requirement in (stop_search, first_aid):
        row = status_of(constable, requirement)
        assert not row.in_audience and row.left_on is not None
        assert counts(requirement) == {}
    assert status_of(constable, stop_search).last_completed_on == D(2025, 11, 1)

    person_update(actor=alice, person=constable, rank="sergeant")
    row = status_of(constable, stop_search)
    assert row.in_audience and row.left_on is None and row.joined_on == joined
    assert row.status == "compliant" and counts(stop_search) == {"compliant": 1}
    # First aid stands as before leaving: due when the completion expires, not a new first due date.
    evaluation.evaluate_people([constable.pk], at=T0)
    row = status_of(constable, first_aid)
    assert row.joined_on == joined and row.status == "compliant" and row.due_on == D(2026, 6, 1)
    assert counts(first_aid) == {"compliant": 1}
    assert Assignment.objects.filter(person=constable).count() == 2  # never a second row


def test_a_transfer_leaves_the_old_forces_audience_and_joins_the_new_ones_with_the_record(
    national, kent, essex, alice, bob, platform_admin
):
    course = publish_course(national, None, "FA-NAT")
    kent_fa = make_requirement(kent, "FA", [course], validity_months=12, first_due_days=90, at=T0)
    essex_fa = make_requirement(essex, "FA", [course], validity_months=12, first_due_days=90, at=T0)
    completed(bob, course, D(2025, 6, 1), recorded=T0)
    assert counts_of(kent) == {("FA", "assigned"): 1, ("FA", "compliant"): 1}

    person_transfer(actor=platform_admin, person=bob, to_organisation=essex)
    old = status_of(bob, kent_fa)
    assert not old.in_audience and old.left_on is not None and old.last_completed_on == D(2025, 6, 1)
    assert status_of(bob, essex_fa).in_audience

    evaluation.evaluate_people([bob.pk], at=T0)
    new = status_of(bob, essex_fa)
    assert new.organisation_id == essex.pk and new.status == "compliant" and new.due_on == D(2026, 6, 1)
    assert counts_of(kent) == {("FA", "assigned"): 1}  # Alice
    assert counts_of(essex) == {("FA", "compliant"): 1}


def test_a_leaver_leaves_every_audience_and_coming_back_restores_the_state(kent, alice, bob, first_aid):
    requirement = make_requirement(kent, "FA", [first_aid], validity_months=12, first_due_days=90, at=T0)
    completed(bob, first_aid, D(2025, 6, 1), recorded=T0)

    person_update(actor=alice, person=bob, status="leaver")
    row = status_of(bob, requirement)
    assert not row.in_audience and row.left_on is not None and row.last_completed_on == D(2025, 6, 1)
    assert counts(requirement) == {"assigned": 1}  # Alice

    person_update(actor=alice, person=bob, status="active")
    evaluation.evaluate_people([bob.pk], at=T0)
    row = status_of(bob, requirement)
    assert row.in_audience and row.joined_on == T0.date() and row.status == "compliant"
    assert counts(requirement) == {"assigned": 1, "compliant": 1}


def test_retiring_a_requirement_keeps_its_rows_and_restoring_it_brings_them_back(kent, alice, bob, first_aid):
    requirement = make_requirement(kent, "FA", [first_aid], validity_months=12, first_due_days=90, at=T0)
    completed(bob, first_aid, D(2025, 6, 1), recorded=T0)

    requirement_set_state(actor=alice, requirement=requirement, state="retired", at=at(D(2026, 2, 1)))
    assert members(requirement) == set() and counts(requirement) == {}
    assert set(Assignment.objects.filter(requirement=requirement).values_list("left_on", flat=True)) == {
        D(2026, 2, 1)
    }
    evaluation.evaluate_people([alice.pk, bob.pk], at=at(D(2026, 2, 2)))
    assert members(requirement) == set()  # a retired requirement applies to no one

    requirement_set_state(actor=alice, requirement=requirement, state="active", at=at(D(2026, 3, 1)))
    assert members(requirement) == {alice.pk, bob.pk}
    assert {row.joined_on for row in Assignment.objects.filter(requirement=requirement)} == {T0.date()}
    assert status_of(bob, requirement).status == "compliant"
    assert status_of(alice, requirement).due_on == D(2026, 4, 5)  # 90 days after first joining
    assert counts(requirement) == {"compliant": 1, "assigned": 1}
    actions = list(
        AuditEvent.objects.filter(action__startswith="compliance.requirement_")
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions[-2:] == [
        ("compliance.requirement_retired", alice.pk),
        ("compliance.requirement_restored", alice.pk),
    ]


# --- the HR import -----------------------------------------------------------------------------

HR_HEADER = (
    "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status"
)


def hr_file(ranks: dict[str, str]) -> bytes:
    lines = [HR_HEADER] + [
        f"{staff},{staff.lower()}@kent.police.uk,Pat,{staff},Response,{rank},Response officer,,2020-01-06,active"
        for staff, rank in ranks.items()
    ]
    return ("\n".join(lines) + "\n").encode()


def hr_import(kent, ranks: dict[str, str]) -> None:
    result = run_import(
        actor=None,
        organisation=kent,
        data=hr_file(ranks),
        file_name="hr.csv",
        dry_run=False,
        check_access=False,
    )
    assert result.ok, result.errors


def test_an_hr_import_that_changes_ranks_re_evaluates_them(kent):
    from bluelamp.people.api import Person

    hr_import(kent, {"KT1": "Police Constable", "KT2": "Police Constable", "KT3": "Sergeant"})
    course = publish_course(kent, None, "SGT-1")
    sergeants = make_requirement(kent, "SGT", [course], audience={"ranks": ["Sergeant"]}, at=T0)
    by_staff = dict(Person.objects.filter(organisation=kent).values_list("staff_number", "pk"))
    assert members(sergeants) == {by_staff["KT3"]}

    hr_import(kent, {"KT1": "Police Constable", "KT2": "Sergeant", "KT3": "Inspector"})
    assert members(sergeants) == {by_staff["KT2"]}
    assert not status_of(Person.objects.get(pk=by_staff["KT3"]), sergeants).in_audience


def test_a_large_hr_change_is_evaluated_by_a_task_after_the_import_commits(
    kent, monkeypatch, django_capture_on_commit_callbacks
):
    from bluelamp.people.api import Person

    hr_import(kent, {"KT1": "Police Constable", "KT2": "Police Constable", "KT3": "Police Constable"})
    course = publish_course(kent, None, "SGT-1")
    sergeants = make_requirement(kent, "SGT", [course], audience={"ranks": ["Sergeant"]}, at=T0)
    monkeypatch.setattr(hooks, "IN_REQUEST", 1)  # stands for 2,000 people

    with django_capture_on_commit_callbacks() as callbacks:
        hr_import(kent, {"KT1": "Police Constable", "KT2": "Sergeant", "KT3": "Sergeant"})
        assert members(sergeants) == set()  # not in the import's transaction
    for callback in callbacks:  # the commit: the task (run at once by the test backend)
        callback()
    promoted = set(Person.objects.filter(staff_number__in=["KT2", "KT3"]).values_list("pk", flat=True))
    assert members(sergeants) == promoted


# --- the counts --------------------------------------------------------------------------------


def kept_counts() -> dict[tuple[int, int, int, str], int]:
    return {
        (c.organisation_id, c.unit_key, c.requirement_id, c.status): c.count
        for c in StatusCount.objects.all()
        if c.count
    }


def fresh_counts() -> dict[tuple[int, int, int, str], int]:
    return dict(
        Counter(
            (a.organisation_id, a.unit_id or 0, a.requirement_id, a.status)
            for a in Assignment.objects.filter(in_audience=True)
        )
    )


def test_counts_kept_by_differences_equal_counts_recomputed_after_random_changes(kent, essex, alice, bob):
    rng = random.Random(20260105)
    north = unit_create(actor=None, organisation=kent, name="North")
    south = unit_create(actor=None, organisation=kent, name="South")
    people = [bob] + [
        officer(kent, f"pc{n}@kent.police.uk", unit=rng.choice([north, south, None]), rank="Police Constable")
        for n in range(8)
    ]
    fa_course = publish_course(kent, alice, "FA-101")
    ss_course = publish_course(kent, alice, "SS-101")
    first_aid = make_requirement(
        kent, "FA", [fa_course], validity_months=12, window_days=60, first_due_days=20, at=T0
    )
    make_requirement(kent, "SS", [ss_course], audience={"ranks": ["Police Constable"]}, at=T0)
    make_requirement(
        kent,
        "NORTH",
        [fa_course],
        audience={"units": [north.pk]},
        validity_months=6,
        prerequisites=[first_aid],
        at=T0,
    )
    make_requirement(essex, "ESSEX", [publish_course(essex, None, "E-1")], at=T0)
    day = T0.date()
    for _ in range(60):
        day += dt.timedelta(days=rng.randint(1, 25))
        person = rng.choice(people)
        person.refresh_from_db()
        action = rng.choice(["complete", "complete", "rank", "unit", "leave", "exempt", "evaluate"])
        if action == "complete":
            completed(person, rng.choice([fa_course, ss_course]), day)
        elif action == "rank":
            person_update(actor=alice, person=person, rank=rng.choice(["Police Constable", "Sergeant"]))
        elif action == "unit":
            person_update(actor=alice, person=person, unit=rng.choice([north, south, None]))
        elif action == "leave":
            person_update(actor=alice, person=person, status=rng.choice(["leaver", "active"]))
        elif action == "exempt":
            try:
                exemption_grant(
                    actor=alice,
                    person=person,
                    requirement=first_aid,
                    reason="Injured",
                    starts_on=day,
                    ends_on=day + dt.timedelta(days=rng.randint(0, 60)),
                    at=at(day),
                )
            except ValidationError:
                pass  # not one of theirs (a leaver never assigned it)
        else:
            evaluation.evaluate_people([p.pk for p in people], at=at(day))

    kept = kept_counts()
    assert kept == fresh_counts()
    assert len({status for (*_, status) in kept}) >= 3  # the walk went somewhere
    evaluation.recount()
    assert kept_counts() == kept


# --- the nightly sweep -------------------------------------------------------------------------


def test_the_sweep_flips_statuses_as_dates_pass_and_keeps_a_month_end_snapshot_once(
    kent, alice, bob, first_aid
):
    requirement = make_requirement(
        kent, "FA", [first_aid], validity_months=12, window_days=60, first_due_days=60, at=T0
    )
    completed(bob, first_aid, D(2025, 3, 31), recorded=T0)  # in date to 31 March 2026

    def statuses():
        return (status_of(alice, requirement).status, status_of(bob, requirement).status)

    sweeps.sweep(at=at(D(2026, 1, 20)))
    assert statuses() == ("assigned", "compliant")  # Alice first due 6 March
    assert not MonthEndCount.objects.exists()

    sweeps.sweep(at=at(D(2026, 3, 10)))
    assert statuses() == ("overdue", "due")
    assert not MonthEndCount.objects.exists()

    sweeps.sweep(at=at(D(2026, 3, 31)))  # the month's last day: its counts are kept
    kept = {(m.requirement_id, m.status): m.count for m in MonthEndCount.objects.all()}
    assert kept == {(requirement.pk, "overdue"): 1, (requirement.pk, "due"): 1}
    assert set(MonthEndCount.objects.values_list("month_end", flat=True)) == {D(2026, 3, 31)}

    sweeps.sweep(at=at(D(2026, 3, 31), hour=20))  # again the same day: kept once
    assert MonthEndCount.objects.count() == 2

    sweeps.sweep(at=at(D(2026, 4, 1)))  # valid on its expiry day, lapsed the day after
    assert statuses() == ("overdue", "overdue")
    assert set(MonthEndCount.objects.values_list("month_end", flat=True)) == {D(2026, 3, 31)}
    assert Sweep.objects.filter(kind="nightly").count() == 5
    assert kept_counts() == fresh_counts()


def test_a_month_end_without_a_sweep_is_kept_by_the_first_sweep_of_the_next_month(kent, alice, first_aid):
    requirement = make_requirement(kent, "FA", [first_aid], validity_months=12, first_due_days=60, at=T0)
    sweeps.sweep(at=at(D(2026, 5, 2)))
    sweeps.sweep(at=at(D(2026, 5, 3)))
    assert list(MonthEndCount.objects.values_list("month_end", "requirement_id", "status", "count")) == [
        (D(2026, 4, 30), requirement.pk, "overdue", 1)
    ]


# --- automatic enrolment ------------------------------------------------------------------------


def test_auto_enrol_enrols_on_the_first_course_with_the_due_date_and_follows_it(kent, alice, bob):
    first = publish_course(kent, alice, "FA-1")
    second = publish_course(kent, alice, "FA-2")
    requirement = make_requirement(
        kent,
        "FA",
        [first, second],
        audience={"include": [bob.pk]},
        validity_months=12,
        first_due_days=60,
        auto_enrol=True,
        at=T0,
    )
    enrolment = live_enrolment(bob, first)
    assert enrolment is not None and enrolment.method == "required" and enrolment.status == "active"
    assert enrolment.due_on == D(2026, 3, 6) == status_of(bob, requirement).due_on
    assert live_enrolment(bob, second) is None
    assert live_enrolment(alice, first) is None  # not in the audience

    # Moved a month on: still "assigned", and My learning shows the new date.
    extension_grant(
        actor=alice,
        person=bob,
        requirement=requirement,
        to_due_on=D(2026, 4, 6),
        reason="Booked course cancelled",
        at=T0,
    )
    enrolment.refresh_from_db()
    assert status_of(bob, requirement).status == "assigned" and enrolment.due_on == D(2026, 4, 6)
    # Overdue later: the same enrolment, the same date.
    evaluation.evaluate_people([bob.pk], at=at(D(2026, 4, 10)))
    enrolment.refresh_from_db()
    assert enrolment.due_on == D(2026, 4, 6) and live_enrolment(bob, first).pk == enrolment.pk
