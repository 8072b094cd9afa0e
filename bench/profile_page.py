"""Where one page's time goes: cProfile over N requests through Django's handler, and its queries.

Runs in this process with the production settings of bench/bench_serving.py (DEBUG off, Redis
cache, persistent connection) against its database; signs in as the given person and asks for
the page N times after warm-ups, then prints the queries of one request (with how many times each
statement ran) and the functions that took the most time.

    .venv/bin/python bench/profile_page.py /learning/ --as heavy@force-00.police.uk
    .venv/bin/python bench/profile_page.py /accessibility/ --runs 500 --sort tottime
    .venv/bin/python bench/profile_page.py /servicedesk/queue/ --db bluelamp_bench_desk --as adviser1@desk.example
    .venv/bin/python bench/profile_page.py commits --sort tottime     # SCORM commits of 200 learners in turn
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", help='a page, or "commits" for SCORM commits (as bench_serving sends them)')
    parser.add_argument("--as", dest="email", default="heavy@force-00.police.uk")
    parser.add_argument("--db", default="bluelamp_bench_serving")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--method", default="GET")
    parser.add_argument(
        "--only", help="list only functions whose file:line(name) matches this regular expression"
    )
    args = parser.parse_args()

    from bench_serving import HOST, production_env

    os.environ.update(production_env(f"{args.server}/{args.db}", redis_db=5))
    os.environ["LOG_REQUESTS"] = (
        "false"  # the request lines would bury the profile (their cost is in bench_serving)
    )
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    cache.clear()  # nothing cached from an earlier run (or an earlier build of the database)

    from bluelamp.people.api import Person

    person = Person.objects.get(email=args.email)
    from bench_serving import session_cookie

    if args.path == "commits":
        ask = _commits()
    else:
        client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
        client.cookies.load(session_cookie(person))  # signed in with a second factor, as administrators must

        def ask():
            return client.get(args.path)

    for _ in range(5):
        response = ask()
    if response.status_code != 200:
        raise SystemExit(f"{args.path}: {response.status_code}")

    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        ask()
    counted = collections.Counter(statements)
    print(f"{args.path}: {len(response.content) // 1024} KiB, {len(statements)} queries")
    for sql, times in counted.most_common():
        print(f"  {times:>3} × {sql[:180]}")

    started = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        ask()
    profile.disable()
    elapsed = (time.perf_counter() - started) * 1000 / args.runs
    print(f"\n{elapsed:.2f} ms a request under the profiler ({args.runs} runs)")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(
        *([args.only] if args.only else []), args.top
    )
    print(out.getvalue())
    started = time.perf_counter()
    for _ in range(args.runs):
        ask()
    print(f"{(time.perf_counter() - started) * 1000 / args.runs:.2f} ms a request without the profiler")
    return 0


def _commits():
    """A function sending the next SCORM commit of 200 learners in turn, each with its own
    session cookie and rising sequence numbers (the body bench/wrk/commit.lua sends)."""
    import itertools
    import json
    from http.cookies import SimpleCookie

    from bench_serving import HOST, ORIGIN, commit_body, commit_learners
    from django.test import Client

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https", HTTP_ORIGIN=ORIGIN)
    learners = [
        (SimpleCookie(cookie), path, session, itertools.count(1))
        for cookie, path, session in commit_learners(200)
    ]
    turn = itertools.cycle(learners)

    def ask():
        cookies, path, session, sequence = next(turn)
        client.cookies = cookies
        n = next(sequence)
        return client.post(path, json.dumps(commit_body(session, n)), content_type="application/json")

    return ask


if __name__ == "__main__":
    sys.exit(main())
