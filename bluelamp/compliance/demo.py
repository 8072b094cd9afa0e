"""Demo mandatory training: five national requirements (personal safety training, first aid, a
Taser refresher that needs both in date, information management every two years, stop and search
once) and Kent's driving standards, with a spread of history for the demo's people so that the
dashboards, the forecast and the national view have something to show.

Made through the services (requirements, exemptions, extensions) and learning's history import
(the completions), with dates counted back from the day the demo is loaded: some people are in
date, some due soon, some lapsed, some never trained; forces differ. Kent's stories are named in
the log: an officer whose first aid lapsed while their Taser refresher runs (suspended), one
exempt from personal safety training (with the reason), one whose first aid due date was extended,
and the demo's learner Bob, due soon on first aid.

Kent's own "First aid refresher, yearly" is not made: creating it is the journey a new training
administrator does by hand. Month-end counts are kept from the first month end after loading,
never made up. Made once, in one transaction: the national requirement PST says it is there, so
loading the demo again changes nothing. Registered by `register()` (plugins.py runs it), after
learning's demo data (whose first aid and stop and search courses it reuses).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from bluelamp.compliance import evaluation
from bluelamp.compliance.models import Assignment, Requirement
from bluelamp.compliance.services import (
    CourseChoice,
    RequirementInput,
    exemption_grant,
    extension_grant,
    requirement_save,
)
from bluelamp.core.exports import csv_write
from bluelamp.core.plugins import DemoCast, DemoLoader, register_demo_loaders
from bluelamp.learning.api import Course, activity_add, course_create, import_history, version_publish
from bluelamp.organisations.api import Organisation
from bluelamp.people.api import Person

__all__ = ["DEMO_MARKER", "compliance_demo_load", "load_demo", "register"]

DEMO_MARKER = "PST"  # the national requirement whose presence says the demo is loaded

TASER_ROLES = ["Response officer", "Taser officer"]
STOP_SEARCH_RANKS = ["Police Constable", "Sergeant"]
DRIVING_ROLES = ["Response officer"]

# The courses the requirements need: (code, title, summary). First aid (FA-REFRESH) and stop and
# search (SAS-01) are learning's demo courses when they are there; made here otherwise.
NATIONAL_COURSES = [
    (
        "PST-01",
        "Personal safety training",
        "Annual refresher: conflict management, restraint and safe holds.",
    ),
    ("FA-REFRESH", "First aid refresher", "Primary survey, then the recovery position."),
    ("TASER-REFRESH", "Taser refresher", "Annual recertification for Taser-trained officers."),
    ("IM-01", "Information management", "Handling, retaining and sharing police information (MoPI)."),
    ("SAS-01", "Stop and search essentials", "The law, the grounds you need, and recording fairly."),
]
KENT_COURSES = [
    (
        "KENT-DRIVE",
        "Kent driving standards",
        "Response driving in Kent: the standards and the risk assessment.",
    ),
]


@dataclass(frozen=True)
class _Cycle:
    """How long ago (in days) people last completed a course, by how they stand today: in date and
    not due soon, due within 30 days, lapsed; None for a course with no validity (done once)."""

    course: str
    in_date: tuple[int, int]
    due: tuple[int, int] | None
    lapsed: tuple[int, int] | None


# Days ago that put a completion in each state today, for the validity of each requirement (12
# months = 365 days, due soon = within 30 days of expiry, lapsed = past its expiry).
PST = _Cycle("PST-01", in_date=(25, 300), due=(338, 360), lapsed=(372, 520))
FA = _Cycle("FA-REFRESH", in_date=(25, 300), due=(338, 360), lapsed=(372, 520))
TASER = _Cycle("TASER-REFRESH", in_date=(25, 300), due=(338, 360), lapsed=(372, 450))
IM = _Cycle("IM-01", in_date=(40, 680), due=(705, 725), lapsed=(745, 1000))
SS = _Cycle("SAS-01", in_date=(60, 3000), due=None, lapsed=None)
DRIVE = _Cycle("KENT-DRIVE", in_date=(60, 1000), due=(1070, 1090), lapsed=(1110, 1300))


@dataclass(frozen=True)
class _Force:
    """How well a force keeps up: the shares of its people lapsed, never trained and due soon."""

    lapsed: float
    never: float
    due: float

    @classmethod
    def of(cls, slug: str) -> _Force:
        rng = random.Random(f"compliance-demo-force-{slug}")  # noqa: S311 - demo data, not security
        return cls(lapsed=rng.uniform(0.04, 0.2), never=rng.uniform(0.02, 0.1), due=rng.uniform(0.06, 0.14))


def _days_ago(rng: random.Random, cycle: _Cycle, force: _Force) -> int | None:
    draw = rng.random()
    if cycle.lapsed is None:  # done once: done or not
        return None if draw < force.never * 1.5 else rng.randint(*cycle.in_date)
    if draw < force.never:
        return None
    if draw < force.never + force.lapsed:
        return rng.randint(*cycle.lapsed)
    if cycle.due is not None and draw < force.never + force.lapsed + force.due:
        return rng.randint(*cycle.due)
    return rng.randint(*cycle.in_date)


def register() -> None:
    # After learning's (order 30): the requirements reuse its courses.
    register_demo_loaders(DemoLoader("compliance", order=40, load=load_demo))


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    compliance_demo_load(
        national=cast.organisations["national"],
        kent=cast.organisations["kent"],
        training_admin=cast.people["kent.training@kent.police.uk"],
        learner=cast.people["kent.officer@kent.police.uk"],
        log=log,
    )


def _course(owner: Organisation, code: str, title: str, summary: str) -> Course:
    """The owner's published course with this code, made (one page, published) if missing."""
    course = Course.objects.filter(owner=owner, code=code).first()
    if course is not None:
        return course
    course = course_create(
        actor=None, owner=owner, code=code, title=title, summary=summary, duration_minutes=30
    )
    version = course.versions.get(number=1)
    activity_add(actor=None, version=version, kind="page", title=title, body=f"## {title}\n\n{summary}\n")
    version_publish(actor=None, version=version)
    course.refresh_from_db()
    return course


