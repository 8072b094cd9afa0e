"""Benchmark the exam-start spike (issue 11): 500 learners start the same 20-question quiz within
10 seconds and save a page every 20 seconds, through the real views; p95 < 200 ms for starting and
for saving, and no answer lost.

Builds, in a fresh database (PostgreSQL by default, dropped and re-created; or a SQLite file with
--sqlite), through the services: a force with its licences and training administrator, a bank of
20 questions (multiple choice, true/false, short answer and numerical: one form field each), a
course whose published version holds a quiz of them one to a page with a 40-minute time limit, and
500 learners (bulk_create) enrolled with `enrol_people`.

Each learner is a thread with its own Django test client, signed in (a session in the database,
as after signing in), and does what a browser does, at its own moment within the first 10 s:

- start: the quiz's front page (GET `assessment:quiz_start`), "Start attempt" (POST, redirected
  to the attempt), and the attempt's first page (GET `assessment:quiz_attempt`);
- then every 20 s (± 3 s) it answers the page and saves it: the page's form posted with "Next"
  (POST `assessment:quiz_attempt`, redirected), then the next page (GET); or, with
  `--save-via autosave`, the page's answers posted to `assessment:quiz_attempt_save` as
  attempt.js does every 20 s (then the next page);
- at the end: the summary and "Submit all and finish".

Requests are served by a pool of "server" threads per process, each keeping its database
connection, so a latency includes waiting for a free worker, as behind a real app server. One
Python process serves one request at a time (the GIL); `--processes 2` runs two such processes
(each with half the learners and its own pool), as two app-server workers would on two cores.

Beside it in the same run, the baseline: the same learners, at the same moments, each asking for a
page that does no quiz work (the accessibility statement) through the same middleware, sessions
and pool: what any request costs here.

Afterwards it checks every answer saved against what was sent (none lost, none changed), that
every learner has exactly one attempt, finished and graded.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/quiz_spike.py
    .venv/bin/python bench/quiz_spike.py --processes 2 --workers 8
    .venv/bin/python bench/quiz_spike.py --learners 100 --pages 5          # a quick look
    .venv/bin/python bench/quiz_spike.py --sqlite /tmp/quiz-spike.sqlite3 --processes 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import multiprocessing
import os
import random
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import quiz_statistics as common  # noqa: E402 - the same machine, database and building helpers

TARGET_MS = 200.0
QUESTIONS = 20
CODE = "BENCH-SPIKE"


def spike_contents() -> list:
    """20 questions of the kinds with one form field each, so every save carries an answer."""
    from bluelamp.assessment.formats.questions import Answer, NumericalAnswer
    from bluelamp.assessment.formats.questions import Question as Content

    D = Decimal
    contents = []
    for n in range(1, QUESTIONS + 1):
        kind = n % 4
        if kind == 0:
            contents.append(
                Content(
                    type="multichoice",
                    name=f"S{n} PACE code",
                    text=f"<p>Question {n}: which PACE code covers stop and search?</p>",
                    answers=[
                        Answer("Code A", D(1)),
                        Answer("Code C", D(0)),
                        Answer("Code G", D(0)),
                        Answer("Code E", D(0)),
                    ],
                )
            )
        elif kind == 1:
            contents.append(
                Content(type="truefalse", name=f"S{n} Caution", text=f"Question {n}: true?", correct=True)
            )
        elif kind == 2:
            contents.append(
                Content(
                    type="shortanswer",
                    name=f"S{n} Act",
                    text=f"Question {n}: which Act set up the codes?",
                    answers=[Answer("PACE*", D(1))],
                )
            )
        else:
            contents.append(
                Content(
                    type="numerical",
                    name=f"S{n} Sum",
                    text=f"Question {n}: {n} + {n}?",
                    numerical_answers=[NumericalAnswer(D(2 * n), D(0), D(1))],
                )
            )
    return contents


def field_for(content, slot: int, rng: random.Random) -> tuple[dict[str, str], dict]:
    """The form field posted for a question and the response the server should keep."""
    name = f"q{slot}-answer"
    if content.type == "multichoice":
        index = rng.randrange(len(content.answers))
        return {name: str(index)}, {"answer": index}
    if content.type == "truefalse":
        value = rng.random() < 0.7
        return {name: "true" if value else "false"}, {"answer": value}
    text = (
        rng.choice(["PACE", "pace 1984", "Police Act"])
        if content.type == "shortanswer"
        else str(rng.randrange(60))
    )
    return {name: text}, {"answer": text}


def build(args) -> None:
    from bluelamp.learning.api import enrol_people
    from bluelamp.people.api import Person

    started = time.perf_counter()
    force, admin = common.make_force("spikeshire")
    course, quiz = common.make_quiz(
        force,
        admin,
        spike_contents(),
        code=CODE,
        title="Spike benchmark",
        time_limit=40 * 60,
        questions_per_page=1,
    )
    ids = common.make_learners(force, args.learners, "k")
    ids += common.make_learners(force, args.processes + 1, "w")  # to warm up each process
    enrol_people(actor=admin, course=course, people=list(Person.objects.filter(pk__in=ids)))
    print(
        f"built: quiz of {QUESTIONS}, {len(ids):,} learners enrolled, in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


# --- one process: its learners and its pool of server threads --------------------------------------


def warm_up(person, quiz, contents) -> None:
    """Warm a process as a running server is warm (templates compiled, questions decoded): the
    person takes the quiz through, untimed; they are left out of the checks."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    start_url = reverse("assessment:quiz_start", args=[quiz.uuid])
    client.get("/accessibility/")
    client.get(start_url)
    attempt_url = client.post(start_url)["Location"]
    for page in (1, 2):
        client.get(f"{attempt_url}?page={page}")
        fields, _expected = field_for(contents[page], page, random.Random(0))
        client.post(attempt_url, {"page": str(page), "nav": "next", **fields})
    client.post(attempt_url.rstrip("/") + "/save/", {"page": "3"})
    client.get(attempt_url.rstrip("/") + "/summary/")
    response = client.post(attempt_url.rstrip("/") + "/finish/", {})
    if response.status_code != 302:
        raise SystemExit(f"warming up: finishing answered {response.status_code}")


