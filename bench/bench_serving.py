"""Bluelamp through its production app server, side by side with a bare Django app, in one run.

Starts gunicorn with config/gunicorn.py and production settings (DEBUG off, JSON logs, Redis
cache, PostgreSQL with persistent connections) against a benchmark database, and a bare Django
5.2 app (bench/bare/: a trivial view, and JSON parse + one upsert) with the same number of
workers; then drives each with wrk (Debian's, another process) at a fixed number of connections
and prints requests/s, p50/p95/p99 and the app server's CPU per request, with the ratios to the
bare app measured in the same run.

    # build the database (organisations, 300 courses, a learner with 300 enrolments, 200 SCORM
    # learners), then measure everything:
    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/bench_serving.py --build
    .venv/bin/python bench/bench_serving.py                       # the same data again
    .venv/bin/python bench/bench_serving.py --only commits --duration 20
    .venv/bin/python bench/bench_serving.py --only desk --desk-db bluelamp_bench_desk

Scenarios (--only, comma-separated): floor (the accessibility statement: every page's fixed
cost), catalogue, my-learning (300 enrolments), course (a course page), commits (SCORM commits
of 200 learners, each connection sending the next learner's next commit), paced (200 learners
each committing every 2 s, latency under that load), desk (the service desk queue, needs the
database of bench/bench_desk.py), compliance (the Met's compliance dashboard, needs the database
of bench/bench_compliance.py). Baselines always run: bare-trivial and bare-upsert.

After the commit runs every learner's attempt is checked: stored commits == its session's last
sequence number (none lost, none counted twice).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

HOST = "learn.example"
ORIGIN = f"https://{HOST}"
PAGE_TARGET_RPS = 400
PAGE_TARGET_P95 = 100.0
COMMIT_TARGET_RATIO = 1 / 3
PACED_TARGET_P95 = 50.0


def production_env(database_url: str, redis_db: int) -> dict[str, str]:
    """The environment of a production app server (and of this process, which makes sessions).
    Each benchmark database has its own keys in the shared cache (which holds people, roles and
    organisations by id: two databases must never share them)."""
    return {
        "BLUELAMP_ENV": "production",
        "SECRET_KEY": "bench-serving-" + "k" * 50,
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": ORIGIN,
        "SCORM_CONTENT_ORIGIN": "https://learn-content.example",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CACHE_KEY_PREFIX": "bench-" + database_url.rsplit("/", 1)[-1],
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLE": "false",
        "LOG_LEVEL": "INFO",  # as in production: a JSON line for every request (to the server's log file)
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "bench-serving-static"),
        "GUNICORN_MAX_REQUESTS": "0",  # no worker replaced during a run (its CPU time would be lost)
    }


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} {five:.1f} {fifteen:.1f}"


# --- processes ------------------------------------------------------------------------------------


@dataclass
class Server:
    label: str
    process: subprocess.Popen
    port: int
    log: Path

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def memory_mb(self) -> list[tuple[float, float]]:
        """(RSS, PSS) of each worker: PSS shares the pages forked from the master (preload_app)
        out among the processes that use them, so it is what one more worker costs."""
        sizes = []
        for pid in self.workers():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except FileNotFoundError:
                continue
            rss = re.search(r"^Rss:\s+(\d+) kB", rollup, re.M)
            pss = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
            if rss and pss:
                sizes.append((int(rss.group(1)) / 1024, int(pss.group(1)) / 1024))
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_server(
    label: str, app: str, port: int, env: dict[str, str], workers: int, extra: list[str]
) -> Server:
    log = Path(tempfile.gettempdir()) / f"bench-serving-{label}.log"
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), *extra, "--chdir", str(ROOT), app],
        env={**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{label} did not start: see {log}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/health/live", headers={"Host": HOST})
            urllib.request.urlopen(request, timeout=2)  # noqa: S310 - our own loopback server
            break
        except urllib.error.HTTPError:
            break  # it answers (the bare app has no /health/live)
        except OSError:
            time.sleep(0.3)
    return Server(label, process, port, log)


@dataclass
class Result:
    label: str
    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    non2xx: int
    errors: int
    cpu_ms: float
    notes: list[str] = field(default_factory=list)
    stale: int = 0  # commits acknowledged as out of date (a later one of the same learner came first)
    db_cpu_ms: float = 0.0  # PostgreSQL's CPU per request (every postgres process)
    cache_cpu_ms: float = 0.0  # Redis's


def run_wrk(
    label: str,
    server: Server,
    path: str,
    *,
    connections: int,
    duration: int,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    script_env: dict[str, str] | None = None,
    method: str = "GET",
    body: str | None = None,
    warm_up: bool = True,
) -> Result:
    env = {
        **os.environ,
        "BENCH_REPORT": str(ROOT / "bench" / "wrk" / "report.lua"),
        "BENCH_THREADS": str(threads),
    }
    env.update(script_env or {})
    lua = script or ROOT / "bench" / "wrk" / "report.lua"
    if body is not None:
        # A fixed body: a small script of our own, with the report line.
        fixed = Path(tempfile.gettempdir()) / f"bench-serving-{label}.lua"
        fixed.write_text(
            f"dofile(os.getenv('BENCH_REPORT'))\nwrk.method = {json.dumps(method)}\nwrk.body = {json.dumps(body)}\n"
        )
        lua = fixed
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "-s",
        str(lua),
        "--timeout",
        "10s",
    ]
    for name, value in {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{server.port}{path}")
    # Warm up (each worker loads its templates and connects), then measure.
    if warm_up:
        subprocess.run([*command[:6], "2s", *command[7:]], env=env, capture_output=True, check=False)
    cpu_before, others_before = server.cpu_seconds(), services_cpu_seconds()
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    cpu = server.cpu_seconds() - cpu_before
    others = {
        name: seconds - others_before.get(name, 0.0) for name, seconds in services_cpu_seconds().items()
    }
    line = next((x for x in output.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result for {label}:\n{output.stdout}\n{output.stderr}")
    values = dict(item.split("=") for item in line.split()[1:])
    bad = next((x[4:] for x in output.stdout.splitlines() if x.startswith("BAD ")), None)
    requests = int(values["requests"])
    errors = sum(int(values[k]) for k in ("connect", "read", "write", "timeout"))
    return Result(
        label,
        float(values["rps"]),
        float(values["p50"]),
        float(values["p95"]),
        float(values["p99"]),
        requests,
        int(values["non2xx"]),
        errors,
        cpu * 1000 / max(requests, 1),
        [f"first answer not 2xx: {bad}"] if bad else [],
        int(values.get("stale", 0)),
        others.get("postgres", 0.0) * 1000 / max(requests, 1),
        others.get("redis", 0.0) * 1000 / max(requests, 1),
    )


def services_cpu_seconds() -> dict[str, float]:
    """User + system CPU seconds so far of every PostgreSQL and Redis process on this machine (the
    benchmark's are the only busy ones): what a request costs them, beside the app server's."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        service = "postgres" if name.startswith("postgres") else "redis" if name.startswith("redis") else None
        if service:
            fields = stat.rsplit(")", 1)[1].split()
            totals[service] = totals.get(service, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return totals


# --- paced commits: 200 learners, each every 2 s ---------------------------------------------------


def commit_body(session: str, n: int) -> dict:
    """A learner's n-th SCORM 1.2 commit: a bookmark, the session time and suspend data (what
    bench/wrk/commit.lua sends)."""
    return {
        "session": session,
        "sequence": n,
        "terminate": False,
        "cmi": {
            "core": {
                "lesson_location": f"page-{n}",
                "lesson_status": "incomplete",
                "session_time": f"00:00:{n % 60:02d}",
                "exit": "suspend",
            },
            "suspend_data": f"screen-{n};answers=a,b,c,d",
        },
    }


async def _paced_learner(
    port: int, learner: tuple[str, str, str], every: float, count: int, start: float, out: list
):
    cookie, path, session = learner
    await asyncio.sleep(start)
    for n in range(1, count + 1):
        body = json.dumps(commit_body(session, n)).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\nOrigin: {ORIGIN}\r\n"
            f"Cookie: {cookie}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        began = time.perf_counter()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head + body)
        await writer.drain()
        answer = await reader.read()
        writer.close()
        elapsed = (time.perf_counter() - began) * 1000
        status = int(answer.split(b" ", 2)[1]) if answer else 0
        out.append((elapsed, status))
        await asyncio.sleep(max(0.0, every - elapsed / 1000))


def run_paced(server: Server, learners: list[tuple[str, str, str]], every: float, count: int) -> Result:
    out: list[tuple[float, int]] = []

    async def everyone():
        await asyncio.gather(
            *(
                _paced_learner(server.port, learner, every, count, every * n / len(learners), out)
                for n, learner in enumerate(learners)
            )
        )

    cpu_before, others_before = server.cpu_seconds(), services_cpu_seconds()
    began = time.perf_counter()
    asyncio.run(everyone())
    wall = time.perf_counter() - began
    cpu = server.cpu_seconds() - cpu_before
    others = {
        name: seconds - others_before.get(name, 0.0) for name, seconds in services_cpu_seconds().items()
    }
    times = sorted(t for t, _ in out)

    def pct(share: float) -> float:
        return times[min(len(times) - 1, round(share * (len(times) - 1)))]

    bad = sum(1 for _, status in out if status != 200)
    return Result(
        f"paced: {len(learners)} learners, one commit each every {every:g} s",
        len(out) / wall,
        pct(0.5),
        pct(0.95),
        pct(0.99),
        len(out),
        bad,
        0,
        cpu * 1000 / max(len(out), 1),
        db_cpu_ms=others.get("postgres", 0.0) * 1000 / max(len(out), 1),
        cache_cpu_ms=others.get("redis", 0.0) * 1000 / max(len(out), 1),
    )


# --- data -------------------------------------------------------------------------------------------


def build() -> None:
    import bench_learning
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    national, forces = bench_learning.make_organisations()
    scorm = bench_learning.make_scorm_course(national)
    courses = bench_learning.make_page_courses(national, bench_learning.HEAVY_COURSES)
    bench_learning.make_heavy_learner(forces[0], courses)
    bench_learning.make_commit_learners(forces, scorm, 200)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def session_cookie(person) -> str:
    """A session for `person`, signed in with a password and a second factor just now (as allauth
    records it; administrators need both): bench_compliance's sign-in, as a cookie for wrk."""
    from bench_compliance import sign_in
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={sign_in(person).session.session_key}"


def other_database_cookie(env: dict[str, str], email: str) -> str:
    """A signed-in session for `email` in another benchmark's database (a process of its own, as
    Django's connection is configured once)."""
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/bench']; import django; django.setup(); "
        "import bench_serving; from bluelamp.people.api import Person; "
        "print(bench_serving.session_cookie(Person.objects.get(email=sys.argv[2])))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), email],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return output.stdout.strip().splitlines()[-1]


def commit_learners(count: int) -> list[tuple[str, str, str]]:
    """A new SCORM session for each of `count` learners: (cookie, commit path, session uuid)."""
    from django.urls import reverse

    from bluelamp.learning.models import Course, Enrolment
    from bluelamp.learning.progress import sco_launch

    course = Course.objects.get(code="SAS-01")
    activity = course.current_version.activities.get()
    sco = activity.scorm_package.scos.get()
    rows = []
    enrolments = Enrolment.objects.filter(course=course).select_related("person").order_by("pk")[:count]
    for enrolment in enrolments:
        launch = sco_launch(enrolment=enrolment, activity=activity, sco=sco)
        rows.append(
            (
                session_cookie(enrolment.person),
                reverse("learning:sco_commit", args=[launch.session.uuid]),
                str(launch.session.uuid),
            )
        )
    return rows


def check_commits(sessions: list[str], before: dict[int, int]) -> str:
    """Every learner's stored commits since `before` equal its session's last sequence number:
    sequence numbers were sent 1, 2, 3... so a gap is a commit lost, an excess one counted twice."""
    from bluelamp.learning.models import ScoSession

    lost = doubled = stored_in_all = 0
    for session in ScoSession.objects.filter(uuid__in=sessions).select_related("attempt"):
        stored = session.attempt.commits - before.get(session.attempt_id, 0)
        stored_in_all += stored
        if stored < session.last_sequence:
            lost += 1
        elif stored > session.last_sequence:
            doubled += 1
    return (
        f"{stored_in_all:,} commits stored; {len(sessions)} learners checked: {lost} with fewer stored than "
        f"their last sequence number (a commit lost, or acknowledged as out of date), {doubled} with one "
        "counted twice"
    )


def attempts_commits(sessions: list[str]) -> dict[int, int]:
    from bluelamp.learning.models import ScoSession

    return dict(ScoSession.objects.filter(uuid__in=sessions).values_list("attempt_id", "attempt__commits"))


# --- main ---------------------------------------------------------------------------------------------


def table(results: list[Result], baseline: dict[str, Result]) -> str:
    lines = [
        "| what | req/s | p50 ms | p95 ms | p99 ms | app CPU ms/req | PostgreSQL, Redis CPU ms/req"
        " | requests | non-2xx | vs bare |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        base = baseline.get(r.label)
        ratio = f"{r.rps / base.rps:.2f}" if base else ""
        lines.append(
            f"| {r.label} | {r.rps:,.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | {r.cpu_ms:.1f} | "
            f"{r.db_cpu_ms:.2f}, {r.cache_cpu_ms:.2f} | {r.requests:,} | {r.non2xx + r.errors} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="bluelamp_bench_serving")
    parser.add_argument("--desk-db", default="bluelamp_bench_desk")
    parser.add_argument("--compliance-db", default="bluelamp_bench_compliance")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--build", action="store_true", help="(re)create the database first")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="app-server worker processes (each app; default, as config/gunicorn.py: one per core)",
    )
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--only", default="floor,catalogue,my-learning,course,commits,paced")
    parser.add_argument("--paced-every", type=float, default=2.0)
    parser.add_argument("--paced-commits", type=int, default=10)
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument(
        "--server-side-binding", action="store_true", help="psycopg server-side binding, both apps"
    )
    args = parser.parse_args()
    only = set(args.only.split(","))

    database_url = f"{args.server}/{args.db}"
    env = production_env(database_url, redis_db=5)
    if args.server_side_binding:
        env["DATABASE_SERVER_SIDE_BINDING"] = "true"
        env["BENCH_SERVER_SIDE_BINDING"] = "1"
    os.environ.update(env)
    if args.build:
        import bench_learning

        bench_learning.recreate_database(args.server, args.db)
    import django

    django.setup()
    from django.db import connection

    if args.build:
        build()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # production's manifest storage
    from django.core.cache import cache

    cache.clear()  # nothing cached from an earlier run (or an earlier build of these databases)

    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load {load()}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {args.workers} workers per app; {args.connections} connections; "
        f"{args.duration} s per run",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_commit (learner text PRIMARY KEY, sequence int, data jsonb)"
        )
        cursor.execute("TRUNCATE bench_bare_commit")

    from bluelamp.learning.models import Course
    from bluelamp.people.api import Person

    heavy = Person.objects.get(email="heavy@force-00.police.uk")
    heavy_cookie = session_cookie(heavy)
    course = Course.objects.get(code="NC-007")
    pages = {
        "floor": "/accessibility/",
        "catalogue": "/learning/courses/",
        "my-learning": "/learning/",
        "course": f"/learning/courses/{course.uuid}/",
    }
    learners = commit_learners(200) if only & {"commits", "paced"} else []
    connection.close()

    servers = []
    results: list[Result] = []
    baseline: dict[str, Result] = {}
    try:
        gunicorn = ["-c", str(ROOT / "config" / "gunicorn.py")]
        bare = start_server(
            "bare",
            "bench.bare.wsgi:application",
            args.port + 1,
            {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"},
            args.workers,
            ["-c", str(ROOT / "config" / "gunicorn.py")],
        )
        servers.append(bare)
        app = start_server(
            "bluelamp",
            "config.wsgi:application",
            args.port,
            env,
            args.workers,
            ["-c", str(ROOT / "config" / "gunicorn.py")],
        )
        servers.append(app)
        common = {"connections": args.connections, "duration": args.duration}

        trivial = run_wrk("bare: trivial view", bare, "/trivial", **common)
        results.append(trivial)
        print(table([trivial], {}), flush=True)
        for name, path in pages.items():
            if name not in only:
                continue
            result = run_wrk(f"{name} ({path})", app, path, headers={"Cookie": heavy_cookie}, **common)
            baseline[result.label] = trivial
            results.append(result)
            print(
                table([result], baseline).splitlines()[-1] + f"  load {load()} {' '.join(result.notes)}",
                flush=True,
            )

        for name, database, email, path in (
            ("desk", args.desk_db, "staff0@national.example", "/service-desk/queue/"),
            ("compliance", args.compliance_db, "bench.met.admin@metropolitan.example", "/compliance/"),
        ):
            if name not in only:
                continue
            other_env = {**env, **production_env(f"{args.server}/{database}", redis_db=5)}
            cookie = other_database_cookie(other_env, email)
            other = start_server(
                name, "config.wsgi:application", args.port + 2, other_env, args.workers, gunicorn
            )
            servers.append(other)
            try:
                result = run_wrk(
                    f"{name} ({path}, {database})", other, path, headers={"Cookie": cookie}, **common
                )
            finally:
                other.stop()
            baseline[result.label] = trivial
            results.append(result)
            print(
                table([result], baseline).splitlines()[-1] + f"  load {load()} {' '.join(result.notes)}",
                flush=True,
            )

        if "commits" in only:
            learners_file = Path(tempfile.gettempdir()) / "bench-serving-learners.txt"
            learners_file.write_text("".join(f"{c} {p} {s}\n" for c, p, s in learners))
            learners_env = {"BENCH_LEARNERS": str(learners_file), "BENCH_ORIGIN": ORIGIN}
            # The same requests as the commits below (the bare app ignores the cookie and upserts
            # the row of the body's session).
            upsert = run_wrk(
                "bare: JSON parse + one upsert",
                bare,
                "/upsert",
                script=ROOT / "bench" / "wrk" / "commit.lua",
                script_env={**learners_env, "BENCH_PATH": "/upsert"},
                warm_up=False,  # each learner's sequence starts at 1 once (the table was emptied)
                **common,
            )
            results.append(upsert)
            print(table([upsert], {}).splitlines()[-1], flush=True)
            import django.db

            django.db.connections.close_all()
            sessions = [s for _, _, s in learners]
            before = attempts_commits(sessions)
            commits = run_wrk(
                f"SCORM commits, {len(learners)} learners in turn",
                app,
                learners[0][1],
                script=ROOT / "bench" / "wrk" / "commit.lua",
                script_env=learners_env,
                warm_up=False,  # the pages warmed the workers; each learner's sequence starts at 1 once
                **common,
            )
            commits.notes.append(check_commits(sessions, before))
            commits.notes.append(f"{commits.stale} acknowledged as out of date (a later one got there first)")
            baseline[commits.label] = upsert
            results.append(commits)
            print(
                table([commits], baseline).splitlines()[-1] + f"  load {load()}; {commits.notes[0]}",
                flush=True,
            )

        if "paced" in only:
            fresh = commit_learners(200)
            django.db.connections.close_all()
            fresh_sessions = [s for _, _, s in fresh]
            before_paced = attempts_commits(fresh_sessions)
            django.db.connections.close_all()
            paced = run_paced(app, fresh, args.paced_every, args.paced_commits)
            paced.notes.append(check_commits(fresh_sessions, before_paced))
            results.append(paced)
            print(table([paced], {}).splitlines()[-1] + f"  load {load()}; {paced.notes[0]}", flush=True)

        for server in (app, bare):
            sizes = ", ".join(f"RSS {rss:.0f} MB / PSS {pss:.0f} MB" for rss, pss in server.memory_mb())
            print(f"memory per {server.label} worker after the runs: {sizes}")
    finally:
        for server in servers:
            server.stop()

    print("\n" + table(results, baseline))
    print(f"load at the end {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