@dataclass
class _Person:
    id: int
    email: str
    name: str
    slug: str
    rank: str
    job_role: str


def _people(national: Organisation) -> list[_Person]:
    """Everyone active in a force, in a stable order."""
    return [
        _Person(pid, email, f"{first} {last}".strip(), slug, rank, role)
        for pid, email, first, last, slug, rank, role in Person.objects.filter(status=Person.Status.ACTIVE)
        .exclude(organisation=national)
        .order_by("organisation__slug", "email")
        .values_list("id", "email", "first_name", "last_name", "organisation__slug", "rank", "job_role")
    ]


def _cycles_of(person: _Person) -> list[_Cycle]:
    cycles = [PST, FA, IM]
    if person.job_role in TASER_ROLES:
        cycles.append(TASER)
    if person.rank in STOP_SEARCH_RANKS:
        cycles.append(SS)
    if person.slug == "kent" and person.job_role in DRIVING_ROLES:
        cycles.append(DRIVE)
    return cycles


@dataclass
class _Stories:
    """Kent's people with a story the log names (None when the demo is too small to have one)."""

    suspended: _Person | None = None
    exempt: _Person | None = None
    extended: _Person | None = None
    learner: _Person | None = None


def _stories(people: list[_Person], learner) -> _Stories:
    kent = [p for p in people if p.slug == "kent" and p.id != learner.pk and p.rank]
    responders = [p for p in kent if p.job_role in TASER_ROLES]
    stories = _Stories(learner=next((p for p in people if p.id == learner.pk), None))
    stories.suspended = responders[0] if responders else None
    # Constables and sergeants, those who carry no Taser first (their story is theirs alone).
    rest = sorted(
        (p for p in kent if p.rank in STOP_SEARCH_RANKS and p is not stories.suspended),
        key=lambda p: p.job_role in TASER_ROLES,
    )
    stories.exempt = rest[0] if rest else None
    stories.extended = rest[1] if len(rest) > 1 else None
    return stories


