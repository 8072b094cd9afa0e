"""What Bluelamp keeps about an API token besides knox's hashed digest.

Personal data: through the knox token, whose token it is; the name its owner gave it and when it
was last used. The token itself is never stored (knox keeps only a hash and its first characters).
"""

import uuid

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A named knox token. Deleting the knox token (revoking, or knox's clean-up of expired
    tokens) deletes this row with it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    auth_token = models.OneToOneField(
        settings.KNOX_TOKEN_MODEL, on_delete=models.CASCADE, related_name="details"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “HR nightly sync”")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
