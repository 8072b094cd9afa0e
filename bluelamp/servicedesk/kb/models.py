"""Knowledge-base articles and FAQs.

Written only through bluelamp.servicedesk.kb.services; read through kb.selectors. Django finds
them through bluelamp.servicedesk.models (app label "servicedesk").
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["Article"]


class Article(models.Model):
    """A knowledge-base article or FAQ: public (anyone, signed out too) or internal (desk staff).

    The body is plain text with a small, safe set of conventions (blank line = paragraph,
    "- " = bullet, "## " = heading), rendered by kb.text with everything escaped: authors can
    never put HTML on a public page.

    Personal data: the author, and whatever the text says (authors should not name requesters).
    """

    class Audience(models.TextChoices):
        PUBLIC = "public", "Public (anyone, including people not signed in)"
        INTERNAL = "internal", "Internal (service-desk staff only)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(max_length=300, blank=True, help_text="One or two sentences shown in lists.")
    body = models.TextField(
        help_text='Plain text. Leave a blank line between paragraphs; start a line with "- " for a '
        'bullet or "## " for a heading.'
    )
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    category = models.ForeignKey(
        "servicedesk.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "audience"], name="kb_article_visible")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.audience == self.Audience.PUBLIC
