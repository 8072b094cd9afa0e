"""How complaints end: the outcome recorded when a complaint is resolved.

Written only through bluelamp.servicedesk.complaints.services; read through complaints.selectors.
Django finds it through bluelamp.servicedesk.models (app label "servicedesk").
"""

from django.conf import settings
from django.db import models

__all__ = ["ComplaintOutcome"]


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
