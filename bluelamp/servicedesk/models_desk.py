"""Working the queue faster: canned responses and saved queue filters.

Imported at the end of models.py so that Django finds the models; written through
bluelamp.servicedesk.tickets.desk and read through tickets.selectors.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["CannedResponse", "SavedQueueFilter"]


class CannedResponse(models.Model):
    """A reply an adviser can start from, with placeholders filled in from the ticket.

    Shared ones (no owner) are for the whole desk; personal ones only for their owner.

    Personal data: the owner (for personal responses), who last changed it, and whatever the
    text says (it should hold no one's personal data: the placeholders bring that in).
    """

    PLACEHOLDERS = {
        "requester_first_name": "The requester's first name (or their name as given)",
        "requester_name": "The requester's full name as given",
        "reference": "The ticket's reference, e.g. BL-2026-000123",
        "subject": "The ticket's subject",
        "adviser_name": "Your name",
    }

    title = models.CharField(max_length=100)
    body = models.TextField(help_text="Placeholders: {requester_first_name}, {reference}, {adviser_name}, …")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: shared with the whole desk.",
    )
    is_active = models.BooleanField(default=True, help_text="Offered on the ticket page.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["owner", "is_active"], name="canned_owner_active")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class SavedQueueFilter(models.Model):
    """A staff member's named queue filter (the query string of the queue page). Personal.

    Personal data: the owner, and the filter's name and search words as they typed them.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=500, blank=True, help_text="The queue's query string.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_owner_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
