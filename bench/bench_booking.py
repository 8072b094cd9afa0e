"""500 people booking 100 places at once, through the production app server, beside a bare Django app.

Issue 13's target: 500 concurrent booking requests for 100 places through the real views give
exactly 100 places booked, no errors, p95 < 300 ms. Starts gunicorn with config/gunicorn.py and
production settings (bench_serving.production_env: DEBUG off, JSON request logs, Redis cache,
PostgreSQL with persistent connections) against its own database, and the bare Django app of
bench/bare/ with the same number of workers; then, in each run:

1. burst: 500 TCP connections are opened first, then every one sends its person's
   `POST /api/v1/bookings/ {"session": id}` (`Authorization: Token ...`, each a different person)
   at the same moment (an asyncio.Event as the start barrier). Latency is from the request's send
   to the whole answer (Connection: close).
2. bare burst: the same against the bare app's `POST /upsert` (JSON parse + one upsert, a new
   row each): the least a request that writes could cost on this machine, in the same run.
3. spread: the 500 bookings again (after a reset), arriving evenly over 5 seconds (100 a second),
   each on a new connection (latency from before the connect); and the bare app the same way.

Before each Bluelamp measurement the session is reset in the database (its bookings deleted, its
counters set to 0, the tokens' last use forgotten, the queued e-mails and their tasks deleted),
the cache is emptied and each worker warmed with a few bookings (then reset again). After it the
database is checked: exactly 100 booked, 400 on the waiting list numbered 1 to 400 (none twice,
none missing), the session's counters 100 / 400 / 400, 500 people each once, and every answer a
201 saying "booked" (100) or "waitlisted" with its position (1 to 400 each once).

    # build bluelamp_bench_booking: Kent Police (PL-P-101 and PL-P-200), 500 people and an
    # administrator, a published classroom event with one session of 100 places open for booking
    # for years, an API token per person (written to $TMPDIR/bench-booking.json):
    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/bench_booking.py --build
    .venv/bin/python bench/bench_booking.py --runs 3
    .venv/bin/python bench/bench_booking.py --only burst --workers 3
    .venv/bin/python bench/bench_booking.py --profile       # one booking's SQL and CPU, in-process

"app CPU" is the user + system time of the app server's workers over the measurement divided by
the requests; "PostgreSQL CPU" the same for every postgres process (followed one by one). The
load generator (this process, asyncio) shares the machine's cores with both. "cores busy (others)": how many of the
machine's cores were busy over the measurement (/proc/stat), and in brackets how many of those
were neither the app server, PostgreSQL nor this client (Redis, the kernel, anything else running:
a figure well above 0.1 means the run was disturbed).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_serving import (  # noqa: E402 - bench/ is put on the path just above
    HOST,
    Server,
    commit_body,
    load,
    production_env,
    start_server,
)

PEOPLE = 500
CAPACITY = 100
TARGET_P95_MS = 300.0
SPREAD_SECONDS = 5.0
REDIS_DB = 7  # bench_serving (and profile_page) use 5: this database's keys stay apart
ORG_SLUG = "kent"
EVENT_TITLE = "Public order refresher (bench)"
DATA_FILE = Path(tempfile.gettempdir()) / "bench-booking.json"
BOOKINGS_PATH = "/api/v1/bookings/"
WARM_UP_BOOKINGS = 6  # per run, through the server: each worker renders the booking e-mail once


# --- data -------------------------------------------------------------------------------------------


def build() -> None:
    """Organisation, people, administrator, event, session and tokens, through the services."""
    from allauth.account.models import EmailAddress
    from django.core.management import call_command

    from bluelamp.events.services import EventInput, SessionInput, event_create, event_publish, session_create
    from bluelamp.organisations.api import role_grant
    from bluelamp.organisations.services import licence_create, organisation_create
    from bluelamp.people.services import person_create
    from bluelamp.restapi.services import api_token_create

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    org = organisation_create(actor=None, slug=ORG_SLUG, name="Kent Police", kind="home_office_force")
    for n, licence_type in enumerate(("PL-P-101", "PL-P-200")):
        licence_create(
            actor=None,
            organisation=org,
            type=licence_type,
            reference=f"KENT-{n}",
            starts_on=dt.date(2020, 1, 1),
            ends_on=dt.date(2099, 12, 31),
        )
    admin = person_create(
        actor=None,
        organisation=org,
        email="admin@kent.police.uk",
        first_name="Alice",
        last_name="Admin",
        check_access=False,
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    role_grant(actor=None, person=admin, role="organisation_admin", organisation=org, as_operator=True)
    people = [
        person_create(
            actor=None,
            organisation=org,
            email=f"booker{n:03d}@kent.police.uk",
            first_name=f"Booker{n:03d}",
            last_name="Kent",
            check_access=False,
        )
        for n in range(PEOPLE)
    ]
    print(f"{PEOPLE} people in {time.perf_counter() - started:.0f} s", flush=True)

    event = event_create(
        actor=None,
        owner=org,
        data=EventInput(
            kind="classroom",
            title=EVENT_TITLE,
            description="Annual public order refresher: 100 places.",
        ),
        at=now,
    )
    # Far in the future, booking open from a year ago: the benchmark works whenever it runs.
    starts = dt.datetime(2090, 3, 14, 9, 0, tzinfo=dt.UTC)
    session = session_create(
        actor=None,
        event=event,
        data=SessionInput(
            dates=[(starts, starts + dt.timedelta(hours=7))],
            capacity=CAPACITY,
            booking_opens_at=now - dt.timedelta(days=365),
            booking_closes_at=starts - dt.timedelta(days=1),
            online_url="https://meet.example/public-order",
        ),
    )
    event_publish(actor=None, event=event, at=now)

    tokens = [api_token_create(actor=p, name="Booking bench", expires_in_days=None)[1] for p in people]
    admin_token = api_token_create(actor=admin, name="Booking bench", expires_in_days=None)[1]
    DATA_FILE.write_text(
        json.dumps({"session": str(session.uuid), "admin": admin_token, "people": tokens}, indent=1)
    )
    print(f"built in {time.perf_counter() - started:.0f} s; tokens in {DATA_FILE}", flush=True)


def reset(session_pk: int, *, clear_cache: bool) -> None:
    """The session as built: no bookings, counters 0; no token used yet (its first use writes the
    time, as for anyone's first call of the minute); no e-mail queued (each booking queues one)."""
    from django.core.cache import cache
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from bluelamp.events.models import Booking, EventSession
    from bluelamp.notifications.models import OutgoingEmail
    from bluelamp.restapi.models import ApiToken

    with transaction.atomic():
        Booking.objects.filter(session_id=session_pk).delete()
        EventSession.objects.filter(pk=session_pk).update(booked=0, waitlisted=0, waitlist_last=0)
        ApiToken.objects.update(last_used_at=None)
        OutgoingEmail.objects.all().delete()
        DBTaskResult.objects.all().delete()
    with connection.cursor() as cursor:  # autovacuum may be off: no dead rows carried into the next run
        for model in (Booking, EventSession, ApiToken, OutgoingEmail, DBTaskResult):
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    if clear_cache:
        cache.clear()


def check(session_pk: int, answers: list[Answer]) -> tuple[bool, str]:
    """What the database and the answers say after 500 bookings of 100 places."""
    from bluelamp.events.models import Booking, EventSession

    rows = list(
        Booking.objects.filter(session_id=session_pk).values_list("status", "waitlist_number", "person_id")
    )
    statuses = Counter(status for status, _, _ in rows)
    numbers = sorted(n for status, n, _ in rows if status == "waitlisted")
    people = len({person for _, _, person in rows})
    session = EventSession.objects.get(pk=session_pk)
    counters = (session.booked, session.waitlisted, session.waitlist_last)
    waiting = PEOPLE - CAPACITY
    said = Counter(a.body.get("status") for a in answers if isinstance(a.body, dict))
    positions = sorted(
        a.body["waitlist_position"]
        for a in answers
        if isinstance(a.body, dict) and a.body.get("status") == "waitlisted"
    )
    problems = []
    if len(rows) != PEOPLE or people != PEOPLE:
        problems.append(f"{len(rows)} bookings of {people} people")
    if statuses["booked"] != CAPACITY or statuses["waitlisted"] != waiting:
        problems.append(f"statuses {dict(statuses)}")
    if numbers != list(range(1, waiting + 1)):
        doubled = sum(1 for n, k in Counter(numbers).items() if k > 1)
        problems.append(f"waiting-list numbers {numbers[:1]}..{numbers[-1:]}, {doubled} given twice")
    if counters != (CAPACITY, waiting, waiting):
        problems.append(f"session booked/waitlisted/waitlist_last {counters}")
    if said["booked"] != CAPACITY or said["waitlisted"] != waiting:
        problems.append(f"answers said {dict(said)}")
    if positions != list(range(1, waiting + 1)):
        problems.append("waiting-list positions answered are not 1..400 each once")
    if problems:
        return False, "FAILED: " + "; ".join(problems)
    return True, (
        f"ok: {CAPACITY} booked, {waiting} waitlisted numbered 1–{waiting} once each, session "
        f"{counters[0]}/{counters[1]}/{counters[2]}, answers {CAPACITY} booked + {waiting} waitlisted "
        f"with positions 1–{waiting}"
    )


# --- the client ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    ms: float
    status: int
    body: dict | str | None


def booking_request(token: str, session: str) -> bytes:
    body = json.dumps({"session": session}).encode()
    head = (
        f"POST {BOOKINGS_PATH} HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\n"
        f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def upsert_request(key: str) -> bytes:
    body = json.dumps(commit_body(key, 1)).encode()
    head = (
        f"POST /upsert HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def parse(raw: bytes) -> tuple[int, dict | str | None]:
    head, _, body = raw.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    except (IndexError, ValueError):
        status = 0
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body[:300].decode(errors="replace")


async def _burst(port: int, requests: list[bytes]) -> tuple[list[Answer], float]:
    """Every connection opened first, then every request sent at once."""
    start = asyncio.Event()
    connections = await asyncio.gather(*(asyncio.open_connection("127.0.0.1", port) for _ in requests))

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> Answer:
        await start.wait()
        began = time.perf_counter()
        try:
            writer.write(request)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), timeout=120)
        except (OSError, TimeoutError) as error:
            return Answer((time.perf_counter() - began) * 1000, 0, repr(error))
        finally:
            writer.close()
        elapsed = (time.perf_counter() - began) * 1000
        return Answer(elapsed, *parse(raw))

    tasks = [
        asyncio.create_task(one(reader, writer, request))
        for (reader, writer), request in zip(connections, requests, strict=True)
    ]
    await asyncio.sleep(0.2)  # every task waiting at the barrier
    began = time.perf_counter()
    start.set()
    answers = await asyncio.gather(*tasks)
    return list(answers), time.perf_counter() - began


async def _spread(port: int, requests: list[bytes], seconds: float) -> tuple[list[Answer], float]:
    """Request n leaves at n × seconds / len(requests), each on a connection of its own."""
    loop = asyncio.get_running_loop()
    zero = loop.time() + 0.1

    async def one(n: int, request: bytes) -> Answer:
        await asyncio.sleep(max(0.0, zero + n * seconds / len(requests) - loop.time()))
        began = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), timeout=120)
            writer.close()
        except (OSError, TimeoutError) as error:
            return Answer((time.perf_counter() - began) * 1000, 0, repr(error))
        return Answer((time.perf_counter() - began) * 1000, *parse(raw))

    began = time.perf_counter()
    answers = await asyncio.gather(*(one(n, r) for n, r in enumerate(requests)))
    return list(answers), time.perf_counter() - began - 0.1


