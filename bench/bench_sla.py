"""Benchmark SLA due-time computation in-process (target: at least 100,000 per second).

Computes `sla_targets(priority, logged_at[, pauses])` for a seeded mix of tickets logged at any
time of day or week across 2024–2028 (so evenings, weekends, bank holidays and clock changes
all occur), through the same code the desk and `bluelamp sla-targets` use:

  (a) no pauses, the desk's own calendar (`default_calendar()`, cached after one database read);
  (b) no pauses, a `Calendar` passed in;
  (c) a realistic mix: 30% of tickets have one to three pauses awaiting the customer, 5% of them
      still open;
  (d) `add_working_time` alone (one due time per call).

    .venv/bin/python bench/bench_sla.py                 # 200,000 tickets, best of 5 rounds
    .venv/bin/python bench/bench_sla.py --tickets 50000 --rounds 3

The database is an in-memory SQLite one holding only the extra-closures table (with one closure),
so the benchmark needs no server and measures no I/O: the desk reads that table once and caches it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bluelamp.servicedesk.api import sla_targets  # noqa: E402
from bluelamp.workingtime.api import Calendar, ExtraClosure, add_working_time, default_calendar  # noqa: E402

UTC = dt.UTC
START = dt.datetime(2024, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((dt.datetime(2029, 1, 1, tzinfo=UTC) - START).total_seconds())
PRIORITIES = ["P1", "P2", "P3", "P4"]


def tickets(n: int, seed: int, pause_share: float):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        logged = START + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS), microseconds=rng.randrange(10**6))
        pauses = []
        if rng.random() < pause_share:
            at = logged
            for _ in range(rng.randint(1, 3)):
                at = at + dt.timedelta(hours=rng.uniform(0.5, 72))
                end = at + dt.timedelta(hours=rng.uniform(0.25, 120))
                pauses.append((at, None if rng.random() < 0.05 else end))
                at = end
        out.append((rng.choice(PRIORITIES), logged, tuple(pauses)))
    return out


def rate(label: str, fn, work, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        fn(work)
        best = min(best, time.perf_counter() - started)
    per_second = len(work) / best
    print(f"{label:62} {per_second:>12,.0f} /s  ({best * 1e6 / len(work):.2f} µs each)")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    # Only the closures table: its link to people is not checked (there are no people here).
    with connection.schema_editor() as editor:
        editor.create_model(ExtraClosure)
    connection.disable_constraint_checking()
    ExtraClosure.objects.create(date=dt.date(2027, 6, 7), reason="Benchmark closure")

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU(s)")
    print(f"{args.tickets:,} tickets per round, best of {args.rounds} rounds\n")

    plain = tickets(args.tickets, args.seed, pause_share=0.0)
    mixed = tickets(args.tickets, args.seed + 1, pause_share=0.3)
    calendar = Calendar(extra_closures=default_calendar().extra_closures)
    # Warm both calendars' tables over the whole span, as a long-running desk process would be.
    for cal in (calendar, default_calendar()):
        for _, logged, pauses in plain[:1000] + mixed[:1000]:
            sla_targets("P3", logged, pauses, calendar=cal)

    def default_plain(work):
        for priority, logged, _ in work:
            sla_targets(priority, logged)

    def explicit_plain(work):
        for priority, logged, _ in work:
            sla_targets(priority, logged, calendar=calendar)

    def default_mixed(work):
        for priority, logged, pauses in work:
            sla_targets(priority, logged, pauses)

    four_hours = dt.timedelta(hours=4)

    def add_only(work):
        for _, logged, _ in work:
            add_working_time(logged, four_hours)

    results = [
        rate("(a) sla_targets, no pauses, default_calendar()", default_plain, plain, args.rounds),
        rate("(b) sla_targets, no pauses, Calendar passed in", explicit_plain, plain, args.rounds),
        rate("(c) sla_targets, 30% with pauses, default_calendar()", default_mixed, mixed, args.rounds),
        rate("(d) add_working_time alone, default_calendar()", add_only, plain, args.rounds),
    ]
    target = 100_000
    worst = min(results[:3])
    print(
        f"\nslowest sla_targets case: {worst:,.0f} per second; target {target:,}: {'met' if worst >= target else 'NOT met'}"
    )
    sys.exit(0 if worst >= target else 1)


if __name__ == "__main__":
    main()
