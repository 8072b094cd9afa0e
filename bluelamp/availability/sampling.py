"""The health sample taken every minute: each part's state from operations' health checks (the
same that answer /health/ready), and the web pages' from a probe of /health/live from outside the
app servers (AVAILABILITY_PROBE_URL, by default the site's own address), stored for the status
page and the availability report.

`bluelamp run-minutely` enqueues `take_health_sample` once a minute (a systemd timer or a
Kubernetes CronJob); a worker runs it. The sample is filed under the minute it was enqueued for,
not the minute a worker got to it, and once only: a second run for the same minute changes
nothing. A sample that ran late (no worker free, or none running) cannot say how the parts were
in its minute: it records the task queue as down and the others as not checked.
"""

from __future__ import annotations

import datetime as dt
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from bluelamp.availability.models import HealthSample
from bluelamp.availability.parts import PART_NAMES, State
from bluelamp.operations.api import PartReport, readiness

logger = logging.getLogger(__name__)

# A sample run later than this after its minute says nothing of that minute but that the task
# queue was behind.
LATE_AFTER = dt.timedelta(seconds=120)
PROBE_TIMEOUT_SECONDS = 10


def minute_of(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.UTC).replace(second=0, microsecond=0)


def probe_web(url: str | None = None) -> tuple[str, str]:
    """(state, message) of the web pages: ok when `url` (AVAILABILITY_PROBE_URL) answers 200 in
    time; off when no address is set."""
    url = settings.AVAILABILITY_PROBE_URL if url is None else url
    if not url:
        return State.OFF, "not monitored (AVAILABILITY_PROBE_URL is not set)"
    request = urllib.request.Request(url, headers={"User-Agent": "Bluelamp availability probe"})  # noqa: S310  # our own address, from settings
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_SECONDS) as answer:  # noqa: S310
            if answer.status == 200:
                return State.OK, "ok"
            return State.DOWN, f"the pages answered {answer.status}"
    except urllib.error.HTTPError as error:
        return State.DOWN, f"the pages answered {error.code}"
    except (OSError, ValueError) as error:
        logger.warning("availability probe of the web pages failed: %s", type(error).__name__)
        return State.DOWN, f"the pages did not answer within {PROBE_TIMEOUT_SECONDS} s"


def overall_state(states: dict[str, str], required: Iterable[str]) -> str:
    """The service's state in a minute: down when the pages or a required part is down; not
    checked when one of those was not; degraded when anything is not fully working."""
    deciding = [states["web"], *(states[name] for name in required if name in states)]
    deciding = [state for state in deciding if state != State.OFF]
    if State.DOWN in deciding:
        return State.DOWN
    if State.UNKNOWN in deciding:
        return State.UNKNOWN
    if any(state not in (State.OK, State.OFF) for state in states.values()):
        return State.WARNING
    return State.OK


def record_sample(
    *,
    minute: dt.datetime,
    at: dt.datetime,
    reports: list[PartReport] | None = None,
    web: tuple[str, str] | None = None,
) -> HealthSample | None:
    """Take and store the sample for `minute`, checked at `at`; None when one is already stored
    for that minute. `reports` and `web` are the checks' answers when the caller has them."""
    minute = minute_of(minute)
    if HealthSample.objects.filter(minute=minute).exists():
        return None
    states: dict[str, str] = {}
    notes: dict[str, str] = {}
    if at - minute > LATE_AFTER:
        late = int((at - minute).total_seconds())
        states = dict.fromkeys(PART_NAMES, State.UNKNOWN)
        states["task_queue"] = State.DOWN
        notes["task_queue"] = f"the check for this minute ran {late} s late: no worker was free to run it"
    else:
        web_state, web_message = web if web is not None else probe_web()
        states["web"] = web_state
        if web_state != State.OK:
            notes["web"] = web_message
        for report in reports if reports is not None else readiness(at=at):
            if report.name in PART_NAMES:
                states[report.name] = report.status
                if report.status != State.OK:
                    notes[report.name] = report.message
        for name in PART_NAMES:
            states.setdefault(name, State.UNKNOWN)
    overall = overall_state(states, settings.HEALTH_REQUIRED_PARTS)
    try:
        with transaction.atomic():
            return HealthSample.objects.create(
                minute=minute, taken_at=at, overall=overall, notes=notes, **states
            )
    except IntegrityError:  # another worker stored this minute's meanwhile
        return None


@task(takes_context=True)
def take_health_sample(context) -> str:
    """The minute's health sample (registered to run every minute: plugins.py)."""
    at = timezone.now()
    scheduled = context.task_result.enqueued_at or at
    sample = record_sample(minute=scheduled, at=at)
    if sample is None:
        return f"{minute_of(scheduled).isoformat()}: already sampled"
    return f"{sample.minute.isoformat()}: {sample.overall}"


MINUTELY = [take_health_sample]
