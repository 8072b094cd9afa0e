"""`bluelamp sla-targets`: exactly two lines, Europe/London times, closures from the database."""

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bluelamp.workingtime.api import ExtraClosure

ROOT = Path(__file__).resolve().parents[3]


def sla_targets(*args) -> str:
    out = io.StringIO()
    call_command("sla-targets", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "priority, logged_at, output",
    [
        # The example: P2 at 16:30 on the Friday before the August bank holiday (BST).
        (
            "P2",
            "2025-08-22T16:30",
            "response: 2025-08-26T11:30:00+01:00\nresolution: 2025-09-02T10:30:00+01:00\n",
        ),
        (
            "P2",
            "2025-05-02T16:30",
            "response: 2025-05-06T11:30:00+01:00\nresolution: 2025-05-13T10:30:00+01:00\n",
        ),
        # Christmas Eve evening 2026: Christmas, a weekend and the Boxing Day substitute (GMT).
        (
            "P1",
            "2026-12-24T17:30",
            "response: 2026-12-29T09:00:00+00:00\nresolution: 2026-12-31T14:00:00+00:00\n",
        ),
        # An offset or Z is honoured: 16:30Z on 27 March 2026 is 16:30 GMT, before the clocks go forward.
        (
            "P1",
            "2026-03-27T16:30:00Z",
            "response: 2026-03-30T08:30:00+01:00\nresolution: 2026-04-01T13:30:00+01:00\n",
        ),
        (
            "P1",
            "2026-03-27T17:30:00+01:00",
            "response: 2026-03-30T08:30:00+01:00\nresolution: 2026-04-01T13:30:00+01:00\n",
        ),
        # Exactly 17:00 is 17:00 that day.
        (
            "P1",
            "2026-06-10T16:00",
            "response: 2026-06-10T17:00:00+01:00\nresolution: 2026-06-15T13:00:00+01:00\n",
        ),
        (
            "p3",
            "2026-03-02T09:00",
            "response: 2026-03-02T17:00:00+00:00\nresolution: 2026-03-11T09:00:00+00:00\n",
        ),
        ("P4", "2026-06-12T16:30", "response: 2026-06-15T15:30:00+01:00\nresolution: none\n"),
    ],
)
def test_prints_two_lines(priority, logged_at, output):
    assert sla_targets("--priority", priority, "--logged-at", logged_at) == output


@pytest.mark.django_db
def test_a_naive_time_is_london_wall_time():
    summer = sla_targets("--priority", "P1", "--logged-at", "2026-06-10T09:00")
    assert summer.splitlines()[0] == "response: 2026-06-10T10:00:00+01:00"
    as_utc = sla_targets("--priority", "P1", "--logged-at", "2026-06-10T08:00:00+00:00")
    assert as_utc == summer


@pytest.mark.django_db
def test_extra_closures_in_the_database_count(platform_admin):
    before = sla_targets("--priority", "P2", "--logged-at", "2030-06-07T16:30")  # a Friday
    assert before.splitlines()[0] == "response: 2030-06-10T11:30:00+01:00"
    ExtraClosure.objects.create(date=dt.date(2030, 6, 10), reason="Closed", created_by=platform_admin)
    after = sla_targets("--priority", "P2", "--logged-at", "2030-06-07T16:30")
    assert after.splitlines()[0] == "response: 2030-06-11T11:30:00+01:00"


@pytest.mark.django_db
@pytest.mark.parametrize("logged_at", ["yesterday", "2026-13-01T09:00", "24/12/2026 16:30", ""])
def test_bad_times_say_what_is_accepted(logged_at):
    with pytest.raises(CommandError, match="is not a date and time. Give an ISO 8601 date and time"):
        sla_targets("--priority", "P1", "--logged-at", logged_at)


@pytest.mark.django_db
def test_years_out_of_range_are_refused():
    with pytest.raises(CommandError, match="outside the years 1971–2200"):
        sla_targets("--priority", "P1", "--logged-at", "1900-01-01T09:00")


def _cli(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "-m", "bluelamp.cli", "sla-targets", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_console_script_exits_non_zero_on_bad_input():
    bad_time = _cli("--priority", "P1", "--logged-at", "soon")
    assert bad_time.returncode != 0
    assert "ISO 8601" in bad_time.stderr and bad_time.stdout == ""
    bad_priority = _cli("--priority", "P9", "--logged-at", "2026-06-10T09:00")
    assert bad_priority.returncode != 0
    assert "choose from 'P1', 'P2', 'P3', 'P4'" in bad_priority.stderr
    missing = _cli("--priority", "P1")
    assert missing.returncode != 0 and "--logged-at" in missing.stderr