def _history(people: list[_Person], stories: _Stories) -> dict[str, dict[str, int | None]]:
    """For each person's e-mail address, how many days ago they last did each course."""
    forces = {slug: _Force.of(slug) for slug in {p.slug for p in people}}
    history: dict[str, dict[str, int | None]] = {}
    for person in people:
        rng = random.Random(f"compliance-demo-{person.email}")  # noqa: S311 - demo data, not security
        cycles = _cycles_of(person)
        force = forces[person.slug]
        # Taser officers keep their first aid and personal safety in date far more often (or they
        # would be suspended): a few are, as on any real dashboard.
        keen = _Force(lapsed=force.lapsed / 5, never=force.never / 5, due=force.due)
        history[person.email] = {
            cycle.course: _days_ago(rng, cycle, keen if TASER in cycles and cycle in (PST, FA) else force)
            for cycle in cycles
        }
    # Kent's stories, whatever the draws said.
    if stories.suspended:
        history[stories.suspended.email].update({"PST-01": 100, "FA-REFRESH": 400, "TASER-REFRESH": 150})
    if stories.exempt:
        history[stories.exempt.email].update({"PST-01": 420})
    if stories.extended:
        history[stories.extended.email].update({"FA-REFRESH": 380})
    if stories.learner:
        history[stories.learner.email].update({"PST-01": 200, "FA-REFRESH": 345, "IM-01": None})
    return history


def _import(
    organisations: dict[str, Organisation],
    people: list[_Person],
    history: dict[str, dict[str, int | None]],
    today: dt.date,
    now: dt.datetime,
) -> int:
    """Each force's history, as its training administrator would import it. Returns how many."""
    rows_by_force: dict[str, list[list[str]]] = {}
    for person in people:
        for code, days in history[person.email].items():
            if days is not None:
                done = (today - dt.timedelta(days=days)).isoformat()
                rows_by_force.setdefault(person.slug, []).append([person.email, code, done])
    created = 0
    for slug, rows in sorted(rows_by_force.items()):
        out = io.StringIO()
        csv_write(
            out,
            header=["email", "course_code", "completed_on", "provider"],
            rows=([*row, "Previous learning system"] for row in rows),
        )
        result = import_history(
            actor=None,
            organisation=organisations[slug],
            data=out.getvalue().encode(),
            apply=True,
            file_name=f"demo-training-history-{slug}.csv",
            check_access=False,
            at=now,
        )
        if not result.ok:
            raise RuntimeError(f"demo training history for {slug} is invalid: {result.errors[:3]}")
        created += result.created
    return created


def _requirements(
    national: Organisation, kent: Organisation, training_admin, courses: dict[str, Course], now: dt.datetime
) -> list[Requirement]:
    def save(owner, actor=None, **fields) -> Requirement:
        codes = fields.pop("courses")
        data = RequirementInput(courses=[CourseChoice(courses[c]) for c in codes], **fields)
        return requirement_save(actor=actor, owner=owner, data=data, at=now)

    yearly = {"validity_months": 12, "window_days": 60}
    pst = save(
        national,
        code=DEMO_MARKER,
        title="Personal safety training, yearly",
        description="Conflict management and safe restraint, renewed every year.",
        courses=["PST-01"],
        audience={"all": True},
        first_due_kind=Requirement.FirstDueKind.START_DATE,
        first_due_days=90,
        **yearly,
    )
    first_aid = save(
        national,
        code="FA",
        title="First aid refresher, yearly",
        courses=["FA-REFRESH"],
        audience={"all": True},
        first_due_kind=Requirement.FirstDueKind.START_DATE,
        first_due_days=90,
        **yearly,
    )
    taser = save(
        national,
        code="TASER",
        title="Taser refresher, yearly",
        description="Needs in-date personal safety training and first aid: without them an officer is "
        "suspended from carrying Taser, even while their own refresher runs.",
        courses=["TASER-REFRESH"],
        audience={"job_roles": TASER_ROLES},
        first_due_days=30,
        prerequisites=[pst, first_aid],
        **yearly,
    )
    information = save(
        national,
        code="IM",
        title="Information management, every 2 years",
        courses=["IM-01"],
        audience={"all": True},
        first_due_days=90,
        validity_months=24,
        window_days=90,
    )
    stop_search = save(
        national,
        code="SS",
        title="Stop and search, once",
        courses=["SAS-01"],
        audience={"ranks": STOP_SEARCH_RANKS},
        first_due_kind=Requirement.FirstDueKind.START_DATE,
        first_due_days=180,
    )
    driving = save(
        kent,
        actor=training_admin,
        code="DRIVE",
        title="Driving standards, every 3 years",
        description="Kent's response drivers: enrolled automatically when it falls due.",
        courses=["KENT-DRIVE"],
        audience={"job_roles": DRIVING_ROLES},
        first_due_kind=Requirement.FirstDueKind.START_DATE,
        first_due_days=180,
        validity_months=36,
        window_days=90,
        auto_enrol=True,
    )
    return [pst, first_aid, taser, information, stop_search, driving]


