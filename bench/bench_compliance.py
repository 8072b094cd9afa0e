"""Benchmark mandatory training (bluelamp.compliance) at national scale on PostgreSQL.

Creates a fresh database (dropping any of the same name), migrates it and builds the national
dataset: the national body and the 43 forces (both licences each), 236,000 people imported through
the real HR import (`run_import`, units from `bench/generate_national.py`: ranks, job roles, unit
trees — the Met's split a level further, about 1,100 units — and 3% leavers), one course per
requirement (and a few others) made with the learning services, 25 requirements saved with
`requirement_save` (national and force-owned; audiences by everyone, rank, job role, unit subtree,
start date and another requirement's audience; prerequisites; one auto-enrolling) and about
6,000,000 completions over the past four years by COPY (platform completions and imported history
with the courses' codes, in the order they would have been recorded).

It then times, through the real code, in one run:

1. `sweeps.sweep`: the first evaluation (yesterday; it creates every Assignment row) and the nightly
   re-evaluation (today: a day has passed). Target: the nightly one under 10 minutes.
2. A completion through the learner's page (`learning:activity`, the last page of a course opened
   with the test client) for Met people due on a national requirement: the request's latency with
   compliance listening and with learning's listeners set aside (`listening(alone=True)`),
   alternating, and a probe listener that reads the person's Assignment inside the request's
   transaction (it must read "compliant" with compliance listening, the old status without).
3. `compliance:dashboard` for the Met (a signed-in training administrator; the whole force and one
   BCU with `?unit=`) and `compliance:national` (a platform administrator of the national body),
   each next to a plain SQL GROUP BY over compliance_assignment for the same counts. Targets:
   Met ≤ 150 ms, national ≤ 1 s (p95).
4. `bluelamp compliance-report --org metropolitan` in its own process. Target < 30 s.

    DJANGO_SETTINGS_MODULE=config.settings nice -n 10 .venv/bin/python bench/bench_compliance.py
    .venv/bin/python bench/bench_compliance.py --reuse                # keep the data, time 1-4 again
    .venv/bin/python bench/bench_compliance.py --reuse --only views,report
    .venv/bin/python bench/bench_compliance.py --people 50000 --completions 1200000   # smaller

Prints a table and exits 1 if a target is missed (or a step could not run). The database is left in
place afterwards for inspection (EXPLAIN ANALYZE); the next run without --reuse drops it.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import io
import logging
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import generate_national  # noqa: E402  (a sibling script, not a package)

SWEEP_TARGET_S = 600.0
MET_DASHBOARD_TARGET_MS = 150.0
NATIONAL_TARGET_MS = 1000.0
REPORT_TARGET_S = 30.0
MET = "metropolitan"
HISTORY_YEARS = 4
STEPS = ("sweep", "flip", "views", "report")

OFFICERS = [
    "Police Constable",
    "Detective Constable",
    "Sergeant",
    "Detective Sergeant",
    "Inspector",
    "Detective Inspector",
    "Chief Inspector",
    "Special Constable",
]
FRONTLINE = [*OFFICERS[:4], "Police Community Support Officer", "Special Constable"]
SUPERVISORS = ["Sergeant", "Detective Sergeant", "Inspector", "Detective Inspector", "Chief Inspector"]


@dataclass(frozen=True)
class Spec:
    """One requirement of the dataset: its owner (slug), code and rules. `units` are unit paths in
    the owner's tree; `courses` how many courses satisfy it (the first is the one people take)."""

    owner: str
    code: str
    title: str
    audience: dict = field(default_factory=lambda: {"all": True})
    units: tuple[str, ...] = ()
    validity: int | None = 12
    window: int = 60
    first_due: tuple[str, int] = ("joining", 60)
    prerequisites: tuple[str, ...] = ()
    auto_enrol: bool = False
    courses: int = 1


