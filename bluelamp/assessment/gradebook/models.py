"""The gradebook of a course: its graded items (a quiz, an assignment, or an item a tutor adds
by hand), optional categories with weights, and each learner's grade in each item.

Quizzes and assignments hand their grades down through the sink services (gradebook/sink.py:
`grade_item_ensure`, `grade_record`); the gradebook never reads them. An override replaces the
source's grade for one learner, with a reason, and is audited; each change a person makes to a
grade in the gradebook is kept (`GradeChange`), so a learner's page shows its history. How the
course grade is worked out is in calculation.py and each course's `GradebookSettings`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class GradeCategory(models.Model):
    """A group of a course's items whose average counts with `weight` in the course grade. No
    personal data."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("learning.Course", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    weight = models.DecimalField(max_digits=7, decimal_places=3, default=1)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="grade_category_unique_per_course")
        ]
        ordering = ["course", "order", "name"]

    def __str__(self) -> str:
        return self.name


class GradeItem(models.Model):
    """One graded thing of a course. `source` and `source_key` say what hands its grades down
    ("quiz" and the quiz's UUID; "manual" for an item added by hand). No personal data."""

    class Source(models.TextChoices):
        QUIZ = "quiz", "Quiz"
        ASSIGNMENT = "assignment", "Assignment"
        MANUAL = "manual", "Added by hand"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("learning.Course", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_key = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    # Grades are numbers from 0 to max_grade (a quiz: its marks scaled to max_grade; a
    # pass/refer assignment: max_grade for a pass, 0 for a referral).
    max_grade = models.DecimalField(max_digits=9, decimal_places=2, default=100)
    pass_grade = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    category = models.ForeignKey(
        GradeCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    weight = models.DecimalField(max_digits=7, decimal_places=3, default=1)
    order = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(default=False, help_text="Hidden items are not shown to learners.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "source", "source_key"], name="grade_item_unique_source"
            )
        ]
        ordering = ["course", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Grade(models.Model):
    """A learner's grade in one item. Personal data: the person's grade, the feedback on their
    work, and who overrode it and why."""

    item = models.ForeignKey(GradeItem, on_delete=models.CASCADE, related_name="grades")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # From the source; None: started but not graded yet (an essay waiting for a marker).
    raw = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    feedback = models.TextField(blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    override = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="grade_unique_per_item_person")
        ]
        indexes = [models.Index(fields=["person", "item"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.item}"

    @property
    def final(self):
        """The grade that counts: the override when there is one, else the source's."""
        return self.override if self.override is not None else self.raw


class GradebookSettings(models.Model):
    """How a course's grade is worked out and what its learners see (calculation.py says how each
    choice counts). A course without a row has the defaults. No personal data (who changed the
    settings last is a staff member's name, kept with the audit event too)."""

    class Aggregation(models.TextChoices):
        WEIGHTED_MEAN = "weighted_mean", "Weighted mean of percentages"
        SIMPLE_MEAN = "simple_mean", "Simple mean of percentages"

    class Missing(models.TextChoices):
        EXCLUDE = "exclude", "Left out until graded"
        ZERO = "zero", "Counted as 0%"

    course = models.OneToOneField("learning.Course", on_delete=models.CASCADE, related_name="+")
    aggregation = models.CharField(
        max_length=20, choices=Aggregation.choices, default=Aggregation.WEIGHTED_MEAN
    )
    missing = models.CharField(max_length=10, choices=Missing.choices, default=Missing.EXCLUDE)
    # The course grade (a percentage) a learner needs to pass; None: the course has no pass grade.
    pass_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    learners_see_total = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Gradebook settings of course {self.course_id}"


class GradeChange(models.Model):
    """One change a person made to a learner's grade in the gradebook: a grade entered by hand
    (manual items), an override, or an override removed, with the final grade before and after.
    Grades handed down by quizzes and assignments are theirs to record, not here. Personal data:
    the learner's grades, the reason given, and who made the change."""

    class Kind(models.TextChoices):
        ENTERED = "entered", "Grade entered"
        OVERRIDDEN = "overridden", "Overridden"
        CLEARED = "cleared", "Override removed"

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The grade that counted (Grade.final) before and after the change.
    before = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    after = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    reason = models.TextField(blank=True)
    feedback_changed = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["grade", "at"])]
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
