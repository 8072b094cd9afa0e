"""Availability's routes for tests/test_every_url_has_an_outsider.py: the status page is public;
the monthly report and planned maintenance belong to the national body's service management (and
the report, the same national figures for all, to those who read an organisation's reports too),
so every outsider is told "not found" but an organisation's administrator reading the report."""

import datetime as dt

from bluelamp.availability.services import WindowInput, maintenance_create
from tests.test_every_url_has_an_outsider import OWN, PUBLIC, REFUSED, Case

AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)

CASES = {
    "status": Case(lambda w: "/status", PUBLIC, why="the service's status, for everyone"),
    # The same national figures for everyone who may read it: Essex's administrator reads reports.
    "availability/": Case(
        lambda w: "/availability/",
        OWN,
        why="the service's availability, the same figures for all who read reports (Essex's administrator does)",
    ),
    "api/v1/status/": Case(
        lambda w: "/api/v1/status/", PUBLIC, why="the status page's contents, for monitors"
    ),
    "api/v1/availability/<>/": Case(
        lambda w: "/api/v1/availability/2026-11/",
        OWN,
        why="the service's availability, the same figures for all who read reports (Essex's administrator does)",
    ),
    "availability/maintenance/": Case(lambda w: "/availability/maintenance/", REFUSED),
    "availability/maintenance/new/": Case(
        lambda w: "/availability/maintenance/new/", REFUSED, methods=("get", "post")
    ),
    "availability/maintenance/<>/": Case(lambda w: f"/availability/maintenance/{w.window.uuid}/", REFUSED),
    "availability/maintenance/<>/edit/": Case(
        lambda w: f"/availability/maintenance/{w.window.uuid}/edit/", REFUSED, methods=("get", "post")
    ),
    "availability/maintenance/<>/announce/": Case(
        lambda w: f"/availability/maintenance/{w.window.uuid}/announce/", REFUSED, methods=("post",)
    ),
    "availability/maintenance/<>/cancel/": Case(
        lambda w: f"/availability/maintenance/{w.window.uuid}/cancel/", REFUSED, methods=("get", "post")
    ),
}


def build(w) -> None:
    w.window = maintenance_create(
        actor=None,
        data=WindowInput(
            title="DESKONLY maintenance",
            description="DESKONLY what",
            starts_at=dt.datetime(2031, 3, 1, 22, 0, tzinfo=dt.UTC),
            ends_at=dt.datetime(2031, 3, 2, 1, 0, tzinfo=dt.UTC),
        ),
        at=AT,
    )
