"""Quizzes: a quiz is a course activity (learning's registry of kinds, key "quiz") made of slots,
each a fixed question of a bank or a random draw from a category; a learner's attempt keeps the
question versions it drew, their answers, marks and the deadline the server enforces.

Meaning of the models (see README.md for more):

- `Quiz`: the settings (timing, attempts, grading method, pass mark, pages, review options).
- `QuizSlot`: one place in the quiz: a fixed question (its current version is drawn when an
  attempt starts) or a random question from a category (and its subcategories, with every tag
  named); each random slot draws a question not already drawn in that attempt.
- `Attempt`: one try of one person: its state, deadline (time limit plus the person's extra time,
  never after the quiz closes), marks and grade (a percentage; None while essays wait).
- `AttemptQuestion`: one question of an attempt: the version seen, the order its choices were
  shown in, the response and its mark.
- `Adjustment`: a reasonable adjustment for one person on one quiz (extra time, extra attempts),
  with who granted it, when and why.
- `RegradeRun` / `RegradeChange`: a regrade of a quiz's attempts and what it changed.

Marks are Decimals; a fraction is the share of a question's mark earned (0 to 1).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

# The three moments of Moodle's review matrix: what a learner may see of a finished attempt
# immediately after it (within IMMEDIATELY_SECONDS of finishing), later while the quiz is open,
# and after it closes (a quiz without a closing date stays "open" for ever).
REVIEW_WHEN = ("immediately", "open", "closed")
# What they may see: their responses, their marks, the right answers, the feedback on each
# answer, and each question's general feedback.
REVIEW_WHAT = ("responses", "marks", "right_answers", "feedback", "general_feedback")
IMMEDIATELY_SECONDS = 120


class Quiz(models.Model):
    """A quiz on a course. No personal data but who created it."""

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", "Highest grade"
        LAST = "last", "Last attempt"
        FIRST = "first", "First attempt"
        AVERAGE = "average", "Average of the attempts"

    class Navigation(models.TextChoices):
        FREE = "free", "Free: any page in any order"
        SEQUENTIAL = "sequential", "Sequential: pages in order, no going back"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("learning.Course", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    intro = models.TextField("introduction", blank=True)
    # Timing: None is no time limit. The deadline of an attempt is stored when it starts.
    time_limit = models.PositiveIntegerField("time limit (seconds)", null=True, blank=True)
    open_at = models.DateTimeField(null=True, blank=True)
    close_at = models.DateTimeField(null=True, blank=True)
    # Attempts: 0 is unlimited (reasonable adjustments may add more).
    attempts_allowed = models.PositiveIntegerField(default=0)
    grading_method = models.CharField(
        max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    # The quiz grade (a percentage) that passes; the activity completes when it is reached.
    pass_mark = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    # The grade the gradebook shows: the percentage scaled to max_grade.
    max_grade = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(100))
    # Layout: 0 puts every question on one page.
    questions_per_page = models.PositiveIntegerField(default=1)
    shuffle_questions = models.BooleanField(
        default=False, help_text="Shuffle the questions within each page for every attempt."
    )
    navigation = models.CharField(max_length=10, choices=Navigation.choices, default=Navigation.FREE)
    # The review matrix (REVIEW_WHAT × REVIEW_WHEN).
    review_responses_immediately = models.BooleanField(default=True)
    review_responses_open = models.BooleanField(default=True)
    review_responses_closed = models.BooleanField(default=True)
    review_marks_immediately = models.BooleanField(default=True)
    review_marks_open = models.BooleanField(default=True)
    review_marks_closed = models.BooleanField(default=True)
    review_right_answers_immediately = models.BooleanField(default=False)
    review_right_answers_open = models.BooleanField(default=False)
    review_right_answers_closed = models.BooleanField(default=True)
    review_feedback_immediately = models.BooleanField(default=True)
    review_feedback_open = models.BooleanField(default=True)
    review_feedback_closed = models.BooleanField(default=True)
    review_general_feedback_immediately = models.BooleanField(default=True)
    review_general_feedback_open = models.BooleanField(default=True)
    review_general_feedback_closed = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(open_at__isnull=True)
                | Q(close_at__isnull=True)
                | Q(close_at__gt=models.F("open_at")),
                name="quiz_closes_after_it_opens",
            ),
        ]
        indexes = [models.Index(fields=["course", "title"])]
        ordering = ["course", "title", "pk"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    def review_allows(self, what: str, when: str) -> bool:
        """Whether the review matrix lets learners see `what` (REVIEW_WHAT) at `when` (REVIEW_WHEN)."""
        if what not in REVIEW_WHAT or when not in REVIEW_WHEN:
            raise ValueError(f"Unknown review option {what!r} at {when!r}")
        return bool(getattr(self, f"review_{what}_{when}"))


class QuizSlot(models.Model):
    """One place in a quiz: a fixed question, or a random one from a category. No personal data."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    order = models.PositiveIntegerField()  # 1, 2, 3… in the quiz
    page = models.PositiveIntegerField(default=1)  # 1-based
    mark = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal(1))
    # A fixed question (its current version is drawn when an attempt starts)…
    question = models.ForeignKey(
        "assessment_banks.Question", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # …or a random one from this category (and below it), having every tag named.
    category = models.ForeignKey(
        "assessment_banks.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    include_subcategories = models.BooleanField(default=True)
    tags = models.JSONField(default=list, blank=True)  # tag names, e.g. ["pace", "2024"]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "order"], name="quiz_slot_order_unique"),
            models.CheckConstraint(
                condition=(Q(question__isnull=False) & Q(category__isnull=True))
                | (Q(question__isnull=True) & Q(category__isnull=False)),
                name="quiz_slot_fixed_or_random",
            ),
        ]
        ordering = ["quiz", "order"]

    def __str__(self) -> str:
        return f"Slot {self.order} of {self.quiz}"

    @property
    def is_random(self) -> bool:
        return self.category_id is not None


class Attempt(models.Model):
    """One person's attempt at a quiz. Personal data: who took it, when, their marks and grade.
    A preview (a course manager trying the quiz) is kept apart from learners' results."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        FINISHED = "finished", "Finished"
        ABANDONED = "abandoned", "Abandoned"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The enrolment it was taken under (None for a preview).
    enrolment = models.ForeignKey(
        "learning.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    preview = models.BooleanField(default=False)
    number = models.PositiveIntegerField()  # the person's 1st, 2nd… attempt (previews apart)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    # Start + time limit + the person's extra time, never after the quiz closes; None: no limit.
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Finished because time ran out (by the job or the next request), not by the learner.
    submitted_by_timer = models.BooleanField(default=False)
    current_page = models.PositiveIntegerField(default=1)
    pages = models.PositiveIntegerField(default=1)
    # The sum of the questions' marks (None until finished) out of max_marks (fixed at start).
    sum_marks = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    max_marks = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal(0))
    # sum_marks / max_marks × 100; None while in progress or while essays wait for a marker.
    grade = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    needs_marking = models.BooleanField(default=False)
    last_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "person", "preview", "number"], name="quiz_attempt_number_unique"
            ),
            # One attempt in progress per person (a double click on "Start" makes one).
            models.UniqueConstraint(
                fields=["quiz", "person", "preview"],
                condition=Q(state="in_progress"),
                name="quiz_attempt_one_in_progress",
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "person"]),
            models.Index(fields=["state", "deadline_at"]),
            models.Index(fields=["quiz", "state", "needs_marking"]),
        ]
        ordering = ["quiz", "person", "number"]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.quiz}"


class AttemptQuestion(models.Model):
    """One question of an attempt. Personal data: the person's response, mark and the marker's
    comment on it.

    `choice_order` is how the question was laid out for this attempt (see marking.py `layout`):
    multichoice {"answers": [2, 0, 1]} (indexes into the version's answers); matching
    {"answers": [..]} (the order of the answer options); ordering {"items": [..]} (the order the
    items were first shown in); gapselect {"groups": {"1": [..]}}. `response` is the learner's
    answer in the shape marking.py documents for the question's type."""

    class State(models.TextChoices):
        TODO = "todo", "Not yet answered"
        COMPLETE = "complete", "Answer saved"
        GRADED_RIGHT = "gradedright", "Correct"
        GRADED_WRONG = "gradedwrong", "Incorrect"
        GRADED_PARTIAL = "gradedpartial", "Partially correct"
        NEEDS_GRADING = "needsgrading", "Requires marking"
        MANUAL = "manual", "Marked by hand"
        GAVE_UP = "gaveup", "Not answered"
        INFO = "info", "Information"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    slot = models.ForeignKey(QuizSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    slot_number = models.PositiveIntegerField()  # the slot's order in the quiz when it was drawn
    position = models.PositiveIntegerField()  # the number the learner saw ("Question 3")
    page = models.PositiveIntegerField()
    question_version = models.ForeignKey(
        "assessment_banks.QuestionVersion", on_delete=models.PROTECT, related_name="+"
    )
    choice_order = models.JSONField(default=dict, blank=True)
    response = models.JSONField(default=dict, blank=True)
    # The client's counter of its saves: an autosave that arrives after a newer save is ignored.
    sequence = models.PositiveBigIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    mark = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    max_mark = models.DecimalField(max_digits=8, decimal_places=4)
    state = models.CharField(max_length=14, choices=State.choices, default=State.TODO)
    # A marker's comment and who marked it (essays; overrides).
    comment = models.TextField(blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "slot_number"], name="attempt_question_slot_unique"),
        ]
        indexes = [
            models.Index(fields=["attempt", "page"]),
            models.Index(fields=["question_version", "state"]),
        ]
        ordering = ["attempt", "position"]

    def __str__(self) -> str:
        return f"Question {self.position} of {self.attempt}"


class Adjustment(models.Model):
    """A reasonable adjustment for one person on one quiz. Personal data: who it is for, why
    (which may touch on health or disability: shown only to the course's managers), and who
    granted or revoked it."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="adjustments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Extra time: a number of seconds, or a percentage of the time limit (either or both).
    extra_time_seconds = models.PositiveIntegerField(default=0)
    extra_time_percent = models.PositiveIntegerField(default=0)
    extra_attempts = models.PositiveIntegerField(default=0)
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "person"],
                condition=Q(revoked_at__isnull=True),
                name="quiz_adjustment_one_in_force",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "person"])]
        ordering = ["quiz", "-granted_at"]

    def __str__(self) -> str:
        return f"Adjustment for {self.person} on {self.quiz}"

    def extra_seconds(self, time_limit: int | None) -> int:
        """The extra time this adjustment gives on a limit of `time_limit` seconds."""
        if not time_limit:
            return 0
        return int(self.extra_time_seconds) + (int(time_limit) * int(self.extra_time_percent)) // 100


class RegradeRun(models.Model):
    """A regrade of a quiz's finished attempts (or a dry run that only reports what would change).
    No personal data but who started it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="regrades")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    # Re-mark against each question's current version instead of the version the attempt saw.
    to_latest_version = models.BooleanField(default=False)
    # Which questions: {"slots": [1, 3]} and/or {"questions": ["<question uuid>"]}; {} is all.
    question_filter = models.JSONField(default=dict, blank=True)
    attempts_regraded = models.PositiveIntegerField(default=0)
    questions_changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["quiz", "-started_at"]

    def __str__(self) -> str:
        return f"Regrade of {self.quiz} at {self.started_at}"


class RegradeChange(models.Model):
    """One question of one attempt whose mark a regrade changed (or would change). Personal data:
    the person's old and new marks (through the attempt)."""

    run = models.ForeignKey(RegradeRun, on_delete=models.CASCADE, related_name="changes")
    attempt_question = models.ForeignKey(AttemptQuestion, on_delete=models.CASCADE, related_name="+")
    old_version = models.ForeignKey(
        "assessment_banks.QuestionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_version = models.ForeignKey(
        "assessment_banks.QuestionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    old_fraction = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    new_fraction = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    old_mark = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    new_mark = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    old_state = models.CharField(max_length=14, blank=True)
    new_state = models.CharField(max_length=14, blank=True)

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt_question}: {self.old_mark} → {self.new_mark}"