# 15 national requirements (every licensed force, and the national body's own people) and 10 of
# forces: the Met's four, two of Greater Manchester's, one each of four others.
SPECS = [
    Spec("national", "N-INFOSEC", "Information security", validity=12, window=60),
    Spec("national", "N-DATAPROT", "Data protection", validity=24, window=90),
    Spec("national", "N-EDI", "Equality, diversity and inclusion", validity=36, window=90),
    Spec("national", "N-ETHICS", "Code of Ethics", validity=None, window=0, first_due=("start_date", 90)),
    Spec("national", "N-FIRSTAID", "Emergency first aid", {"ranks": FRONTLINE}, validity=12, window=90, courses=2),
    Spec("national", "N-PST", "Personal safety training", {"ranks": FRONTLINE}, validity=12, window=60,
         prerequisites=("N-FIRSTAID",)),
    Spec("national", "N-TASER", "Taser refresher", {"job_roles": ["Response officer", "Specialist officer"]},
         validity=12, window=30, prerequisites=("N-PST", "N-FIRSTAID")),
    Spec("national", "N-SAFEGUARD", "Safeguarding children and adults", {"ranks": OFFICERS}, validity=24),
    Spec("national", "N-MENTAL", "Mental health awareness", {"requirements": ["N-SAFEGUARD"]}, validity=36),
    Spec("national", "N-CUSTODY", "Safer detention and handling",
         {"job_roles": ["Custody officer", "Detention officer", "Custody sergeant", "Custody support"]},
         validity=12, window=60),
    Spec("national", "N-DRIVING", "Response driving refresher",
         {"job_roles": ["Response officer", "Response sergeant", "Specialist officer"]}, validity=36, window=90),
    Spec("national", "N-STOPSEARCH", "Stop and search", {"ranks": FRONTLINE}, validity=24),
    Spec("national", "N-VETTING", "Vetting and integrity for new starters", {"started_from": "2023-01-01"},
         validity=None, window=0, first_due=("start_date", 90)),
    Spec("national", "N-INVEST", "Investigative practice",
         {"job_roles": ["Investigator", "Trainee investigator", "Investigation supervisor"]}, validity=24),
    Spec("national", "N-LEAD", "Leading people", {"ranks": SUPERVISORS}, validity=36),
    Spec(MET, "MET-CT", "Counter-terrorism awareness", validity=12, window=30),
    Spec(MET, "MET-BWV", "Body-worn video",
         {"job_roles": ["Response officer", "Neighbourhood officer", "Response sergeant"]}, validity=24),
    Spec(MET, "MET-PUBORDER", "Public order (central BCUs)", units=("Central West BCU", "Central North BCU"),
         validity=12, window=60, auto_enrol=True),
    Spec(MET, "MET-DA", "Domestic abuse matters", {"ranks": ["Police Constable", "Sergeant"]},
         validity=36, first_due=("date", 45)),
    Spec("greater-manchester", "GMP-ROADS", "Roads policing", {"job_roles": ["Specialist officer"]}, validity=12),
    Spec("greater-manchester", "GMP-INDUCT", "Force induction", validity=None, window=0,
         first_due=("start_date", 30)),
    Spec("west-midlands", "WMP-HATE", "Hate crime", {"ranks": OFFICERS}, validity=24),
    Spec("kent", "KENT-NORTH", "North Division local procedures", units=("North Division",), validity=24),
    Spec("essex", "ESSEX-INTERVIEW", "Investigative interviewing",
         {"job_roles": ["Investigator", "Investigation supervisor"]}, validity=36),
    Spec("thames-valley", "TVP-FIREARMS", "Firearms requalification",
         units=("Headquarters/Operations/Firearms Unit",), validity=6, window=30),
]  # fmt: skip
OTHER_COURSES = 20  # courses on no requirement (CPD and the like), for the rest of the record
LEGACY_CODES = 200  # course codes of an old system, on imported history only


def recreate_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def say(message: str) -> None:
    print(message, flush=True)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=False
        ).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}"


# --- building the data ---------------------------------------------------------------------------


def make_organisations():
    from bluelamp.organisations.services import licence_create, organisation_create

    organisations = {}
    for slug, name, _ in generate_national.force_sizes(generate_national.DEFAULT_PEOPLE):
        national = slug == generate_national.NATIONAL_BODY[0]
        org = organisation_create(
            actor=None, slug=slug, name=name, kind="national_body" if national else "home_office_force"
        )
        if not national:
            for n, licence_type in enumerate(("PL-P-101", "PL-P-200")):
                licence_create(
                    actor=None,
                    organisation=org,
                    type=licence_type,
                    reference=f"{slug.upper()}-{n}",
                    starts_on=dt.date(2020, 1, 1),
                    ends_on=dt.date(2099, 12, 31),
                )
        organisations[slug] = org
    return organisations


def split_met_teams(people) -> None:
    """The Met's first two response teams at each station become two patrol groups each: a fourth
    level, and about 1,100 units for 34,000 people."""
    for n, person in enumerate(people):
        if person.unit.endswith(("/Response Team 1", "/Response Team 2")) and not person.job_role.endswith(
            "sergeant"
        ):
            person.unit += "/Patrol A" if n % 2 else "/Patrol B"


def import_people(organisations, people: int, seed: int) -> None:
    """Everyone through the real HR import, one file per organisation (compliance not listening:
    there are no requirements yet, and the first evaluation is timed on its own)."""
    from bluelamp.people.importing import run_import
    from bluelamp.people.listeners import listening

    started = time.perf_counter()
    forces = generate_national.generate(people, seed)
    with listening(alone=True):
        for force in forces:
            if force.slug == MET:
                split_met_teams(force.people)
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(generate_national.HEADER)
            writer.writerows(p.row() for p in force.people)
            result = run_import(
                actor=None,
                organisation=organisations[force.slug],
                data=out.getvalue().encode(),
                file_name=f"{force.slug}.csv",
                dry_run=False,
                check_access=False,
            )
            if not result.ok:
                raise SystemExit(f"{force.slug}: import refused: {[str(e) for e in result.errors[:5]]}")
    say(f"  {people:,} people imported in {time.perf_counter() - started:.0f} s")


