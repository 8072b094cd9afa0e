"""Benchmark the HR import at national scale on PostgreSQL.

Creates a fresh database (dropping any of the same name), migrates it, creates the national body
and the 43 forces, then times, through the real `run_import` (or, with --via cli, the
`bluelamp import-people` command in a subprocess):

  (a) the first import of every organisation's file (236,000 people by default);
  (b) the same files again, unchanged;
  (c) the files with about 1% of rows changed (job role, unit, surname or leaver/rejoiner).

    .venv/bin/python bench/generate_national.py
    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/bench_import.py
    .venv/bin/python bench/bench_import.py --only metropolitan --via cli   # the largest file alone
    .venv/bin/python bench/bench_import.py --data bench/out/combined       # everyone in one file

The database is left in place afterwards for inspection; the next run drops it.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import re
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

TARGETS = {"first import": 120.0, "unchanged re-run": 60.0}


@dataclass
class Timing:
    slug: str
    rows: int
    seconds: dict[str, float] = field(default_factory=dict)


def recreate_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def changed_copy(data: bytes, share: float, rng: random.Random) -> tuple[bytes, int]:
    """The file with about `share` of its rows changed in one field each; and how many."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    teams = sorted({row[col["unit"]] for row in body if row[col["unit"]].count("/") == 2})
    picked = rng.sample(range(len(body)), max(1, round(len(body) * share)))
    for n, i in enumerate(picked):
        row = body[i]
        kind = n % 4
        if kind == 0:
            row[col["job_role"]] = row[col["job_role"]] + " (acting)"
        elif kind == 1 and len(teams) > 1:
            row[col["unit"]] = rng.choice([t for t in teams[:50] if t != row[col["unit"]]])
        elif kind == 2:
            row[col["last_name"]] = row[col["last_name"]] + "-Smith"
        else:
            row[col["status"]] = "active" if row[col["status"]] == "leaver" else "leaver"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue().encode("utf-8"), len(picked)


def import_api(organisation, data: bytes, file_name: str) -> dict:
    from bluelamp.people.importing import run_import

    result = run_import(
        actor=None,
        organisation=organisation,
        data=data,
        file_name=file_name,
        dry_run=False,
        check_access=False,
    )
    if not result.ok:
        raise SystemExit(f"{file_name}: import rejected: {[str(e) for e in result.errors[:5]]}")
    return result.summary()


