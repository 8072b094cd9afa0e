"""The requester's answer to the satisfaction survey on a resolved ticket.

Written only through bluelamp.servicedesk.survey.services; imported into
bluelamp.servicedesk.models so that Django finds it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

__all__ = ["SatisfactionResponse"]

COMMENT_MAX_LENGTH = 2000


class SatisfactionResponse(models.Model):
    """How satisfied the requester was with how their ticket was handled: a score from 1 (very
    dissatisfied) to 5 (very satisfied), whether the problem was solved, and an optional comment.
    One per ticket (the first answer counts; a second is not taken).

    Personal data: the person who answered when signed in (none when answered from the e-mail
    link), and the comment, which may hold anything they wrote.
    """

    class Score(models.IntegerChoices):
        VERY_SATISFIED = 5, "Very satisfied"
        SATISFIED = 4, "Satisfied"
        NEITHER = 3, "Neither satisfied nor dissatisfied"
        DISSATISFIED = 2, "Dissatisfied"
        VERY_DISSATISFIED = 1, "Very dissatisfied"

    class Via(models.TextChoices):
        WEB = "web", "Their ticket page (signed in)"
        EMAIL_LINK = "email_link", "The link in the resolution e-mail"

    ticket = models.OneToOneField(
        "servicedesk.Ticket", on_delete=models.CASCADE, related_name="satisfaction_response"
    )
    score = models.PositiveSmallIntegerField(
        choices=Score.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    solved = models.BooleanField(help_text="Whether the requester says their problem was solved.")
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=20, choices=Via.choices)
    submitted_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "satisfaction survey response"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for ticket {self.ticket_id} at {self.submitted_at.isoformat()}"

    @property
    def is_satisfied(self) -> bool:
        """Satisfied or very satisfied (4 or 5): the share the KPIs report."""
        return self.score >= 4
