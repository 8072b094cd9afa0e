"""The parts of the service whose health is sampled every minute, in the order pages show them,
and what a minute's state of each is called."""

from __future__ import annotations

from django.db import models

# (name, what people call it): the names are the health report's (operations' readiness), and
# "web", which a probe of /health/live from outside the app servers answers.
PARTS: tuple[tuple[str, str], ...] = (
    ("web", "Web pages"),
    ("database", "Database"),
    ("cache", "Cache"),
    ("storage", "File storage"),
    ("task_queue", "Background tasks"),
    ("email", "E-mail"),
)
PART_NAMES: tuple[str, ...] = tuple(name for name, _ in PARTS)
PART_LABELS: dict[str, str] = dict(PARTS)


class State(models.TextChoices):
    """A part's state in a minute. Degraded (a queue slow, say) still counts as available; a part
    not checked in a minute (the sample ran late, or was never taken) cannot be shown to have been
    up, so it counts against availability, shown apart from "down"."""

    OK = "ok", "Working"
    WARNING = "warning", "Degraded"
    DOWN = "down", "Down"
    UNKNOWN = "unknown", "Not checked"
    OFF = "off", "Not monitored"


AVAILABLE = frozenset({State.OK, State.WARNING})
