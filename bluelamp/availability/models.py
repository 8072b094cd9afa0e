"""The health of the service minute by minute, and the planned maintenance windows that excuse
downtime.

Written only through sampling.py (samples) and services.py (windows); read through selectors.py
and figures.py. The national body's: no force owns them.
"""

import uuid

from django.conf import settings
from django.db import models

from bluelamp.availability.parts import State

__all__ = ["HealthSample", "MaintenanceWindow"]


def _state() -> models.CharField:
    return models.CharField(max_length=8, choices=State.choices, default=State.UNKNOWN)


class HealthSample(models.Model):
    """Each part's state in one minute (`minute`: the minute the sample was scheduled for, UTC, to
    the minute), from the health checks; `overall` is the service's: down when the web pages or a
    part the service cannot run without is down. `notes` keeps each part's message where it was
    not working.

    Personal data: none.
    """

    minute = models.DateTimeField(unique=True)
    taken_at = models.DateTimeField()
    overall = _state()
    web = _state()
    database = _state()
    cache = _state()
    storage = _state()
    task_queue = _state()
    email = _state()
    notes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-minute"]

    def __str__(self) -> str:
        return f"{self.minute.isoformat()}: {self.overall}"


class MaintenanceWindow(models.Model):
    """Planned maintenance: the service may be unavailable from `starts_at` to `ends_at`.
    Downtime inside a window is shown apart and left out of the availability figure. Announced to
    the licensees' key contacts; shown on every page for signed-in people as it approaches, and on
    the public status page. May carry out an approved request for change.

    Personal data: who planned, announced and cancelled it (national staff); the free text may say
    anything staff wrote.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CANCELLED = "cancelled", "Cancelled"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What is done, and what people will notice.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    change = models.ForeignKey(
        "changes.ChangeRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    announced_at = models.DateTimeField(null=True, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "ends_at"], name="maintenance_status_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="maintenance_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def phase(self, at) -> str:
        """upcoming, under way, over or cancelled, at `at`."""
        if self.is_cancelled:
            return "cancelled"
        if at < self.starts_at:
            return "upcoming"
        return "under way" if at < self.ends_at else "over"