# --- measuring ------------------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float
    non2xx: int
    cpu_ms: float
    db_cpu_ms: float
    busy: float = 0.0  # cores busy on the whole machine over the measurement
    others: float = 0.0  # of which outside the app server, PostgreSQL and this client
    checks: str = ""
    ok: bool = True
    notes: list[str] = field(default_factory=list)


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of each postgres process, by pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    seen = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if stat[stat.index("(") + 1 : stat.rindex(")")].startswith("postgres"):
            fields = stat.rsplit(")", 1)[1].split()
            seen[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return seen


class PostgresCpu(threading.Thread):
    """PostgreSQL's CPU over a measurement, per process: a connection closed meanwhile (the app's
    CONN_MAX_AGE) takes its total out of a plain before/after sum, so each process's last value is
    kept (sampled every 0.25 s: what one spends in its last 0.25 s before exiting is lost)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.before = postgres_cpu()
        self.last = dict(self.before)
        self.done = threading.Event()
        self.start()

    def run(self) -> None:
        while not self.done.wait(0.25):
            self.last.update(postgres_cpu())

    def stop(self) -> float:
        self.done.set()
        self.join()
        self.last.update(postgres_cpu())
        return sum(seconds - self.before.get(pid, 0.0) for pid, seconds in self.last.items())


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) clock ticks of every core so far (/proc/stat; steal counted as busy)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    total = sum(ticks[:8])  # guest time is already inside user
    return total - idle, total


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    label: str, server: Server, requests: list[bytes], *, spread: float | None
) -> tuple[Result, list]:
    cpu_before, postgres_cpu_meter = server.cpu_seconds(), PostgresCpu()
    machine_before, client_before, began = machine_jiffies(), time.process_time(), time.perf_counter()
    if spread is None:
        answers, wall = asyncio.run(_burst(server.port, requests))
    else:
        answers, wall = asyncio.run(_spread(server.port, requests, spread))
    time.sleep(0.3)  # the workers' last request lines written
    cpu = server.cpu_seconds() - cpu_before
    postgres = postgres_cpu_meter.stop()
    client = time.process_time() - client_before
    machine_after, elapsed = machine_jiffies(), time.perf_counter() - began
    busy_share = (machine_after[0] - machine_before[0]) / max(machine_after[1] - machine_before[1], 1)
    cores = os.cpu_count() or 1
    times = sorted(a.ms for a in answers)
    bad = [a for a in answers if not 200 <= a.status < 300]
    result = Result(
        label,
        len(answers),
        len(answers) / wall,
        percentile(times, 0.5),
        percentile(times, 0.95),
        percentile(times, 0.99),
        times[-1],
        len(bad),
        cpu * 1000 / len(answers),
        postgres * 1000 / len(answers),
        busy_share * cores,
        busy_share * cores - (cpu + postgres + client) / elapsed,
    )
    if bad:
        result.notes.append(f"first not 2xx: {bad[0].status} {str(bad[0].body)[:200]}")
    return result, answers


def warm_up(app: Server, bare: Server, data: dict, session_pk: int) -> None:
    """A few requests to each worker (connections opened, templates compiled), then the reset."""
    admin = {"Host": HOST, "X-Forwarded-Proto": "https", "Authorization": f"Token {data['admin']}"}
    for _ in range(10):
        request = urllib.request.Request(f"http://127.0.0.1:{app.port}/api/v1/event-sessions/", headers=admin)
        urllib.request.urlopen(request, timeout=30).read()  # noqa: S310 - our own loopback server
        urllib.request.urlopen(f"http://127.0.0.1:{bare.port}/trivial", timeout=30).read()  # noqa: S310
    requests = [booking_request(token, data["session"]) for token in data["people"][:WARM_UP_BOOKINGS]]
    answers, _ = asyncio.run(_spread(app.port, requests, 0.5))
    if any(a.status != 201 for a in answers):
        bad = next(a for a in answers if a.status != 201)
        raise SystemExit(f"warm-up booking answered {bad.status}: {bad.body}; see {app.log}")
    reset(session_pk, clear_cache=False)


def truncate_bare() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_commit (learner text PRIMARY KEY, sequence int, data jsonb)"
        )
        cursor.execute("TRUNCATE bench_bare_commit")


def table(results: list[Result]) -> str:
    lines = [
        "| what | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | app CPU ms/req"
        " | PostgreSQL CPU ms/req | cores busy (others) | checks |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.label} | {r.requests} | {r.rps:,.0f} | {r.p50:,.0f} | {r.p95:,.0f} | {r.p99:,.0f} | "
            f"{r.max:,.0f} | {r.non2xx} | {r.cpu_ms:.1f} | {r.db_cpu_ms:.1f} | {r.busy:.2f} ({r.others:.2f}) | "
            f"{r.checks} |"
        )
    return "\n".join(lines)


def verdict(result: Result) -> str:
    met = result.ok and result.non2xx == 0 and result.p95 < TARGET_P95_MS
    return f"{result.label}: target (p95 < {TARGET_P95_MS:.0f} ms, exactly 100 booked, no errors) {'MET' if met else 'NOT met'}"


# --- profile ------------------------------------------------------------------------------------------


def profile(session_pk: int, data: dict, sort: str, top: int) -> None:
    """500 bookings in this process through Django's handler (the test client, production
    settings, no request log lines): the SQL of a booked and of a waitlisted request, the CPU per
    booking, and where it goes (cProfile)."""
    import cProfile
    import io
    import pstats

    from django.db import connection, connections
    from django.test import Client

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    body = json.dumps({"session": data["session"]})

    def ask(token: str):
        return client.post(
            BOOKINGS_PATH, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
        )

    reset(session_pk, clear_cache=True)
    for token in data["people"][:WARM_UP_BOOKINGS]:
        ask(token)
    reset(session_pk, clear_cache=False)

    def statements_of(token: str) -> list[str]:
        seen: list[str] = []

        def record(execute, sql, params, many, context):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            answer = ask(token)
        if answer.status_code != 201:
            raise SystemExit(f"booking answered {answer.status_code}: {answer.content[:300]!r}")
        return seen

    # How long each booking holds the session's row lock: from the UPDATE that takes it (of
    # `booked` for a place, of `waitlisted` for the waiting list) to the end of the COMMIT.
    # Bookings of one session cannot overlap there, whatever the number of cores.
    holds: dict[str, list[float]] = {"booked": [], "waitlisted": []}
    state: dict[str, float | str] = {}

    def lock_timer(execute, sql, params, many, context):
        for what in holds:
            if "locked" not in state and sql.startswith(f'UPDATE "events_eventsession" SET "{what}" ='):
                if what == "booked" and state.get("expect") != "booked":
                    break  # the place's UPDATE finds none free: it takes no lock
                state["locked"], state["what"] = time.perf_counter(), what
        return execute(sql, params, many, context)

    commit = type(connections["default"])._commit

    def timed_commit(self):
        try:
            return commit(self)
        finally:
            if "locked" in state:
                holds[str(state["what"])].append((time.perf_counter() - float(state.pop("locked"))) * 1000)

    tokens = data["people"]
    captured = {}
    type(connections["default"])._commit = timed_commit  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(lock_timer):
            wall, cpu = time.perf_counter(), time.process_time()
            for n, token in enumerate(tokens):
                state["expect"] = "booked" if n < CAPACITY else "waitlisted"
                if n in (CAPACITY // 2, CAPACITY + 200):
                    captured[str(state["expect"])] = statements_of(token)
                else:
                    ask(token)
            wall, cpu = (
                (time.perf_counter() - wall) * 1000 / len(tokens),
                (time.process_time() - cpu) * 1000 / len(tokens),
            )
    finally:
        type(connections["default"])._commit = commit  # type: ignore[method-assign]
    print(
        f"{len(tokens)} bookings one after another in-process: {wall:.1f} ms each, {cpu:.1f} ms of this process's CPU"
    )
    for what, times in holds.items():
        if times:
            ordered = sorted(times)
            print(
                f"the session's row locked by a {what} booking: {len(times)} bookings, mean "
                f"{sum(times) / len(times):.1f} ms, p50 {percentile(ordered, 0.5):.1f}, p95 {percentile(ordered, 0.95):.1f}"
            )
    for what, statements in captured.items():
        print(f"\na {what} booking: {len(statements)} statements")
        for sql, times_run in Counter(statements).most_common():
            print(f"  {times_run:>2} × {sql[:200]}")

    reset(session_pk, clear_cache=True)
    for token in data["people"][:WARM_UP_BOOKINGS]:
        ask(token)
    reset(session_pk, clear_cache=False)
    profiler = cProfile.Profile()
    profiler.enable()
    for token in tokens:
        ask(token)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    print(out.getvalue())
    reset(session_pk, clear_cache=True)


# --- main ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="bluelamp_bench_booking")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--build", action="store_true", help="(re)create the database, then stop")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="app-server worker processes (each app; default, as config/gunicorn.py: one per core)",
    )
    parser.add_argument("--only", default="burst,spread", help="burst, spread or both (comma-separated)")
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--profile", action="store_true", help="profile bookings in-process instead")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --profile")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    only = set(args.only.split(","))

    env = production_env(f"{args.server}/{args.db}", redis_db=REDIS_DB)
    os.environ.update(env)
    if args.profile:
        os.environ["LOG_REQUESTS"] = "false"  # the request lines would bury the profile
    if args.build:
        import bench_learning

        bench_learning.recreate_database(args.server, args.db)
    import django

    django.setup()
    from django.core.cache import cache

    if args.build:
        cache.clear()
        build()
        return 0

    from django.core.management import call_command
    from django.db import connection

    from bluelamp.events.models import EventSession

    if not DATA_FILE.exists():
        raise SystemExit(f"no {DATA_FILE}: build the database first (--build)")
    data = json.loads(DATA_FILE.read_text())
    session_pk = EventSession.objects.get(uuid=data["session"]).pk
    if args.profile:
        profile(session_pk, data, args.sort, args.top)
        return 0
    call_command("collectstatic", interactive=False, verbosity=0)  # production's manifest storage
    truncate_bare()
    connection.close()

    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC; load {load()}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {args.workers} workers per app; {PEOPLE} requests for {CAPACITY} places",
        flush=True,
    )
    bookings = [booking_request(token, data["session"]) for token in data["people"]]
    gunicorn = ["-c", str(ROOT / "config" / "gunicorn.py")]
    servers: list[Server] = []
    results: list[Result] = []
    try:
        bare = start_server(
            "booking-bare",
            "bench.bare.wsgi:application",
            args.port + 1,
            {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"},
            args.workers,
            gunicorn,
        )
        servers.append(bare)
        app = start_server("booking", "config.wsgi:application", args.port, env, args.workers, gunicorn)
        servers.append(app)

        for run in range(1, args.runs + 1):
            for kind in ("burst", "spread"):
                if kind not in only:
                    continue
                spread = SPREAD_SECONDS if kind == "spread" else None
                how = "at once" if spread is None else f"over {spread:g} s"
                reset(session_pk, clear_cache=True)
                warm_up(app, bare, data, session_pk)
                connection.close()
                result, answers = measure(f"run {run}: Bluelamp {kind} ({how})", app, bookings, spread=spread)
                result.ok, result.checks = check(session_pk, answers)
                results.append(result)
                print(
                    table([result]).splitlines()[-1] + f"  load {load()} {' '.join(result.notes)}", flush=True
                )
                print(verdict(result), flush=True)

                truncate_bare()
                connection.close()
                upserts = [upsert_request(f"booking-{run}-{kind}-{n}") for n in range(PEOPLE)]
                base, _ = measure(f"run {run}: bare upsert {kind} ({how})", bare, upserts, spread=spread)
                results.append(base)
                print(table([base]).splitlines()[-1] + f"  load {load()} {' '.join(base.notes)}", flush=True)
    finally:
        for server in servers:
            server.stop()

    print("\n" + table(results))
    for result in results:
        if "Bluelamp" in result.label:
            print(verdict(result))
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC; load at the end {load()}")
    return 0 if all(r.ok and r.non2xx == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