def make_course(owner, code: str, title: str):
    from bluelamp.learning.courses import activity_add, course_create, version_publish

    course = course_create(
        actor=None, owner=owner, code=code, title=title, summary="Three short pages.", duration_minutes=30
    )
    version = course.versions.get()
    for page in range(3):
        activity_add(actor=None, version=version, kind="page", title=f"Part {page + 1}", body="Read this.")
    version_publish(actor=None, version=version)
    course.refresh_from_db()
    return course


def make_requirements(organisations, at: dt.datetime):
    """One course (two for some) and the requirement, through the services; returns the courses
    of each requirement code and the other courses."""
    from bluelamp.compliance.services import CourseChoice, RequirementInput, requirement_save
    from bluelamp.organisations.api import Unit

    saved = {}
    courses_of = {}
    for spec in SPECS:
        owner = organisations[spec.owner]
        courses = [
            make_course(owner, f"{spec.code}-C{n + 1}", f"{spec.title} ({n + 1})")
            for n in range(spec.courses)
        ]
        audience = dict(spec.audience)
        if "requirements" in audience:
            audience["requirements"] = [saved[code].pk for code in audience["requirements"]]
        if spec.units:
            audience["units"] = [
                Unit.objects.get(organisation=owner, full_path=path).pk for path in spec.units
            ]
        kind, days = spec.first_due
        data = RequirementInput(
            code=spec.code,
            title=spec.title,
            courses=[CourseChoice(c) for c in courses],
            audience=audience,
            first_due_kind=kind,
            first_due_days=days if kind != "date" else 0,
            first_due_date=(at + dt.timedelta(days=days)).date() if kind == "date" else None,
            validity_months=spec.validity,
            window_days=spec.window,
            prerequisites=[saved[code] for code in spec.prerequisites],
            auto_enrol=spec.auto_enrol,
        )
        saved[spec.code] = requirement_save(actor=None, owner=owner, data=data, at=at)
        courses_of[spec.code] = courses
    national = organisations["national"]
    others = [
        make_course(national, f"CPD-{n:02d}", f"Continuing development {n:02d}") for n in range(OTHER_COURSES)
    ]
    return saved, courses_of, others


def _history(rng: random.Random, validity: int | None, window: int, begin: dt.date, today: dt.date):
    """The days one person completed one requirement's training: a first completion, then
    recertification around each expiry (mostly inside the window, some late, some early), until
    some stop (their completion lapses)."""
    from bluelamp.compliance.rules import add_months

    if begin > today or rng.random() < 0.04:  # never done it
        return []
    span = (today - begin).days
    if validity is None:
        return [begin + dt.timedelta(days=rng.randrange(span + 1))]
    first_cycle = min(span, round(validity * 30.4))
    day = begin + dt.timedelta(days=rng.randrange(first_cycle + 1))
    days = []
    while day <= today:
        days.append(day)
        if rng.random() < 0.05:
            break
        expiry = add_months(day, validity)
        roll = rng.random()
        if roll < 0.75:
            day = expiry - dt.timedelta(days=rng.randrange(max(window, 14)))
        elif roll < 0.92:
            day = expiry + dt.timedelta(days=rng.randrange(1, 75))
        else:
            day = expiry - dt.timedelta(days=rng.randrange(max(window, 14), max(window, 14) + 90))
    return days


