"""Knowledge base articles and problem records.

Written only through bluelamp.servicedesk.kb.services; read through kb.selectors. Kept apart from
models.py so that the ticket models stay readable; models.py re-exports these so Django finds them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["Article", "Problem", "ProblemCounter"]


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
