"""Problem records: the underlying cause of incidents, and the known errors whose workarounds
the knowledge base publishes.

Written only through bluelamp.servicedesk.problems.services; read through problems.selectors.
Django finds them through bluelamp.servicedesk.models (app label "servicedesk").
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from bluelamp.servicedesk.kb.models import Article

__all__ = ["Problem", "ProblemCounter"]


class ProblemCounter(models.Model):
    """The last problem number issued in a year (references are PRB-<year>-<number>).

    Personal data: none.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Problem(models.Model):
    """The underlying cause of one or more incidents: investigated, recorded as a known error with
    a workaround (published to the knowledge base), and resolved.

    Personal data: the owner and creator (desk staff); free text may say anything staff wrote.
    """

    class Status(models.TextChoices):
        INVESTIGATING = "investigating", "Investigating"
        KNOWN_ERROR = "known_error", "Known error"
        RESOLVED = "resolved", "Resolved"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="PRB-<year>-<number>.")
    title = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVESTIGATING)
    root_cause = models.TextField(blank=True)
    workaround = models.TextField(blank=True)
    incidents = models.ManyToManyField("servicedesk.Ticket", blank=True, related_name="problems")
    article = models.OneToOneField(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="problem"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="problem_status")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"