def copy_completions(courses_of, others, total: int, seed: int, today: dt.date) -> int:
    """About `total` completions by COPY: each person's history of the requirements whose audience
    they are in, then other courses and imported history of an old system up to the total. Rows
    go in in the order of the day they were completed (as they would have been recorded), with
    the table's non-unique indexes dropped during the COPY and its foreign keys not checked
    (session_replication_role = replica): the data is built to be consistent."""
    from django.db import connection

    from bluelamp.compliance import evaluation
    from bluelamp.compliance.audiences import Facts, matches
    from bluelamp.people.api import Person

    rng = random.Random(seed)
    requirements = evaluation._compiled_requirements()
    _, licensed = evaluation._scope(today)
    code_of = {r.pk: code for code, r in _requirements_by_code().items()}
    people = list(
        Person.objects.values_list(
            "id", "organisation_id", "unit__path", "rank", "job_role", "employment_start_date"
        ).order_by("id")
    )
    horizon = today - dt.timedelta(days=round(HISTORY_YEARS * 365.25))
    spool = tempfile.TemporaryDirectory(prefix="bench-compliance-")
    quarters: dict[int, io.TextIOWrapper] = {}

    def quarter_file(day: dt.date):
        key = day.year * 4 + (day.month - 1) // 3
        if key not in quarters:
            quarters[key] = open(Path(spool.name) / f"{key}.tsv", "w", encoding="utf-8")  # noqa: SIM115
        return quarters[key]

    def write(person_id, org, course, imported, day, score) -> None:
        ident = f"{rng.getrandbits(128):032x}"
        stamp = f"{day}T{8 + rng.randrange(10):02d}:{rng.randrange(60):02d}:00+00:00"
        if imported:
            line = (
                f"{ident}\t{person_id}\t\\N\t\\N\t{course[2]}\t{course[3]}\t\\N\tLegacy LMS\t{org}\t{day}\t\\N\t"
                f"\\N\timported\t\t\t\t{stamp}\n"
            )
        else:
            line = (
                f"{ident}\t{person_id}\t{course[0]}\t{course[1]}\t{course[2]}\t{course[3]}\t1\t\t{org}\t{day}\t"
                f"{stamp}\t{score}\tplatform\t\t\t\t{stamp}\n"
            )
        quarter_file(day).write(line)

    row_of = {
        code: [(c.pk, c.current_version_id, c.code, c.title) for c in courses]
        for code, courses in courses_of.items()
    }
    other_rows = [(c.pk, c.current_version_id, c.code, c.title) for c in others]
    legacy = [(None, None, f"LEG-{n:03d}", f"Legacy course {n:03d}") for n in range(LEGACY_CODES)]
    started = time.perf_counter()
    required_rows = 0
    for pid, org, path, rank, role, start in people:
        facts = Facts(pid, org, path, rank or "", role or "", start, active=True)
        begin = max(horizon, start) if start else horizon
        in_audience_of: set[int] = set()
        for req in requirements:
            if not (req.owner_id == org or (req.national and org in licensed)):
                continue
            if not matches(req.audience, facts, in_audience_of=in_audience_of):
                continue
            in_audience_of.add(req.id)
            options = row_of[code_of[req.id]]
            for day in _history(rng, req.validity_months, req.window_days, begin, today):
                course = options[1] if len(options) > 1 and rng.random() < 0.3 else options[0]
                write(pid, org, course, rng.random() < 0.3, day, 60 + rng.randrange(41))
                required_rows += 1
    rest = max(0, total - required_rows)
    average = rest / max(1, len(people))
    other_rows_written = 0
    for pid, org, _, _, _, start in people:
        begin = max(horizon, start) if start else horizon
        span = (today - begin).days
        if span < 0:
            continue
        for _ in range(rng.randrange(round(2 * average) + 1)):
            day = begin + dt.timedelta(days=rng.randrange(span + 1))
            if rng.random() < 0.5:
                write(pid, org, rng.choice(other_rows), False, day, 50 + rng.randrange(51))
            else:
                write(pid, org, rng.choice(legacy), True, day, "")
            other_rows_written += 1
    for handle in quarters.values():
        handle.close()
    say(
        f"  {required_rows:,} completions of requirements' courses and {other_rows_written:,} others "
        f"generated in {time.perf_counter() - started:.0f} s"
    )

    cols = (
        "uuid, person_id, course_id, version_id, course_code, course_title, version_number, provider, "
        "organisation_id, completed_on, completed_at, score, source, evidence, evidence_name, notes, "
        "recorded_at"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'learning_completion' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'learning_completion'::regclass)"
        )
        dropped = cursor.fetchall()
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        raw = cursor.connection
        done = 0
        for key in sorted(quarters):
            data = (Path(spool.name) / f"{key}.tsv").read_text(encoding="utf-8")
            with raw.cursor() as copy_cursor:
                with copy_cursor.copy(f"COPY learning_completion ({cols}) FROM STDIN") as copy:
                    copy.write(data)
            done += data.count("\n")
        cursor.execute("SET session_replication_role = DEFAULT")
        say(f"  {done:,} completions copied in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        for _, definition in dropped:
            cursor.execute(definition)
        say(f"  {len(dropped)} indexes re-created in {time.perf_counter() - started:.0f} s")
    spool.cleanup()
    return done


def _requirements_by_code():
    from bluelamp.compliance.models import Requirement

    return {r.code: r for r in Requirement.objects.all()}


def make_admins(organisations):
    """The Met's training administrator and the national body's platform administrator, each
    with a TOTP authenticator (administrators must have one)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from bluelamp.organisations.api import role_grant
    from bluelamp.people.api import person_create

    made = {}
    for key, org, role in (
        ("met_admin", organisations[MET], "training_admin"),
        ("national_admin", organisations["national"], "platform_admin"),
    ):
        person = person_create(
            actor=None,
            organisation=org,
            email=f"bench.{key.replace('_', '.')}@{org.slug}.example",
            first_name="Bench",
            last_name=key.replace("_", " ").title(),
            check_access=False,
        )
        role_grant(
            actor=None,
            person=person,
            role=role,
            organisation=None if org.is_national_body else org,
            as_operator=True,
        )
        TOTP.activate(person, generate_totp_secret())
        made[key] = person
    return made


def build(args, today: dt.date) -> None:
    from django.db import connection

    from bluelamp.compliance.models import Assignment, StatusCount

    started = time.perf_counter()
    organisations = make_organisations()
    import_people(organisations, args.people, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE people_person")
        cursor.execute("VACUUM ANALYZE organisations_unit")
    at = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(9), tzinfo=dt.UTC)
    t0 = time.perf_counter()
    _, courses_of, others = make_requirements(organisations, at)
    say(
        f"  {len(SPECS)} requirements and {sum(map(len, courses_of.values())) + len(others)} courses "
        f"in {time.perf_counter() - t0:.0f} s"
    )
    copy_completions(courses_of, others, args.completions, args.seed, today)
    make_admins(organisations)
    # Saving the requirements evaluated the small audiences (the large ones were left to a task,
    # which this benchmark does not run): start from nothing, so the first evaluation does it all.
    Assignment.objects.all().delete()
    StatusCount.objects.all().delete()
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        for table in ("learning_completion", "people_person", "compliance_assignment", "learning_enrolment"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        say(f"  vacuum analyze {time.perf_counter() - t0:.0f} s")
    say(f"built in {time.perf_counter() - started:.0f} s")


# --- timing --------------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    figure: str
    baseline: str = ""
    target: str = ""
    met: bool | None = None
    command: str = ""


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine: /proc)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Spent:
    """Wall time, and the CPU time of this process and of its PostgreSQL backend: on a shared,
    busy machine the CPU times say what the work costs, whatever else is running."""

    wall: float
    python: float
    postgres: float

    def __str__(self) -> str:
        return (
            f"{self.wall:,.0f} s wall (CPU: {self.python:,.0f} s Python + {self.postgres:,.0f} s PostgreSQL)"
        )


def time_sweep(at: dt.datetime, label: str, profile: Path | None = None):
    from bluelamp.compliance import sweeps

    profiler = cProfile.Profile() if profile else None
    pg0, cpu0, t0 = backend_cpu(), time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    outcome = sweeps.sweep(at=at)
    if profiler:
        profiler.disable()
    spent = Spent(time.perf_counter() - t0, time.process_time() - cpu0, backend_cpu() - pg0)
    if profiler and profile:
        profiler.dump_stats(profile)
        stats = pstats.Stats(str(profile))
        stats.sort_stats("cumulative").print_stats(25)
    say(
        f"  {label}: {spent}; people {outcome.people:,}, rows written {outcome.written:,}, "
        f"changed {outcome.changed:,}; {load()}"
    )
    return spent, outcome


def evaluation_day(at: dt.datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localdate(at):%d %B %Y}"


def status_table() -> str:
    from django.db.models import Count

    from bluelamp.compliance.models import Assignment

    counts = dict(
        Assignment.objects.filter(in_audience=True).values_list("status").annotate(n=Count("id")).order_by()
    )
    total = sum(counts.values())
    return ", ".join(
        f"{s} {n:,} ({100 * n / total:.0f}%)" for s, n in sorted(counts.items(), key=lambda kv: -kv[1])
    )


def measure_flip(runs: int, requirement_code: str):
    """A completion through the learner's page: the request that opens a course's last page.
    Pairs of Met people due (or assigned, or overdue) on the requirement, one with compliance
    listening and one with learning's listeners set aside, alternating which goes first."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bluelamp.compliance import evaluation
    from bluelamp.compliance.models import Assignment
    from bluelamp.learning import progress
    from bluelamp.learning.api import Enrolment, enrol_self
    from bluelamp.learning.listeners import listening
    from bluelamp.organisations.api import Organisation
    from bluelamp.people.api import Person

    requirement = _requirements_by_code()[requirement_code]
    course = requirement.course_links.select_related("course").first().course
    met = Organisation.objects.get(slug=MET)
    # People of an earlier run: those who completed without compliance listening are brought up to
    # date (as the nightly sweep would), and nobody already enrolled is chosen again.
    enrolled = set(Enrolment.objects.filter(course=course).values_list("person_id", flat=True))
    evaluation.evaluate_people(enrolled)
    candidates = list(
        Assignment.objects.filter(
            requirement=requirement,
            organisation=met,
            in_audience=True,
            status__in=["due", "overdue", "assigned"],
        )
        .exclude(person_id__in=enrolled)
        .order_by("person_id")
        .values_list("person_id", "status")[: 2 * runs + 4]
    )
    if len(candidates) < 2 * runs + 4:
        raise SystemExit(f"only {len(candidates)} Met people are due on {requirement_code}")
    seen: dict[str, list] = {"with": [], "without": []}

    def probe(*, person_ids, at):
        """Runs after compliance's listener (registered later), inside the request's transaction."""
        status = Assignment.objects.filter(person_id=person_ids[0], requirement=requirement).values_list(
            "status", flat=True
        )
        seen[mode].append((connection.in_atomic_block, status.first()))

    def prepare(person_id):
        person = Person.objects.get(pk=person_id)
        enrolment = enrol_self(person=person, course=course)
        activities = list(enrolment.version.activities.order_by("order"))
        for activity in activities[:-1]:
            progress.activity_open(enrolment=enrolment, activity=activity)
        client = Client()
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        url = reverse("learning:activity", args=[enrolment.uuid, activities[-1].pk])
        client.get(reverse("learning:my_learning"))  # a warm session, as a learner has
        return client, url

    times: dict[str, list[float]] = {"with": [], "without": []}
    cpu: dict[str, list[float]] = {"with": [0.0, 0.0], "without": [0.0, 0.0]}  # ms: Python, PostgreSQL
    queries: dict[str, int] = {}
    before_after: dict[str, list] = {"with": [], "without": []}
    for n in range(runs + 2):
        pair = candidates[2 * n : 2 * n + 2]
        order = ("with", "without") if n % 2 == 0 else ("without", "with")
        for mode, (person_id, old_status) in zip(order, pair, strict=True):
            client, url = prepare(person_id)
            context = listening(probe) if mode == "with" else listening(probe, alone=True)
            with context:
                if n == 0:  # the first pair is counted, not timed
                    with CaptureQueriesContext(connection) as captured:
                        response = client.get(url)
                    queries[mode] = len(captured.captured_queries)
                else:
                    pg0, cpu0 = backend_cpu(), time.process_time()
                    t0 = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - t0) * 1000
                    cpu1, pg1 = time.process_time(), backend_cpu()
                    if n >= 2:  # the second pair warms up
                        times[mode].append(elapsed)
                        cpu[mode][0] += (cpu1 - cpu0) * 1000 / runs
                        cpu[mode][1] += (pg1 - pg0) * 1000 / runs
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            after = Assignment.objects.get(person_id=person_id, requirement=requirement).status
            before_after[mode].append((old_status, seen[mode][-1] if seen[mode] else None, after))
            if mode == "without":
                evaluation.evaluate_people([person_id])  # as the nightly sweep would
    return times, queries, before_after, cpu


