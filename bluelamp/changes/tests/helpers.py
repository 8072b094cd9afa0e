"""Building changes and releases in tests, through the services."""

import datetime as dt
from typing import Any

from bluelamp.changes.services import ReleaseInput, RfcInput, release_create, rfc_create

# Monday 7 December 2026, 10:00 UTC: every test's "now" (tests never read the clock).
AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 7)


def rfc_input(**changes) -> RfcInput:
    values: dict[str, Any] = {
        "title": "Fix the catalogue's search",
        "description": "Searching for a course code finds nothing.",
        "category": "known_error",
        "priority": 3,
        "risk": "low",
        "impact": "medium",
        "service": "learning",
        "implementation_plan": "Deploy build 1.2.3.",
        "test_plan": "Search for SAS-01 on staging.",
        "backout_plan": "Redeploy build 1.2.2.",
    }
    values.update(changes)
    return RfcInput(**values)


def make_rfc(actor=None, **changes):
    return rfc_create(actor=actor, data=rfc_input(**changes), at=AT)


def release_input(**changes) -> ReleaseInput:
    values: dict[str, Any] = {
        "title": "December release",
        "type": "major",
        "planned_for": dt.date(2027, 2, 1),
        "summary": "A new catalogue.",
    }
    values.update(changes)
    return ReleaseInput(**values)


def make_release(actor=None, **changes):
    return release_create(actor=actor, data=release_input(**changes), at=AT)
