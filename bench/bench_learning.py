"""Benchmark the learning core on PostgreSQL: SCORM commits under concurrency, "My learning" and
the learner record at national size.

Creates a fresh database (dropping any of the same name), migrates it, and builds through the
project's services: the national body and 43 licensed forces, one SCORM 1.2 course (imported
with `course_import_scorm`, as an operator would), 300 page courses, the learners, their
enrolments and progress. The national learner record is loaded with COPY: people with
`bulk_create`, then the completions (imported history and platform completions) with COPY.

It then times, through the real views and Django's test client:

1. `learning:sco_commit`: each learner has their own client (force_login), their own session
   from `progress.sco_launch` and posts JSON commits with rising sequence numbers (every fifth
   one repeated, as a runtime retrying does); the last one passes and terminates. Learners are
   threads; requests are served by a fixed pool of "server" threads, each keeping its database
   connection (CONN_MAX_AGE), so latency includes waiting for a free worker. Target p95 < 50 ms.
2. `learning:my_learning` for a person with 300 enrolments (in progress, not started,
   completed). Target p95 < 100 ms.
3. With the national learner record loaded: `selectors.transcript(person)` (the whole list) for a
   typical and a long record, and `my_learning` again.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/bench_learning.py
    .venv/bin/python bench/bench_learning.py --reuse            # keep the data; migrate, then time
    .venv/bin/python bench/bench_learning.py --completions 1000000 --people 50000

All threads share one Python process, so the GIL serialises the Python part of every request:
on 2 cores this measures one process, not a deployment of several worker processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import os
import platform
import queue
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMIT_TARGET_MS = 50.0
MY_LEARNING_TARGET_MS = 100.0
FORCES = 43
HEAVY_COURSES = 300
ORIGIN = "http://testserver"


def recreate_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(times: list[float]) -> str:
    return (
        f"p50 {statistics.median(times):6.1f}  p95 {percentile(times, 0.95):6.1f}  max {max(times):6.1f} ms"
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


# --- building the data ---------------------------------------------------------------------------


def make_organisations():
    from bluelamp.organisations.services import licence_create, organisation_create

    national = organisation_create(actor=None, slug="national", name="National body", kind="national_body")
    forces = []
    for n in range(FORCES):
        org = organisation_create(
            actor=None, slug=f"force-{n:02d}", name=f"Force {n:02d} Police", kind="home_office_force"
        )
        for m, licence_type in enumerate(("PL-P-101", "PL-P-200")):
            licence_create(
                actor=None,
                organisation=org,
                type=licence_type,
                reference=f"F{n:02d}-{m}",
                starts_on=dt.date(2020, 1, 1),
                ends_on=dt.date(2099, 12, 31),
            )
        forces.append(org)
    return national, forces


def make_learner(org, email: str, first: str, last: str):
    from bluelamp.people.api import person_create

    return person_create(
        actor=None, organisation=org, email=email, first_name=first, last_name=last, check_access=False
    )


def make_scorm_course(national):
    from bluelamp.learning.api import course_import_scorm
    from bluelamp.learning.tests.packages import build_package

    data = build_package("1.2", scos=1, title="Stop and search essentials")
    course, _ = course_import_scorm(
        actor=None, owner=national, code="SAS-01", upload=io.BytesIO(data), file_name="SAS-01.zip"
    )
    return course


def make_page_courses(national, count: int):
    from bluelamp.learning.courses import activity_add, course_create, version_publish

    courses = []
    for n in range(count):
        course = course_create(
            actor=None,
            owner=national,
            code=f"NC-{n:03d}",
            title=f"National course {n:03d}",
            summary="A course of three pages.",
            duration_minutes=30 + n % 90,
        )
        version = course.versions.get()
        for page in range(3):
            activity_add(
                actor=None, version=version, kind="page", title=f"Part {page + 1}", body="Read this."
            )
        version_publish(actor=None, version=version)
        course.refresh_from_db()
        courses.append(course)
    return courses


def make_heavy_learner(force, courses):
    """300 enrolments: a third completed, a third in progress, a third not started; some due."""
    from bluelamp.learning.enrolments import enrol_self
    from bluelamp.learning.models import Enrolment
    from bluelamp.learning.progress import activity_open

    person = make_learner(force, "heavy@force-00.police.uk", "Hannah", "Heavy")
    rng = random.Random(7)
    for n, course in enumerate(courses):
        enrolment = enrol_self(person=person, course=course)
        if n % 4 == 0:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                due_on=dt.date.today() + dt.timedelta(days=n - 150)
            )
        activities = list(enrolment.version.activities.order_by("order"))
        if n % 3 == 0:
            for activity in activities:
                activity_open(enrolment=enrolment, activity=activity)
        elif n % 3 == 1:
            for activity in activities[: rng.randint(1, 2)]:
                activity_open(enrolment=enrolment, activity=activity)
    return person


def make_commit_learners(forces, course, count: int):
    from bluelamp.learning.enrolments import enrol_self

    learners = []
    for n in range(count):
        force = forces[n % len(forces)]
        person = make_learner(force, f"learner{n}@{force.slug}.police.uk", f"Learner{n}", "Commit")
        enrol_self(person=person, course=course)
        learners.append(person)
    return learners


def make_people(forces, total: int) -> list[int]:
    """`total` people spread over the forces (Metropolitan-sized to small), with bulk_create."""
    from bluelamp.people.api import Person

    rng = random.Random(11)
    weights = [rng.paretovariate(1.2) for _ in forces]
    started = time.perf_counter()
    batch = []
    for n in range(total):
        force = rng.choices(forces, weights=weights)[0]
        batch.append(
            Person(
                organisation=force,
                email=f"p{n}@{force.slug}.police.uk",
                first_name=f"First{n % 5000}",
                last_name=f"Last{n % 7919}",
                staff_number=f"N{n}",
                password="!",
            )
        )
        if len(batch) == 10_000:
            Person.objects.bulk_create(batch)
            batch = []
    if batch:
        Person.objects.bulk_create(batch)
    print(f"  {total:,} people in {time.perf_counter() - started:.0f} s", flush=True)
    return list(Person.objects.filter(staff_number__startswith="N").values_list("pk", "organisation_id"))


def copy_completions(people: list[tuple[int, int]], courses, total: int, seed: int) -> None:
    """COPY `total` completions for random people (imported history and platform completions)."""
    from django.db import connection

    rng = random.Random(seed)
    cols = (
        "uuid, person_id, course_id, version_id, course_code, course_title, version_number, provider, "
        "organisation_id, completed_on, completed_at, score, source, evidence, notes, recorded_at"
    )
    course_rows = [(c.pk, c.current_version_id, c.code, c.title) for c in courses]
    legacy = [(f"LEG-{n:03d}", f"Legacy course {n}") for n in range(400)]
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC).isoformat()
    batch = 200_000
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection
        for first in range(0, total, batch):
            out = io.StringIO()
            write = out.write
            for _ in range(first, min(first + batch, total)):
                person, org = people[rng.randrange(len(people))]
                day = today - dt.timedelta(days=rng.randrange(15 * 365))
                ident = uuid.UUID(int=rng.getrandbits(128), version=4)
                if rng.random() < 0.35:
                    course_id, version_id, code, title = rng.choice(course_rows)
                    write(
                        f"{ident}\t{person}\t{course_id}\t{version_id}\t{code}\t{title}\t1\t\t{org}\t"
                        f"{day}\t{day}T10:00:00+00:00\t{rng.randrange(50, 101)}\tplatform\t\t\t{now}\n"
                    )
                else:
                    code, title = rng.choice(legacy)
                    write(
                        f"{ident}\t{person}\t\\N\t\\N\t{code}\t{title}\t\\N\tLegacy LMS\t{org}\t"
                        f"{day}\t\\N\t\\N\timported\t\t\t{now}\n"
                    )
            with raw.cursor() as copy_cursor:
                with copy_cursor.copy(f"COPY learning_completion ({cols}) FROM STDIN") as copy:
                    copy.write(out.getvalue())
            done = min(first + batch, total)
            print(f"  {done:>10,} completions ({time.perf_counter() - started:.0f} s)", flush=True)


# --- timing --------------------------------------------------------------------------------------


def commit_payload(sequence: int, last: bool) -> dict:
    core = {
        "lesson_location": str(sequence),
        "lesson_status": "passed" if last else "incomplete",
        "session_time": f"00:{sequence // 60:02d}:{sequence % 60:02d}",
        "exit": "" if last else "suspend",
    }
    if last:
        core["score"] = {"raw": "85", "min": "0", "max": "100"}
    return {"core": core, "suspend_data": "screen-" * sequence}


def run_commits(learners, enrolment_of, activity, sco, commits: int, workers: int, think: float = 0) -> dict:
    """Every learner posts `commits` commits (plus repeats) through one pool of `workers` server
    threads; returns the latencies (ms, queue wait included) and the wall time."""
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from bluelamp.learning.progress import sco_launch

    clients = []
    for person in learners:
        launch = sco_launch(enrolment=enrolment_of[person.pk], activity=activity, sco=sco)
        client = Client()
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        clients.append((client, reverse("learning:sco_commit", args=[launch.session.uuid]), launch))
    connections.close_all()

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    errors: queue.Queue = queue.Queue()

    opened = set()

    def serve(client, url, body):
        opened.add(connections["default"])
        response = client.post(url, body, content_type="application/json", HTTP_ORIGIN=ORIGIN)
        return response.status_code, json.loads(response.content)

    def learner(pool, client, url, session_uuid):
        sequence = 0
        mine = []
        pause = random.Random(session_uuid)
        for n in range(commits):
            if think:
                time.sleep(pause.uniform(0, 2 * think) / 1000)  # the learner reading a screen
            sequence += 1
            last = n == commits - 1
            sequences = [sequence, sequence] if n % 5 == 4 else [sequence]  # a retried commit
            for number in sequences:
                body = json.dumps(
                    {
                        "session": session_uuid,
                        "sequence": number,
                        "terminate": last,
                        "cmi": commit_payload(number, last),
                    }
                )
                t0 = time.perf_counter()
                status, answer = pool.submit(serve, client, url, body).result()
                mine.append((time.perf_counter() - t0) * 1000)
                key = f"{status} stored" if answer.get("stored") else f"{status} repeat"
                if status != 200:
                    errors.put(answer)
                with lock:
                    statuses[key] = statuses.get(key, 0) + 1
        with lock:
            latencies.extend(mine)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="server") as pool:
        # Warm the server threads' connections first (as a running server would have them).
        list(pool.map(lambda _: connections["default"].ensure_connection(), range(workers * 4)))
        threads = [
            threading.Thread(target=learner, args=(pool, c, url, str(launch.session.uuid)))
            for c, url, launch in clients
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    for wrapper in opened:  # the server threads' connections, closed from here
        wrapper.inc_thread_sharing()
        wrapper.close()
        wrapper.dec_thread_sharing()
    if not errors.empty():
        raise SystemExit(f"commit refused: {errors.get()}")
    return {"latencies": latencies, "wall": wall, "statuses": statuses}


def time_view(client, url: str, runs: int) -> tuple[list[float], int]:
    times = []
    size = 0
    for run in range(runs + 3):  # three warm-ups
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        size = len(response.content)
        if run >= 3:
            times.append(elapsed)
    return times, size


def count_queries(func) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bluelamp_bench_learning", help="database to (re)create")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--learners", type=int, default=200, help="concurrent SCORM learners")
    parser.add_argument("--commits", type=int, default=20, help="commits per learner (plus repeats)")
    parser.add_argument(
        "--workers", default="60,20", help="server thread pools to try with all learners, comma-separated"
    )
    parser.add_argument(
        "--think", type=float, default=0, help="mean pause between a learner's commits (ms); 0: back to back"
    )
    parser.add_argument(
        "--small", type=int, default=20, help="learners (and server threads) of the small run"
    )
    parser.add_argument("--people", type=int, default=236_000)
    parser.add_argument("--completions", type=int, default=6_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of the page views")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--reuse", action="store_true", help="keep the data; only migrate and time")
    parser.add_argument("--skip-commits", action="store_true")
    parser.add_argument(
        "--add-completions", type=int, default=0, help="with --reuse: COPY this many more completions"
    )
    parser.add_argument("--only-commits", action="store_true", help="stop after the commit runs")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CONN_MAX_AGE", "600")
    os.environ["DEBUG"] = "false"
    os.environ.pop("BLUELAMP_TESTING", None)
    if not args.reuse:
        recreate_database(args.server, args.db)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per force_login otherwise
    media = Path(tempfile.gettempdir()) / f"{args.db}-media"
    media.mkdir(exist_ok=True)
    settings.MEDIA_ROOT = str(media)
    from bluelamp.learning import selectors
    from bluelamp.learning.models import Completion, Course, Enrolment
    from bluelamp.organisations.api import Organisation
    from bluelamp.people.api import Person

    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {load()}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    if not args.reuse:
        started = time.perf_counter()
        national, forces = make_organisations()
        scorm = make_scorm_course(national)
        courses = make_page_courses(national, HEAVY_COURSES)
        make_heavy_learner(forces[0], courses)
        make_commit_learners(forces, scorm, max(args.learners, args.small))
        print(f"services (organisations, courses, learners, progress): {time.perf_counter() - started:.0f} s")
    national = Organisation.objects.get(slug="national")
    forces = list(Organisation.objects.filter(kind="home_office_force").order_by("slug"))
    scorm = Course.objects.get(code="SAS-01")
    courses = list(Course.objects.filter(code__startswith="NC-").order_by("code"))
    heavy = Person.objects.get(email="heavy@force-00.police.uk")
    learners = list(Person.objects.filter(last_name="Commit").order_by("pk"))
    enrolment_of = {e.person_id: e for e in Enrolment.objects.filter(course=scorm).select_related("person")}
    activity = scorm.current_version.activities.get()
    sco = activity.scorm_package.scos.get()

    print(
        f"\nPostgreSQL {connection.pg_version}; Python {platform.python_version()}; {os.cpu_count()} CPUs; "
        f"CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    missed = []

    # 1. SCORM commits.
    if not args.skip_commits:
        pace = f"{args.think:.0f} ms mean pause between commits" if args.think else "back to back"
        print(f"\n1. sco_commit: {args.commits} commits per learner, every fifth sent twice, {pace}")
        runs = [(args.learners, int(w)) for w in args.workers.split(",") if w] + [(args.small, args.small)]
        for count, workers in runs:
            result = run_commits(
                learners[:count], enrolment_of, activity, sco, args.commits, workers, args.think
            )
            times = result["latencies"]
            print(
                f"  {count:>3} learners, {workers:>3} server threads: {len(times):>5} requests, "
                f"{summary(times)}, {len(times) / result['wall']:6.0f} req/s; {load()}"
            )
            print(f"      outcomes: {dict(sorted(result['statuses'].items()))}")
            if count == args.learners and percentile(times, 0.95) >= COMMIT_TARGET_MS:
                missed.append(f"sco_commit ({count} learners, {workers} threads)")
        connection.close()
        if args.only_commits:
            return 1 if missed else 0

    client = Client()
    client.force_login(heavy, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("learning:my_learning")
    live = Enrolment.objects.filter(person=heavy).exclude(status="withdrawn").count()

    def my_learning_page(label: str) -> None:
        times, size = time_view(client, url, args.runs)
        queries = count_queries(lambda: client.get(url))
        print(f"  {label}: {summary(times)}; {queries} queries, {size // 1024} KiB; {load()}")
        if percentile(times, 0.95) >= MY_LEARNING_TARGET_MS:
            missed.append(f"my_learning ({label})")

    print(f"\n2. my_learning, {live} live enrolments, {args.runs} runs")
    print(f"  groups: {selectors.my_learning(heavy).counts}")
    my_learning_page(f"{Completion.objects.count():,} completions in the table")

    # 3. The national learner record.
    if args.completions and not Person.objects.filter(staff_number="N0").exists():  # not built yet
        print(f"\n3. building the national record: {args.people:,} people, {args.completions:,} completions")
        people = make_people(forces, args.people)
        copy_completions(people, courses, args.completions, args.seed)
    if args.add_completions:  # resume a stopped build: more rows for the people already there
        people = list(
            Person.objects.filter(staff_number__startswith="N").values_list("pk", "organisation_id")
        )
        print(f"\n3. adding {args.add_completions:,} completions for {len(people):,} people")
        copy_completions(people, courses, args.add_completions, args.seed + Completion.objects.count())
    long_record = Person.objects.filter(staff_number="N0").values_list("pk", "organisation_id").first()
    if long_record and Completion.objects.filter(person_id=long_record[0]).count() < 300:
        # One long record: a person with 300 more completions of their own.
        copy_completions([long_record], courses, 300, args.seed + 1)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE learning_completion")
        cursor.execute("VACUUM ANALYZE people_person")
        print(f"  vacuum analyze: {time.perf_counter() - started:.1f} s")
    total = Completion.objects.count()
    print(f"\n3. transcript with {total:,} completions, {Person.objects.count():,} people, {args.runs} runs")
    typical_id = Person.objects.filter(staff_number="N1000").values_list("pk", flat=True).first()
    long_id = Person.objects.get(staff_number="N0").pk
    for label, person_id in (("typical record", typical_id), ("long record", long_id)):
        if person_id is None:
            continue
        person = Person.objects.get(pk=person_id)
        times, rows = [], 0
        for run in range(args.runs + 3):
            t0 = time.perf_counter()
            rows = len(list(selectors.transcript(person)))
            if run >= 3:
                times.append((time.perf_counter() - t0) * 1000)
        print(f"  transcript, {label} ({rows} rows): {summary(times)}; {load()}")
    with connection.cursor() as cursor:
        sql, params = selectors.transcript(Person.objects.get(pk=long_id)).query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("  plan (long record):\n    " + "\n    ".join(plan))
    my_learning_page(f"my_learning with {total:,} completions")

    connection.close()
    if missed:
        print(f"\nTargets missed: {', '.join(missed)}")
        return 1
    print("\nEvery target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
