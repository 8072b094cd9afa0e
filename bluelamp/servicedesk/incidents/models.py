"""Major incidents: a P1 ticket declared one, its timeline, and the service notices sent to
licensees.

Written only through bluelamp.servicedesk.incidents.services; read through incidents.selectors.
Django finds them through bluelamp.servicedesk.models (app label "servicedesk").
"""

import uuid

from django.conf import settings
from django.db import models

__all__ = ["IncidentEntry", "MajorIncident", "ServiceNotice"]


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
