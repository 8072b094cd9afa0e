"""The state of the service as the public status page and /api/v1/status/ give it: each part now
(the latest minute sample, if recent), announced maintenance not yet over, and the major
incidents of the last 30 days that licensees were sent notices about."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bluelamp.availability import selectors
from bluelamp.availability.models import HealthSample, MaintenanceWindow
from bluelamp.availability.parts import PART_LABELS, PART_NAMES, State
from bluelamp.servicedesk.api import IncidentRecord, major_incidents_between

INCIDENTS_SHOWN_FOR = dt.timedelta(days=30)

HEADLINES = {
    State.OK: "All parts of Bluelamp are working",
    State.WARNING: "Bluelamp is working, but some parts are slow or degraded",
    State.DOWN: "Bluelamp is not working",
    State.UNKNOWN: "The state of Bluelamp is not known",
}
MAINTENANCE_HEADLINE = "Planned maintenance is under way"


@dataclasses.dataclass(frozen=True)
class PartNow:
    name: str
    label: str
    state: str
    message: str  # why, where it is not working (the health checks' public words)

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)


@dataclasses.dataclass(frozen=True)
class StatusNow:
    at: dt.datetime
    sample: HealthSample | None  # None: no check has reported in the last few minutes
    state: str
    headline: str
    parts: tuple[PartNow, ...]
    maintenance: tuple[MaintenanceWindow, ...]
    incidents: tuple[IncidentRecord, ...]  # newest first


def _parts(sample: HealthSample | None) -> tuple[PartNow, ...]:
    rows = []
    for name in PART_NAMES:
        state = getattr(sample, name) if sample else State.UNKNOWN
        if state == State.OFF:
            continue
        message = sample.notes.get(name, "") if sample and state != State.OK else ""
        rows.append(PartNow(name, PART_LABELS[name], state, message))
    return tuple(rows)


def status_now(*, at: dt.datetime) -> StatusNow:
    sample = selectors.latest_sample(at=at)
    windows = tuple(selectors.public_maintenance(at=at))
    state = State(sample.overall) if sample else State.UNKNOWN
    under_way = any(w.starts_at <= at for w in windows)
    headline = (
        MAINTENANCE_HEADLINE
        if under_way and state != State.OK
        else HEADLINES.get(state, HEADLINES[State.UNKNOWN])
    )
    incidents = [r for r in major_incidents_between(at - INCIDENTS_SHOWN_FOR, at) if r.public]
    return StatusNow(
        at=at,
        sample=sample,
        state=state,
        headline=headline,
        parts=_parts(sample),
        maintenance=windows,
        incidents=tuple(reversed(incidents)),
    )
