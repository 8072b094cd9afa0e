"""Question banks: banks owned by the national body (shared with forces while their PL-P-200
licence is in force) or by one force, their nested categories and tags, and questions with their
versions. Editing a question that attempts have used makes a new version; attempts keep the one
they saw (docs/decisions/0013-assessment.md).

A question's content is kept in the neutral form of bluelamp/assessment/formats/questions.py, as
JSON (`QuestionVersion.data`, written and read by banks/codec.py), so every file format and the
marking engine share one shape.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Bank(models.Model):
    """A question bank. No personal data but who created it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="bank_name_unique_per_owner")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A category of a bank; categories nest (a parent of None is at the bank's top). No personal
    data."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The names from the top, joined by " / ", kept in step by the services (for lists and files).
    path = models.CharField(max_length=1000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bank", "path"], name="category_path_unique_per_bank"),
        ]
        ordering = ["bank", "path"]

    def __str__(self) -> str:
        return self.path


class Tag(models.Model):
    """A tag of a bank's questions (for drawing random questions by tag). No personal data."""

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bank", "name"], name="question_tag_unique_per_bank")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question across its versions: where it sits (category, tags) and which version is
    current. No personal data but who created it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="questions")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="questions")
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    current = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised from the current version, for lists, filters and random draws.
    qtype = models.CharField(max_length=20)
    name = models.CharField(max_length=255)
    idnumber = models.CharField(max_length=100, blank=True)
    # Hidden questions stay for the attempts that used them but are not offered for new quizzes.
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "idnumber"],
                condition=~Q(idnumber=""),
                name="question_idnumber_unique_per_bank",
            ),
        ]
        indexes = [models.Index(fields=["category", "hidden", "qtype"])]
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class QuestionVersion(models.Model):
    """One version of a question, never changed once an attempt has used it. `data` is the
    neutral form (formats/questions.py) as banks/codec.py writes it. No personal data but who
    made it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    qtype = models.CharField(max_length=20)
    name = models.CharField(max_length=255)
    data = models.JSONField()
    # The content's hash (codec.fingerprint): re-importing a file finds questions it already made.
    fingerprint = models.CharField(max_length=64, db_index=True)
    default_mark = models.DecimalField(max_digits=8, decimal_places=4, default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_number_unique")
        ]
        ordering = ["question", "number"]

    def __str__(self) -> str:
        return f"{self.name} (version {self.number})"