def sign_in(person):
    """A client signed in as `person`, with the record allauth keeps of a password and a second
    factor just now (as conftest.force_sign_in does)."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.test import Client

    client = Client()
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": person.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(person.pk)
    session.save()
    return client


def time_get(client, url: str, runs: int) -> tuple[list[float], int, tuple[float, float]]:
    """Latencies (ms) after three warm-ups, the page's size, and the CPU per request (ms) of this
    process and of the PostgreSQL backend."""
    times, size = [], 0
    pg0, cpu0 = 0.0, 0.0
    for run in range(runs + 3):
        if run == 3:
            pg0, cpu0 = backend_cpu(), time.process_time()
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        size = len(response.content)
        if run >= 3:
            times.append(elapsed)
    cpu = ((time.process_time() - cpu0) * 1000 / runs, (backend_cpu() - pg0) * 1000 / runs)
    return times, size, cpu


def time_sql(sql: str, params, runs: int) -> tuple[list[float], int]:
    from django.db import connection

    times, rows = [], 0
    with connection.cursor() as cursor:
        for run in range(runs + 3):
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            rows = len(cursor.fetchall())
            if run >= 3:
                times.append((time.perf_counter() - t0) * 1000)
    return times, rows


# The same counts as the pages, straight from the assignments: people in the audience by
# requirement, status and child unit (the dashboard's tables by requirement and by unit add these
# up; unit paths are treebeard's, 4 characters a level), and by force, requirement and status for
# the national requirements (the national view's forces and matrix).
RAW_FORCE = (
    "SELECT a.requirement_id, a.status, left(u.path, 4), count(*) FROM compliance_assignment a "
    "LEFT JOIN organisations_unit u ON u.id = a.unit_id "
    "WHERE a.organisation_id = %s AND a.in_audience GROUP BY 1, 2, 3"
)
RAW_UNIT = (
    "SELECT a.requirement_id, a.status, left(u.path, %s), count(*) FROM compliance_assignment a "
    "JOIN organisations_unit u ON u.id = a.unit_id "
    "WHERE a.organisation_id = %s AND a.in_audience AND u.path LIKE %s GROUP BY 1, 2, 3"
)
RAW_NATIONAL = (
    "SELECT a.organisation_id, a.requirement_id, a.status, count(*) FROM compliance_assignment a "
    "JOIN compliance_requirement r ON r.id = a.requirement_id "
    "WHERE a.in_audience AND r.owner_id = %s GROUP BY 1, 2, 3"
)


def ms(times: list[float]) -> str:
    return f"p50 {statistics.median(times):,.1f} / p95 {percentile(times, 0.95):,.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bluelamp_bench_compliance", help="database to (re)create")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--people", type=int, default=generate_national.DEFAULT_PEOPLE)
    parser.add_argument("--completions", type=int, default=6_000_000, help="about this many in all")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--reuse", action="store_true", help="keep the data; migrate, then time")
    parser.add_argument("--only", default=",".join(STEPS), help=f"steps to time, of {','.join(STEPS)}")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each page and query")
    parser.add_argument("--flips", type=int, default=20, help="timed completions with and without compliance")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the nightly sweep here")
    parser.add_argument(
        "--nightly-days",
        type=int,
        default=0,
        help="run the nightly sweep this many days after today (with --reuse: days pass again)",
    )
    args = parser.parse_args()
    steps = {s for s in args.only.split(",") if s}
    unknown = steps - set(STEPS)
    if unknown:
        parser.error(f"unknown steps {', '.join(sorted(unknown))}; accepted: {', '.join(STEPS)}")

    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CONN_MAX_AGE", "600")  # as a server keeps its connections
    os.environ["DEBUG"] = "false"
    # Tasks enqueued while building (large audiences saved) go nowhere: the sweep is timed instead.
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.pop("BLUELAMP_TESTING", None)
    if not args.reuse:
        recreate_database(args.server, args.db)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("axes").setLevel(logging.WARNING)
    media = Path(tempfile.gettempdir()) / f"{args.db}-media"
    media.mkdir(exist_ok=True)
    settings.MEDIA_ROOT = str(media)
    from django.utils import timezone

    from bluelamp.compliance.models import Assignment, Requirement, StatusCount
    from bluelamp.learning.api import Completion
    from bluelamp.organisations.api import Organisation, Unit
    from bluelamp.people.api import Person

    now = timezone.now()
    today = timezone.localdate(now)
    say(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {machine()}; {load()}")
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    say(f"migrate: {time.perf_counter() - t0:.1f} s")
    if not args.reuse:
        build(args, today)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    met = Organisation.objects.get(slug=MET)
    say(
        f"\nPostgreSQL {server_version}; {Organisation.objects.count()} organisations, "
        f"{Person.objects.count():,} people ({Person.objects.filter(organisation=met).count():,} in the Met, "
        f"{Unit.objects.filter(organisation=met).count():,} Met units), "
        f"{Requirement.objects.count()} requirements, {Completion.objects.count():,} completions"
    )
    rows: list[Row] = []
    base = "DJANGO_SETTINGS_MODULE=config.settings nice -n 10 .venv/bin/python bench/bench_compliance.py"

    # 1. The first evaluation and the nightly sweep.
    if "sweep" in steps:
        say("\n1. sweeps.sweep")
        yesterday = now - dt.timedelta(days=1)
        if not Assignment.objects.exists():
            first, outcome = time_sweep(yesterday, "first evaluation (yesterday, creates every row)")
            rows.append(
                Row(
                    "first evaluation (creates every Assignment)",
                    f"{first} ({outcome.written:,} rows, {outcome.people:,} people)",
                    command=base,
                )
            )
            with connection.cursor() as cursor:
                t0 = time.perf_counter()
                cursor.execute("VACUUM ANALYZE compliance_assignment")
                cursor.execute("VACUUM ANALYZE compliance_statuscount")
                say(
                    f"  vacuum analyze (as autovacuum would by the next night): {time.perf_counter() - t0:.0f} s"
                )
        nightly_at = now + dt.timedelta(days=args.nightly_days)
        nightly, outcome = time_sweep(
            nightly_at, f"nightly re-evaluation ({evaluation_day(nightly_at)})", args.profile
        )
        rows.append(
            Row(
                "nightly re-evaluation (sweeps.sweep)",
                f"{nightly} ({outcome.changed:,} changed)",
                target=f"< {SWEEP_TARGET_S / 60:.0f} min",
                met=nightly.wall < SWEEP_TARGET_S,
                command=base + (" --reuse --only sweep" if args.reuse else ""),
            )
        )
        say(
            f"  {Assignment.objects.count():,} assignments ({Assignment.objects.filter(in_audience=True).count():,} "
            f"in an audience), {StatusCount.objects.count():,} counts; {status_table()}"
        )

    # 2. A completion flips the status in the same request.
    if "flip" in steps:
        say(
            f"\n2. completion through learning:activity, {args.flips} with and {args.flips} without compliance"
        )
        times, queries, before_after, cpu = measure_flip(args.flips, "N-INFOSEC")
        for mode in ("with", "without"):
            flips = [(old, inside, after) for old, inside, after in before_after[mode]]
            inside_ok = all(inside and inside[0] for _, inside, _ in flips)
            say(
                f"  {mode:>7} compliance: {ms(times[mode])}; {queries[mode]} queries; CPU per request "
                f"{cpu[mode][0]:.0f} ms Python + {cpu[mode][1]:.0f} ms PostgreSQL; "
                f"status before → inside the transaction → after: {flips[0][0]} → {flips[0][1]} → {flips[0][2]}"
                f" (all in a transaction: {inside_ok})"
            )
        flipped = all(
            after == "compliant" and inside == (True, "compliant")
            for _, inside, after in before_after["with"]
        )
        unchanged = all(after == old for old, _, after in before_after["without"])
        added = statistics.median(times["with"]) - statistics.median(times["without"])
        added_cpu = sum(cpu["with"]) - sum(cpu["without"])
        say(f"  every status flipped in the request: {flipped}; unchanged without compliance: {unchanged}")
        rows.append(
            Row(
                "completion through the learner's page (N-INFOSEC, Met people)",
                f"{ms(times['with'])}, +{added:.1f} ms p50 (+{added_cpu:.0f} ms CPU), "
                f"{queries['with'] - queries['without']} more queries",
                baseline=f"without compliance: {ms(times['without'])}",
                target="flips in the request",
                met=flipped and unchanged,
                command=base + " --reuse --only flip",
            )
        )

    # 3. The dashboards, beside a raw scan of the same numbers.
    if "views" in steps:
        from bluelamp.people.api import Person as P

        say(f"\n3. dashboards, {args.runs} runs each")
        try:
            urls = {"force": reverse("compliance:dashboard"), "national": reverse("compliance:national")}
        except NoReverseMatch as missing:
            say(f"  not available yet: {missing}")
            rows.append(Row("compliance:dashboard / compliance:national", "views not built yet", met=False))
        else:
            met_admin = P.objects.get(email="bench.met.admin@metropolitan.example")
            national_admin = P.objects.get(email="bench.national.admin@national.example")
            bcu = Unit.objects.get(organisation=met, full_path="Central West BCU")
            cases = [
                ("Met dashboard (/compliance/)", met_admin, urls["force"], RAW_FORCE, [met.pk],
                 MET_DASHBOARD_TARGET_MS),
                (f"Met dashboard, one BCU (?unit={bcu.pk})", met_admin, f"{urls['force']}?unit={bcu.pk}",
                 RAW_UNIT, [len(bcu.path) + 4, met.pk, bcu.path + "%"], MET_DASHBOARD_TARGET_MS),
                ("national rollup (/compliance/national/)", national_admin, urls["national"], RAW_NATIONAL,
                 [national_admin.organisation_id],
                 NATIONAL_TARGET_MS),
            ]  # fmt: skip
            for label, person, url, sql, params, target in cases:
                client = sign_in(person)
                page, size, (python_ms, postgres_ms) = time_get(client, url, args.runs)
                raw, groups = time_sql(sql, params, args.runs)
                ratio = statistics.median(page) / statistics.median(raw)
                say(
                    f"  {label}: {ms(page)} ({size // 1024} KiB; CPU per request {python_ms:.0f} ms Python + "
                    f"{postgres_ms:.0f} ms PostgreSQL); raw GROUP BY {ms(raw)} ({groups} groups); "
                    f"page / raw {ratio:.2f}; {load()}"
                )
                rows.append(
                    Row(
                        label,
                        ms(page),
                        baseline=f"raw SQL {ms(raw)}; page/raw {ratio:.2f}",
                        target=f"≤ {target:,.0f} ms",
                        met=percentile(page, 0.95) <= target,
                        command=base + " --reuse --only views",
                    )
                )

    # 4. The report from the command line.
    if "report" in steps:
        say("\n4. bluelamp compliance-report --org metropolitan")
        from django.core.management import get_commands

        if "compliance-report" not in get_commands():
            say("  not available yet")
            rows.append(Row("bluelamp compliance-report", "command not built yet", met=False))
        else:
            connection.close()
            env = dict(os.environ)
            env.pop("TASKS_BACKEND", None)
            with tempfile.TemporaryFile() as out:
                command = [str(Path(sys.executable).with_name("bluelamp")), "compliance-report", "--org", MET]
                children = os.times()
                t0 = time.perf_counter()
                done = subprocess.run(
                    command, stdout=out, stderr=subprocess.PIPE, cwd=ROOT, env=env, check=False
                )
                seconds = time.perf_counter() - t0
                cpu = (os.times().children_user - children.children_user) + (
                    os.times().children_system - children.children_system
                )
                out.seek(0)
                lines = sum(1 for _ in out)
            if done.returncode:
                say(f"  failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
            say(f"  {seconds:.1f} s wall, {cpu:.1f} s CPU (the command's process), {lines:,} lines; {load()}")
            rows.append(
                Row(
                    "bluelamp compliance-report --org metropolitan",
                    f"{seconds:.1f} s wall, {cpu:.1f} s CPU ({lines:,} lines)",
                    target=f"< {REPORT_TARGET_S:.0f} s",
                    met=not done.returncode and seconds < REPORT_TARGET_S,
                    command=" ".join(["bluelamp", *command[1:]]),
                )
            )

    say("\n| what | figure | baseline (same run) | target | met |\n|---|---|---|---|---|")
    for row in rows:
        verdict = "" if row.met is None else ("yes" if row.met else "**no**")
        say(f"| {row.what} | {row.figure} | {row.baseline} | {row.target} | {verdict} |")
    missed = [row.what for row in rows if row.met is False]
    if missed:
        say(f"\nTargets missed: {'; '.join(missed)}")
        return 1
    say("\nEvery target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
