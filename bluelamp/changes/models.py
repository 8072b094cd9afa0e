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

__all__ = [
    "ChangeFreeze",
    "CabAgendaItem",
    "CabMeeting",
    "CabRecommendation",
    "ChangeRequest",
    "ReferenceCounter",
    "Release",
    "ReleaseGuide",
]


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
    # Incidents it fixes, and P4 requests whose planned work it is (the desk's tickets).
    tickets = models.ManyToManyField("servicedesk.Ticket", blank=True, related_name="+")
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
    decided_at_meeting = models.ForeignKey(
        "CabMeeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="decided"
    )
    emergency_reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a CAB meeting reviewed the emergency decision."
    )

    class Outcome(models.TextChoices):
        SUCCESSFUL = "successful", "Successful"
        WITH_ISSUES = "with_issues", "Successful with issues"
        BACKED_OUT = "backed_out", "Backed out"

    review_outcome = models.CharField(
        "Post-implementation review", max_length=20, choices=Outcome.choices, blank=True
    )
    review_notes = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="rfc_status")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class ChangeFreeze(models.Model):
    """A period when no change should be made to the live service (the year's end, an exam
    window); a change planned inside one is flagged on the forward schedule.

    Personal data: who recorded it (national staff).
    """

    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}: {self.reason}"


class CabMeeting(models.Model):
    """A meeting of the Change Advisory Board: its agenda (the changes awaiting a decision when it
    was planned, and the emergency decisions to review), who attended, and its minutes.

    Personal data: who planned it and who attended (national staff); the minutes are free text.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CLOSED = "closed", "Held (minutes recorded)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    minutes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"CAB {self.starts_at:%Y-%m-%d %H:%M}"


class CabAgendaItem(models.Model):
    """A change on a meeting's agenda: to decide, or (an emergency decision) to review.

    Personal data: none beyond the decision's reasons (free text).
    """

    class Kind(models.TextChoices):
        DECIDE = "decide", "To decide"
        REVIEW = "review", "Emergency decision to review"

    meeting = models.ForeignKey(CabMeeting, on_delete=models.CASCADE, related_name="items")
    rfc = models.ForeignKey(ChangeRequest, on_delete=models.PROTECT, related_name="agenda_items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.PositiveIntegerField()
    decision = models.CharField(
        max_length=20, blank=True, help_text="approved, rejected, deferred or reviewed"
    )
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "rfc"], name="cab_item_once")]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.rfc.reference}"


class CabRecommendation(models.Model):
    """One CAB member's recommendation on an agenda item (their latest counts).

    Personal data: the member (national staff) and their comment.
    """

    class Choice(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"
        DEFER = "defer", "Defer"

    item = models.ForeignKey(CabAgendaItem, on_delete=models.CASCADE, related_name="recommendations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(max_length=10, choices=Choice.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="cab_one_recommendation")]

    def __str__(self) -> str:
        return f"{self.member}: {self.recommendation}"


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
    deployed_at = models.DateTimeField(null=True, blank=True)
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


def _guide_path(instance, filename: str) -> str:
    # A random directory: names are never guessable, and two "guide.pdf" never collide.
    return f"changes/guides/{uuid.uuid4().hex}/{filename}"


class ReleaseGuide(models.Model):
    """A guide attached to a release's notes (a user guide, a quick-reference card): public with
    the notes once the release is announced, linked from the e-mails.

    Personal data: who uploaded it (national staff)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="guides")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=_guide_path, max_length=300)
    name = models.CharField(max_length=200, help_text="The file's name as uploaded.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title
