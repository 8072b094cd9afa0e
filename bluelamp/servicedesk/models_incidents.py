"""Service-desk records beyond the ticket itself: major incidents (with their timeline and the
service notices sent to licensees), complaint outcomes, and the identity checks an adviser makes
before a password reset or a challenge-response code.

Written only through bluelamp.servicedesk.incidents (services, identity, complaints); imported
into bluelamp.servicedesk.models so that Django finds them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = [
    "ChallengeCode",
    "ComplaintOutcome",
    "IdentityCheck",
    "IncidentEntry",
    "MajorIncident",
    "ServiceNotice",
]


class MajorIncident(models.Model):
    """A P1 ticket declared a major incident: who declared it and when, whether the "gold"
    incident group was convened (and who sits on it), and how it ended.

    Personal data: the people who declared and resolved it, the gold group's members, and the
    summary and resolution as their authors wrote them.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.OneToOneField(
        "servicedesk.Ticket", on_delete=models.PROTECT, related_name="major_incident"
    )
    summary = models.TextField(help_text="What is affected and what is known so far.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    gold_group_convened = models.BooleanField(default=False)
    gold_group_convened_at = models.DateTimeField(null=True, blank=True)
    gold_members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-declared_at"]
        indexes = [models.Index(fields=["status", "-declared_at"], name="major_incident_status")]

    def __str__(self) -> str:
        return f"Major incident on {self.ticket_id} declared {self.declared_at.isoformat()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class IncidentEntry(models.Model):
    """One line of a major incident's timeline: an action taken, a communication made or a
    decision, with who and when.

    Personal data: the author, and the text, which may hold anything the author wrote.
    """

    class Kind(models.TextChoices):
        ACTION = "action", "Action"
        COMMUNICATION = "communication", "Communication"
        DECISION = "decision", "Decision"

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["incident", "at"], name="incident_entry_timeline")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at.isoformat()}"


class ServiceNotice(models.Model):
    """A notice about a major incident e-mailed to the key contacts of every licence in force.
    The addresses are not kept: only how many there were (they are on the licences).

    Personal data: who posted it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(MajorIncident, on_delete=models.PROTECT, related_name="notices")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField()
    recipients_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-posted_at"]

    def __str__(self) -> str:
        return self.subject


class ComplaintOutcome(models.Model):
    """How a complaint ended: upheld, partly upheld or not upheld, and what was found and done.
    A complaint reopened and resolved again gets another outcome; the latest counts.

    Personal data: who recorded it, and the text, which may name the people involved.
    """

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly_upheld", "Partly upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"

    ticket = models.ForeignKey(
        "servicedesk.Ticket", on_delete=models.CASCADE, related_name="complaint_outcomes"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.recorded_at.isoformat()}"


class IdentityCheck(models.Model):
    """That an adviser verified a ticket's requester's identity, how, and when: the condition
    for sending them a password reset or issuing a challenge-response code.

    Personal data: the person verified, the adviser, and the adviser's notes (which must not
    repeat the answers to security questions).
    """

    class Method(models.TextChoices):
        SECURITY_QUESTIONS = "security_questions", "Security questions"
        CALL_BACK = "call_back", "Call-back to the number on record"
        LINE_MANAGER = "line_manager", "Confirmed by their line manager"
        IN_PERSON = "in_person", "In person, with warrant card or staff pass"

    ticket = models.ForeignKey("servicedesk.Ticket", on_delete=models.CASCADE, related_name="identity_checks")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=30, choices=Method.choices)
    notes = models.TextField(blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["ticket", "-checked_at"], name="identity_check_latest")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} at {self.checked_at.isoformat()}"


class ChallengeCode(models.Model):
    """A one-time challenge-response code issued to a verified person. Only its hash is kept;
    the adviser sees the code once, to read to the caller.

    Personal data: the person it was issued to and the adviser who issued it.
    """

    ticket = models.ForeignKey("servicedesk.Ticket", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    identity_check = models.ForeignKey(IdentityCheck, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["person", "-issued_at"], name="challenge_code_person")]

    def __str__(self) -> str:
        return f"Code issued {self.issued_at.isoformat()}"