def run_shard(shard: int, args, learner_ids: list[int], warmer_id: int, ready, started, go, out) -> None:
    """Sign this shard's learners in, wait for `go` (the shared start time), run them, and put
    what happened on `out`."""
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from bluelamp.assessment.quizzes.models import Quiz
    from bluelamp.assessment.quizzes.questions import question_of
    from bluelamp.people.api import Person

    connections.close_all()
    quiz = Quiz.objects.get(course__code=CODE)
    slots = list(quiz.slots.select_related("question__current").order_by("order"))
    contents = {slot.order: question_of(slot.question.current) for slot in slots}
    people = list(Person.objects.filter(pk__in=learner_ids).order_by("pk"))
    clients = []
    for person in people:
        client = Client(raise_request_exception=False)  # a server error is a 500, as a browser sees it
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        clients.append((person, client))
    start_url = reverse("assessment:quiz_start", args=[quiz.uuid])
    baseline_url = "/accessibility/"
    try:
        warm_up(Person.objects.get(pk=warmer_id), quiz, contents)
    except Exception:
        ready.abort()  # the parent stops waiting, and says why
        raise
    connections.close_all()

    lock = threading.Lock()
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    sent: dict[int, dict[int, dict]] = {}
    problems: list[str] = []
    opened = set()

    def record(kind: str, ms: float, spent: float | None = None) -> None:
        with lock:
            times.setdefault(kind, []).append(ms)
            if spent is not None:
                cpu.setdefault(kind, []).append(spent)

    def serve(client, method: str, url: str, data=None, **extra):
        """The request handled on a server thread; with the CPU time that thread spent on it."""
        opened.add(connections["default"])
        began = time.thread_time()
        if method == "get":
            response = client.get(url, **extra)
        else:
            response = client.post(url, data or {}, **extra)
        return response, (time.thread_time() - began) * 1000

    def call(pool, kind, client, method, url, data=None, expect=(200,), also=None, **extra):
        t0 = time.perf_counter()
        response, spent = pool.submit(serve, client, method, url, data, **extra).result()
        elapsed = (time.perf_counter() - t0) * 1000
        record(kind, elapsed, spent)
        if also:
            record(also, elapsed, spent)
        if response.status_code not in expect:
            with lock:
                problems.append(f"{kind} {url}: {response.status_code}")
            raise RuntimeError(f"{kind} answered {response.status_code}")
        return response

    def learner(pool, index: int, person, client, t0: float) -> None:
        try:
            take(pool, person, client, t0)
        except Exception as error:  # noqa: BLE001 - counted: a learner who could not go on
            with lock:
                problems.append(f"learner {person.pk} stopped: {error!r}"[:300])

    def take(pool, person, client, t0: float) -> None:
        rng = random.Random(person.pk)
        offset = rng.uniform(0, args.window)
        time.sleep(max(0.0, t0 + offset - time.time()))
        call(pool, "baseline", client, "get", baseline_url)
        time.sleep(max(0.0, t0 + args.window + 5 + offset - time.time()))
        # Starting: the front page, "Start attempt", the first page.
        call(pool, "start page", client, "get", start_url)
        t_start = time.perf_counter()
        response = call(pool, "start (POST)", client, "post", start_url, expect=(302,))
        attempt_url = response.get("Location", "")
        match = re.search(r"/attempts/([0-9a-f-]{36})/", attempt_url)
        if not match:
            with lock:
                problems.append(f"start gave {attempt_url!r}")
            return
        call(pool, "first page", client, "get", attempt_url)
        record("start (POST + first page)", (time.perf_counter() - t_start) * 1000)
        attempt_uuid = match.group(1)
        page_url = reverse("assessment:quiz_attempt", args=[attempt_uuid])
        save_url = reverse("assessment:quiz_attempt_save", args=[attempt_uuid])
        mine: dict[int, dict] = {}
        pages = min(args.pages, QUESTIONS)
        steady = "save, steady (pages 3 on)"
        for page in range(1, pages + 1):
            time.sleep(max(0.0, args.interval + rng.uniform(-3, 3)))
            fields, expected = field_for(contents[page], page, rng)
            mine[page] = expected
            if args.save_via == "autosave":
                call(
                    pool,
                    "save",
                    client,
                    "post",
                    save_url,
                    {"page": str(page), "seq": str(page), **fields},
                    also=steady if page >= 3 else None,
                    headers={"X-Requested-With": "XMLHttpRequest"},
                )
                data = {"page": str(page), "nav": "next", **fields}
                call(pool, "page change (POST)", client, "post", page_url, data, expect=(302,))
            else:
                data = {"page": str(page), "nav": "next", "seq": "0", **fields}
                call(
                    pool,
                    "save",
                    client,
                    "post",
                    page_url,
                    data,
                    expect=(302,),
                    also=steady if page >= 3 else None,
                )
            if page < pages:
                call(pool, "next page", client, "get", f"{page_url}?page={page + 1}")
        # Hand it in: the summary, then "Submit all and finish".
        summary_url = reverse("assessment:quiz_attempt_summary", args=[attempt_uuid])
        call(pool, "summary", client, "get", summary_url)
        finish_url = reverse("assessment:quiz_attempt_finish", args=[attempt_uuid])
        call(pool, "finish (POST)", client, "post", finish_url, {"confirm": "yes"}, expect=(302,))
        with lock:
            sent[person.pk] = mine

    with ThreadPoolExecutor(max_workers=args.workers, thread_name_prefix=f"server{shard}") as pool:
        list(pool.map(lambda _: connections["default"].ensure_connection(), range(args.workers * 4)))
        ready.wait()
        started.wait()
        t0 = go.value
        threads = [
            threading.Thread(target=learner, args=(pool, n, person, client, t0), daemon=True)
            for n, (person, client) in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for wrapper in opened:
        wrapper.inc_thread_sharing()
        wrapper.close()
        wrapper.dec_thread_sharing()
    out.put(
        {
            "times": times,
            "cpu": cpu,
            "sent": {str(k): {str(p): v for p, v in d.items()} for k, d in sent.items()},
            "problems": problems,
        }
    )


# --- checking what was kept ----------------------------------------------------------------------


def check_answers(sent: dict[str, dict[str, dict]]) -> tuple[int, int, list[str]]:
    """(answers checked, answers lost or changed, problems) against the database."""
    from bluelamp.assessment.quizzes.models import Attempt, AttemptQuestion

    problems = []
    stored: dict[tuple[int, int], dict] = {}
    rows = AttemptQuestion.objects.filter(attempt__quiz__course__code=CODE).values_list(
        "attempt__person_id", "slot_number", "response"
    )
    for person_id, slot, response in rows:
        stored[(person_id, slot)] = response
    checked = lost = 0
    for person, answers in sent.items():
        for slot, expected in answers.items():
            checked += 1
            got = stored.get((int(person), int(slot)))
            if got != expected:
                lost += 1
                if len(problems) < 10:
                    problems.append(f"learner {person}, question {slot}: sent {expected}, kept {got}")
    attempts = Attempt.objects.filter(quiz__course__code=CODE)
    per_person = {}
    for person_id, state, grade in attempts.values_list("person_id", "state", "grade"):
        per_person.setdefault(person_id, []).append((state, grade))
    for person in sent:
        mine = per_person.get(int(person), [])
        if len(mine) != 1:
            problems.append(f"learner {person} has {len(mine)} attempts")
        elif mine[0][0] != "finished" or mine[0][1] is None:
            problems.append(f"learner {person}'s attempt is {mine[0][0]}, grade {mine[0][1]}")
    return checked, lost, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bluelamp_bench_quiz_spike", help="PostgreSQL database to (re)create")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--sqlite", default="", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--window", type=float, default=10.0, help="seconds over which they start")
    parser.add_argument("--interval", type=float, default=20.0, help="seconds between a learner's saves")
    parser.add_argument("--pages", type=int, default=QUESTIONS, help="pages each learner saves (1-20)")
    parser.add_argument("--processes", type=int, default=2, help="server processes (learners shared out)")
    parser.add_argument("--workers", type=int, default=8, help="server threads per process")
    parser.add_argument("--save-via", choices=("page", "autosave"), default="page")
    parser.add_argument(
        "--sqlite-deferred",
        action="store_true",
        help="SQLite: begin transactions DEFERRED (SQLite's default) instead of the settings' IMMEDIATE, "
        "to see the fault that IMMEDIATE fixed",
    )
    args = parser.parse_args()

    if args.sqlite:
        if os.path.exists(args.sqlite):
            os.remove(args.sqlite)
        os.environ["DATABASE_URL"] = f"sqlite:///{os.path.abspath(args.sqlite)}"
    else:
        common.recreate_database(args.server, args.db)
        os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ["CONN_MAX_AGE"] = "600"
    os.environ.pop("BLUELAMP_TESTING", None)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    settings.ALLOWED_HOSTS = ["*"]
    settings.MEDIA_ROOT = str(Path(tempfile.gettempdir()) / "bluelamp-bench-quiz-media")
    if args.sqlite and args.sqlite_deferred:
        connections["default"].close()
        connections["default"].settings_dict["OPTIONS"]["transaction_mode"] = "DEFERRED"
    logging.getLogger("axes").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)

    from bluelamp.people.api import Person

    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {common.machine()}; {connection.vendor}; {common.load()}"
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.0f} s", flush=True)
    build(args)
    ids = list(
        Person.objects.filter(staff_number__startswith="K").order_by("pk").values_list("pk", flat=True)
    )
    warmers = list(
        Person.objects.filter(staff_number__startswith="W").order_by("pk").values_list("pk", flat=True)
    )
    # The first learner to finish makes the quiz's gradebook item: one learner first, here, so the
    # processes' warm-ups do not race to make it (see docs/performance.md: the sink's race).
    from bluelamp.assessment.quizzes.models import Quiz
    from bluelamp.assessment.quizzes.questions import question_of

    quiz = Quiz.objects.get(course__code=CODE)
    contents = {
        s.order: question_of(s.question.current) for s in quiz.slots.select_related("question__current")
    }
    warm_up(Person.objects.get(pk=warmers.pop()), quiz, contents)
    connections.close_all()

    context = multiprocessing.get_context("fork")
    ready = context.Barrier(args.processes + 1)
    started = context.Event()
    go = context.Value("d", 0.0)
    out = context.Queue()
    shards = [ids[n :: args.processes] for n in range(args.processes)]
    processes = [
        context.Process(target=run_shard, args=(n, args, shard, warmers[n], ready, started, go, out))
        for n, shard in enumerate(shards)
    ]
    for process in processes:
        process.start()
    try:
        ready.wait()  # every learner signed in, every pool connected
    except threading.BrokenBarrierError:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
        print("A server process failed while warming up (its traceback is above).")
        return 1
    go.value = time.time() + 2
    started.set()
    print(
        f"\n{len(ids):,} learners in {args.processes} process(es) × {args.workers} server threads; "
        f"baseline first, then starts within {args.window:g} s and a save every {args.interval:g} s "
        f"({args.pages} pages, via {args.save_via}); {common.load()}",
        flush=True,
    )
    began = time.perf_counter()
    results = [out.get() for _ in processes]
    for process in processes:
        process.join()
    wall = time.perf_counter() - began

    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    sent: dict[str, dict[str, dict]] = {}
    problems: list[str] = []
    for result in results:
        for kind, values in result["times"].items():
            times.setdefault(kind, []).extend(values)
        for kind, values in result["cpu"].items():
            cpu.setdefault(kind, []).extend(values)
        sent.update(result["sent"])
        problems += result["problems"]
    checked, lost, kept_problems = check_answers(sent)

    order = [
        "baseline",
        "start page",
        "start (POST)",
        "first page",
        "start (POST + first page)",
        "save",
        "save, steady (pages 3 on)",
        "page change (POST)",
        "next page",
        "summary",
        "finish (POST)",
    ]

    def mean_cpu(kind: str) -> float:
        values = cpu.get(kind) or [0.0]
        return sum(values) / len(values)

    cpu["start (POST + first page)"] = [mean_cpu("start (POST)") + mean_cpu("first page")]
    print("\n| request | n | p50 ms | p95 ms | max ms | CPU ms each (mean) |\n|---|---|---|---|---|---|")
    for kind in order:
        values = times.get(kind)
        if values:
            print(
                f"| {kind} | {len(values):,} | {common.pystats.median(values):.0f} | "
                f"{common.percentile(values, 0.95):.0f} | {max(values):.0f} | {mean_cpu(kind):.1f} |"
            )
    starting = mean_cpu("start page") + mean_cpu("start (POST + first page)")
    print(
        f"\nCPU of a server thread (the request handled, in this process): starting (front page, "
        f"POST, first page) {starting:.0f} ms a learner, so {len(ids):,} learners within "
        f"{args.window:g} s need {len(ids) * starting / 1000 / args.window:.1f} cores for that alone; "
        f"a save and the next page {mean_cpu('save') + mean_cpu('next page'):.0f} ms, every "
        f"{args.interval:g} s: {len(ids) * (mean_cpu('save') + mean_cpu('next page')) / 1000 / args.interval:.1f} cores."
    )
    requests = sum(len(v) for v in times.values())
    print(f"\n{requests:,} requests in {wall:.0f} s; {common.load()}")
    print(
        f"learners who finished: {len(sent):,} of {len(ids):,}; answers checked: {checked:,}; "
        f"lost or changed: {lost}; requests refused or failed: {len(problems)}"
    )
    for problem in (problems + kept_problems)[:20]:
        print(f"  problem: {problem}")
    missed = []
    for kind in ("start (POST + first page)", "save"):
        values = times.get(kind) or [float("inf")]
        if common.percentile(values, 0.95) >= TARGET_MS:
            missed.append(kind)
    if lost or problems or kept_problems or len(sent) < len(ids):
        missed.append("answers kept")
    if missed:
        print(f"\nTargets missed: {', '.join(missed)}")
        return 1
    print("\nEvery target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
