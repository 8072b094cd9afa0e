"""Requests for change (RFCs) and the releases that bundle them.

Written only through services.py; read through selectors.py. Both belong to the national body's
service management: no force owns them, and only national service-desk staff and CAB members see
them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from bluelamp.changes.guidance import Category, ChangePriority
from bluelamp.changes.notice import ReleaseType

__all__ = ["ChangeRequest", "ReferenceCounter", "Release"]


class ReferenceCounter(models.Model):
    """The last number issued in a year for each kind of reference (RFC-<year>-<number>,
    REL-<year>-<number>).

    Personal data: none.
    """

    kind = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="changes_counter_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class ChangeRequest(models.Model):
    """A request for change: what is to change and why, its category and priority (the seed's),
    risk and impact, how it is done, tested and backed out, when, and what it fixes (problems and
    known errors, incidents from the desk); decided by the CAB.

    Personal data: who raised it and who decided it (national staff); free text may say anything
    staff wrote.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting CAB"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DEFERRED = "deferred", "Deferred"
        IMPLEMENTED = "implemented", "Implemented"
        CANCELLED = "cancelled", "Withdrawn"

    class Level(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Service(models.TextChoices):
        """The part of the service a change touches: two changes to one part at once clash."""

        LEARNING = "learning", "Learning (catalogue, courses, enrolment)"
        SCORM = "scorm", "SCORM content and player"
        SIGN_IN = "sign_in", "Sign-in and accounts"
        SERVICE_DESK = "service_desk", "Service desk"
        REPORTING = "reporting", "Reports and mandatory training"
        API = "api", "REST API and integrations"
        INFRASTRUCTURE = "infrastructure", "Hosting and infrastructure"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="RFC-<year>-<number>.")
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What is to change, and why.")
    category = models.CharField(max_length=20, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(choices=ChangePriority.choices)
    risk = models.CharField(max_length=10, choices=Level.choices)
    impact = models.CharField(max_length=10, choices=Level.choices)
    service = models.CharField(max_length=20, choices=Service.choices)
    implementation_plan = models.TextField()
    test_plan = models.TextField()
    backout_plan = models.TextField()
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    problems = models.ManyToManyField("servicedesk.Problem", blank=True, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    emergency = models.BooleanField(
        default=False, help_text="Decided by the emergency CAB, outside a meeting: reviewed at the next one."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="rfc_status")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class Release(models.Model):
    """A release of approved changes to the live service, with the notice licensees get of it.

    Personal data: who created it (national staff).
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ANNOUNCED = "announced", "Announced to licensees"
        DEPLOYED = "deployed", "Deployed"
        CANCELLED = "cancelled", "Cancelled"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="REL-<year>-<number>.")
    title = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=ReleaseType.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    planned_for = models.DateField(help_text="The day it goes live.")
    notice_on = models.DateField(
        null=True, blank=True, help_text="The day licensees were sent its notice (none until announced)."
    )
    summary = models.TextField(help_text="What changes, for the release notes.")
    who_is_affected = models.TextField(blank=True)
    faqs = models.TextField("Questions and answers", blank=True)
    changes = models.ManyToManyField(ChangeRequest, blank=True, related_name="releases")
    emergency_reason = models.TextField(
        blank=True,
        help_text="Why it goes live inside its notice period (an emergency change approved by CAB).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["planned_for", "pk"]
        indexes = [models.Index(fields=["status", "planned_for"], name="release_status_day")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"
