"""Identity checks an adviser makes before a password reset or a challenge-response code, and the
codes issued.

Written only through bluelamp.servicedesk.identity (services, challenge); read through
identity.selectors. Django finds them through bluelamp.servicedesk.models (app label
"servicedesk").
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["ChallengeCode", "IdentityCheck"]


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