def _story_lines(
    stories: _Stories, requirements: dict[str, Requirement], training_admin, today: dt.date, now
) -> Iterable[str]:
    if stories.suspended:
        yield (
            f"  {stories.suspended.name} ({stories.suspended.email}): first aid lapsed while their Taser "
            "refresher is in date, so suspended"
        )
    if stories.exempt:
        person = Person.objects.get(pk=stories.exempt.id)
        exemption_grant(
            actor=training_admin,
            person=person,
            requirement=requirements[DEMO_MARKER],
            reason="Recovering from knee surgery: occupational health advise no physical training until "
            "the end date. Their letter is held by HR.",
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=150),
            at=now,
        )
        yield f"  {stories.exempt.name} ({stories.exempt.email}): exempt from personal safety training"
    if stories.extended:
        person = Person.objects.get(pk=stories.extended.id)
        due = Assignment.objects.get(person=person, requirement=requirements["FA"]).due_on
        if due is not None:
            extension = extension_grant(
                actor=training_admin,
                person=person,
                requirement=requirements["FA"],
                to_due_on=due + dt.timedelta(days=45),
                reason="The first aid course they were booked on was cancelled by the trainer; "
                "rebooked on the next one.",
                at=now,
            )
            yield (
                f"  {stories.extended.name} ({stories.extended.email}): first aid lapsed, due date "
                f"extended to {extension.to_due_on:%-d %B %Y}"
            )
    if stories.learner:
        yield f"  {stories.learner.name} ({stories.learner.email}): first aid due soon, information management to do"


def compliance_demo_load(
    *,
    national: Organisation,
    kent: Organisation,
    training_admin,
    learner,
    now: dt.datetime | None = None,
    log: Callable[[str], None] = print,
) -> bool:
    """Make the demo's mandatory training unless it is there. Returns whether it was made."""
    if Requirement.objects.filter(owner=national, code=DEMO_MARKER).exists():
        return False
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        courses = {code: _course(national, code, title, summary) for code, title, summary in NATIONAL_COURSES}
        courses.update({code: _course(kent, code, title, summary) for code, title, summary in KENT_COURSES})
        people = _people(national)
        stories = _stories(people, learner)
        # History first, so that requirements find everyone's record in place (and automatic
        # enrolment only enrols those who really must).
        organisations = Organisation.objects.in_bulk(field_name="slug")
        imported = _import(organisations, people, _history(people, stories), today, now)
        requirements = {r.code: r for r in _requirements(national, kent, training_admin, courses, now)}
        stories_told = list(_story_lines(stories, requirements, training_admin, today, now))
        everyone = set(Person.objects.filter(status=Person.Status.ACTIVE).values_list("id", flat=True))
        everyone |= set(Assignment.objects.filter(in_audience=True).values_list("person_id", flat=True))
        evaluation.evaluate_people(everyone, at=now)
    standings = Counter(
        dict(
            Assignment.objects.filter(in_audience=True)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    )
    log(
        f"Mandatory training: {len(requirements) - 1} national requirements and Kent's DRIVE; "
        f"{imported} completions of history imported for {len(people)} people"
    )
    log(
        "  standings today: "
        + ", ".join(
            f"{status} {standings[status]}"
            for status in ("compliant", "due", "overdue", "assigned", "suspended", "exempt")
        )
    )
    for line in stories_told:
        log(line)
    return True