def import_cli(organisation, data: bytes, file_name: str, work: Path) -> dict:
    path = work / file_name
    path.write_bytes(data)
    command = [str(Path(sys.executable).with_name("bluelamp")), "import-people", str(path)]
    command += ["--org", organisation.slug, "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode:
        raise SystemExit(f"{file_name}: CLI failed ({done.returncode}):\n{done.stderr[-2000:]}")
    # "Applied — rows: 34000, created: 34000, updated: 0, …"
    return {key.replace(" ", "_"): int(n) for key, n in re.findall(r"([a-z][a-z ]*): (\d+)", done.stdout)}


def check(phase: str, slug: str, summary: dict, rows: int, changed: int) -> None:
    """A benchmark of an import that did not do the work would be worthless: say so loudly."""
    expected = {
        "first import": {"created": rows, "updated": 0},
        "unchanged re-run": {"created": 0, "updated": 0, "unchanged": rows},
    }.get(phase, {"created": 0, "updated": changed})
    wrong = {key: summary.get(key) for key, value in expected.items() if summary.get(key) != value}
    if wrong:
        raise SystemExit(f"{phase} of {slug}: expected {expected}, got {summary}")


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
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", default="bluelamp_bench", help="database to (re)create (default bluelamp_bench)"
    )
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL without database (default postgres://postgres@127.0.0.1:5432)",
    )
    parser.add_argument("--data", type=Path, default=generate_national.DEFAULT_OUT, help="generated CSVs")
    parser.add_argument("--only", default="", help="comma-separated slugs to import (default: all)")
    parser.add_argument("--via", choices=["api", "cli"], default="api", help="run_import, or the CLI")
    parser.add_argument("--changed-share", type=float, default=0.01, help="share of rows changed in (c)")
    parser.add_argument("--seed", type=int, default=2025, help="seed for choosing the changed rows")
    parser.add_argument("--quiet", action="store_true", help="no per-organisation lines while running")
    args = parser.parse_args(argv)

    files = {path.stem: path for path in sorted(args.data.glob("*.csv"))}
    if not files:
        raise SystemExit(f"No CSV files in {args.data}. Run bench/generate_national.py first.")
    wanted = [s for s in args.only.split(",") if s] or list(files)
    missing = [s for s in wanted if s not in files]
    if missing:
        raise SystemExit(f"No file for: {', '.join(missing)}")

    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")  # as in production: no query log kept in memory
    recreate_database(args.server, args.db)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bluelamp.organisations.api import organisation_create

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    organisations = {}
    for slug, name, _ in generate_national.force_sizes(generate_national.DEFAULT_PEOPLE):
        kind = "national_body" if slug == generate_national.NATIONAL_BODY[0] else "home_office_force"
        organisations[slug] = organisation_create(actor=None, slug=slug, name=name, kind=kind)
    for slug in wanted:
        if slug not in organisations:  # a file not named after a force: its own organisation
            organisations[slug] = organisation_create(actor=None, slug=slug, name=slug, kind="other_force")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]

    work = tempfile.TemporaryDirectory(prefix="bench-import-")
    if args.via == "cli":
        connection.close()  # the subprocesses open their own

    def run(organisation, data, name):
        if args.via == "cli":
            return import_cli(organisation, data, name, Path(work.name))
        return import_api(organisation, data, name)

    contents = {slug: files[slug].read_bytes() for slug in wanted}
    rng = random.Random(args.seed)
    changed = {}
    for slug in wanted:
        changed[slug] = changed_copy(contents[slug], args.changed_share, rng)
    timings = {slug: Timing(slug, contents[slug].count(b"\n") - 1) for slug in wanted}
    phases = [
        ("first import", lambda slug: contents[slug]),
        ("unchanged re-run", lambda slug: contents[slug]),
        (f"{args.changed_share:.0%} changed", lambda slug: changed[slug][0]),
    ]
    print(f"Machine: {machine()}; PostgreSQL {server_version}; database {args.db}; via {args.via}")
    print(f"Migrations: {migrate_seconds:.1f} s. Importing {sum(t.rows for t in timings.values()):,} rows.")
    for phase, data_for in phases:
        phase_started = time.perf_counter()
        for slug in wanted:
            began = time.perf_counter()
            summary = run(organisations[slug], data_for(slug), f"{slug}.csv")
            timings[slug].seconds[phase] = time.perf_counter() - began
            check(phase, slug, summary, timings[slug].rows, changed[slug][1])
            if not args.quiet:
                counts = f"+{summary['created']} ~{summary['updated']} ={summary['unchanged']}"
                print(f"  {phase:<17} {slug:<20} {timings[slug].seconds[phase]:7.2f} s  {counts}", flush=True)
        print(f"{phase}: {time.perf_counter() - phase_started:.1f} s", flush=True)
    work.cleanup()

    if args.via == "cli":
        connection.connect()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'leaver') FROM people_person")
        people, leavers = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM organisations_unit")
        units = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]

    names = [p for p, _ in phases]
    print()
    print(f"{'organisation':<20} {'rows':>7} " + " ".join(f"{n:>17}" for n in names))
    for t in sorted(timings.values(), key=lambda t: -t.rows):
        print(f"{t.slug:<20} {t.rows:>7,} " + " ".join(f"{t.seconds[n]:>15.2f} s" for n in names))
    totals = {n: sum(t.seconds[n] for t in timings.values()) for n in names}
    print(
        f"{'TOTAL':<20} {sum(t.rows for t in timings.values()):>7,} "
        + " ".join(f"{totals[n]:>15.2f} s" for n in names)
    )
    changed_rows = sum(count for _, count in changed.values())
    print(f"\nIn the database: {people:,} people ({leavers:,} leavers), {units:,} units; {size}.")
    print(f"Rows changed in (c): {changed_rows:,}.")
    failed = False
    for name, limit in TARGETS.items():
        if args.only:
            continue  # the targets are for the whole national set
        ok = totals[name] < limit
        failed |= not ok
        print(f"Target {name} < {limit:.0f} s: {'met' if ok else 'MISSED'} ({totals[name]:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
