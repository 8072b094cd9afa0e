"""Assignments: written work a learner submits on a course, marked by tutors against criteria, a
rubric, a scale or points, released to the learner, referred and resubmitted, and moderated
(the CMI pattern; docs/decisions/0013-assessment.md and this applet's README.md).

The learner's side (submitting, drafts, extensions, receipts) is written by services.py; the
marking side (allocation, workflow, judgements, release, referral, moderation) by marking.py and
moderation.py. Both read and write these models.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def _stored_name(instance, filename: str) -> str:
    """Files are stored under a random name: an uploaded file's name may be personal data (the
    original name is kept in the row, shown only to those who may see the submission)."""
    suffix = ""
    if "." in filename:
        suffix = "." + filename.rsplit(".", 1)[1].lower()[:10]
    now = timezone.now()
    return f"assessment/assignments/{now:%Y}/{uuid.uuid4().hex}{suffix}"


class Assignment(models.Model):
    """An assignment: a course activity (learning's Activity kind "assignment", target = uuid).
    No personal data but who created and last changed it."""

    class Grading(models.TextChoices):
        CRITERIA = "criteria", "Assessment criteria (each met or not yet met; a pass needs all met)"
        RUBRIC = "rubric", "Rubric (criteria with levels worth points)"
        SCALE = "scale", "Scale (pass or refer, or distinction, merit, pass, refer)"
        POINTS = "points", "Points (0 to a maximum)"

    class Scale(models.TextChoices):
        PASS_REFER = "pass_refer", "Pass or refer"
        DMPR = "dmpr", "Distinction, merit, pass or refer"

    class LatePolicy(models.TextChoices):
        ACCEPT = "accept", "Accept late work (until the cut-off, if there is one) and flag it as late"
        REFUSE = (
            "refuse",
            "Refuse late work: nothing after the due date (unless the learner has an extension)",
        )
        PENALTY = "penalty", "Accept late work with a penalty for each day late (capped)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("learning.Course", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    brief = models.TextField(blank=True, help_text="Markdown")

    grading = models.CharField(max_length=20, choices=Grading.choices, default=Grading.CRITERIA)
    scale = models.CharField(max_length=20, choices=Scale.choices, default=Scale.PASS_REFER)
    # Points grading: 0..max_points, a pass from pass_points. Rubric: the maximum is the sum of
    # each criterion's highest level; a pass from pass_points (None: half the maximum).
    max_points = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(100))
    pass_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    due_at = models.DateTimeField(null=True, blank=True)
    # No submissions after this (unless the learner has an extension); None: no cut-off.
    cut_off_at = models.DateTimeField(null=True, blank=True)
    late_policy = models.CharField(max_length=20, choices=LatePolicy.choices, default=LatePolicy.ACCEPT)
    late_penalty_percent_per_day = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    late_penalty_cap_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))

    word_limit = models.PositiveIntegerField(null=True, blank=True)
    # True: online text over the limit is refused; False: the learner is warned only.
    word_limit_enforced = models.BooleanField(default=False)

    accepts_online_text = models.BooleanField(default=True)
    accepts_files = models.BooleanField(default=True)
    # Lower-case extensions without the dot, e.g. ["pdf", "docx"]; empty: any of the house's
    # accepted document types (services.DEFAULT_FILE_TYPES).
    allowed_file_types = models.JSONField(default=list, blank=True)
    max_file_mb = models.PositiveIntegerField(default=20)
    max_files = models.PositiveSmallIntegerField(default=5)

    requires_declaration = models.BooleanField(default=True)
    declaration_text = models.TextField(blank=True)
    # True: the learner saves drafts, then submits the final version; False: saving is submitting.
    allows_drafts = models.BooleanField(default=True)
    # How many times a referred learner may resubmit (0: a referral is final).
    resubmissions_allowed = models.PositiveSmallIntegerField(default=1)
    # A resubmission is due this many days after the referral is released (Submission.due_at).
    resubmission_days = models.PositiveSmallIntegerField(default=28)

    anonymous_marking = models.BooleanField(default=False)
    # Anonymous marking: when names were revealed to the markers (None: not yet).
    identities_revealed_at = models.DateTimeField(null=True, blank=True)

    # Moderation / internal verification: this share of marked work, plus every fail and every
    # borderline. Borderline: a grade within `borderline_points` of the pass mark (points and
    # rubric), a referral missing at most `borderline_criteria` criteria (criteria), or a
    # submission the marker flagged (Submission.marked_borderline).
    moderation_sample_percent = models.PositiveSmallIntegerField(default=10)
    borderline_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    borderline_criteria = models.PositiveSmallIntegerField(default=1)

    # Notices: deadline reminders this many days before the due date (e.g. [3, 1]); tell the
    # allocated markers (else the course's tutors) when a final submission arrives.
    reminder_days = models.JSONField(default=list, blank=True)
    notify_markers = models.BooleanField(default=True)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["course", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cut_off_at__isnull=True)
                | Q(due_at__isnull=False, cut_off_at__gte=models.F("due_at")),
                name="assignment_cut_off_after_due",
            ),
            models.CheckConstraint(
                condition=Q(accepts_online_text=True) | Q(accepts_files=True),
                name="assignment_accepts_something",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def grade_range(self) -> tuple[Decimal, Decimal]:
        """(max_grade, pass_grade) as the gradebook holds them. Criteria: 100 = every criterion
        met (a grade is the share met), a pass needs 100. Scale: pass/refer is 100/0;
        distinction 100, merit 75, pass 50, refer 0. Points: 0..max_points. Rubric: 0..the sum of
        each criterion's best level. Needs the criteria (and levels) for a rubric."""
        if self.grading == self.Grading.CRITERIA:
            return Decimal(100), Decimal(100)
        if self.grading == self.Grading.SCALE:
            return Decimal(100), Decimal(100) if self.scale == self.Scale.PASS_REFER else Decimal(50)
        if self.grading == self.Grading.RUBRIC:
            top = sum(
                (
                    max((level.points for level in criterion.levels.all()), default=Decimal(0))
                    for criterion in self.criteria.all()
                ),
                Decimal(0),
            )
            return top, self.pass_points if self.pass_points is not None else top / 2
        return self.max_points, self.pass_points if self.pass_points is not None else self.max_points / 2


# The grade each scale outcome stands for in the gradebook (see Assignment.grade_range).
SCALE_GRADES = {
    "distinction": Decimal(100),
    "merit": Decimal(75),
    "pass": Decimal(50),
    "refer": Decimal(0),
}


class Criterion(models.Model):
    """An assessment criterion of an assignment (a CMI unit's learning outcome and its criteria,
    e.g. "AC 1.1"). No personal data."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=30, blank=True)
    learning_outcome = models.TextField(blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["assignment", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}".strip()


class RubricLevel(models.Model):
    """A level of a rubric criterion, worth `points`. No personal data."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=100)
    points = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion", "order", "points", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"


class Participant(models.Model):
    """A learner's anonymous number at an assignment ("Participant 4821"): the same for every
    attempt, unique within the assignment, given when they first start (services). Personal
    data: links the number to the person."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "person"], name="participant_one_per_person"),
            models.UniqueConstraint(fields=["assignment", "number"], name="participant_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Participant {self.number}"


class Submission(models.Model):
    """One attempt of a learner at an assignment (attempt 1, then one per resubmission after a
    referral). Personal data: the learner, their work (text and files), when they submitted,
    lateness and extension, their marks, the feedback on their work and who marked it.

    `status` is the learner's side (draft, then submitted). `state` is the marking workflow,
    written only by the marking side: not marked -> in marking -> ready for release -> released.
    Marks and feedback are shown to the learner only once `state` is released."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class State(models.TextChoices):
        NOT_MARKED = "not_marked", "Not marked"
        IN_MARKING = "in_marking", "In marking"
        READY_FOR_RELEASE = "ready_for_release", "Ready for release"
        RELEASED = "released", "Released"

    class Outcome(models.TextChoices):
        DISTINCTION = "distinction", "Distinction"
        MERIT = "merit", "Merit"
        PASS = "pass", "Pass"
        REFER = "refer", "Refer"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="submissions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attempt = models.PositiveSmallIntegerField(default=1)
    # The referred submission this one resubmits (None for attempt 1).
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="resubmission"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # This attempt's own due date (a resubmission's: the referral's release plus the assignment's
    # resubmission_days); None: the assignment's due date.
    due_at = models.DateTimeField(null=True, blank=True)

    online_text = models.TextField(blank=True)
    word_count = models.PositiveIntegerField(default=0)
    declaration_accepted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # A receipt the learner can quote, e.g. "A-7K3Q-9XD2" (set on final submission).
    receipt = models.CharField(max_length=20, blank=True)
    late = models.BooleanField(default=False)
    late_by_seconds = models.PositiveIntegerField(default=0)
    extension = models.ForeignKey(
        "Extension", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    # Late-penalty policy: the percent taken off the grade (capped), fixed at submission.
    late_penalty_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    # Anonymous marking: "Participant 4821" — the same number for every attempt of this person
    # at this assignment, unique within the assignment (copied from Participant).
    participant_number = models.PositiveIntegerField()

    # Marking (written by the marking side).
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_MARKED)
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The grade in gradebook units (Assignment.grade_range) before any late penalty, and after.
    grade = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    final_grade = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    # Points (points grading) or the rubric's total, as the marker gave them.
    points = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    feedback = models.TextField(blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_borderline = models.BooleanField(default=False)
    referred = models.BooleanField(default=False)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "person", "attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "person", "attempt"], name="submission_unique_attempt"
            ),
        ]
        indexes = [
            models.Index(fields=["assignment", "state"]),
            models.Index(fields=["person", "assignment"]),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} attempt {self.attempt} ({self.participant_label})"

    @property
    def participant_label(self) -> str:
        return f"Participant {self.participant_number}"

    @property
    def is_released(self) -> bool:
        return self.state == self.State.RELEASED

    @property
    def passed(self) -> bool:
        return self.is_released and not self.referred and self.outcome != self.Outcome.REFER


class SubmissionFile(models.Model):
    """A file of a submission: the learner's work (kind submission) or a marker's feedback file
    (kind feedback). Personal data: the file's content and original name, who uploaded it."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", "Submission"
        FEEDBACK = "feedback", "Feedback"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUBMISSION)
    file = models.FileField(upload_to=_stored_name, max_length=500)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["submission", "kind", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Extension(models.Model):
    """A learner's extension to an assignment's deadline: the new due date (which also stands as
    their cut-off), why, who approved it; revoked rather than deleted. Personal data: the
    learner, the reason (may touch on health or circumstances), who approved or revoked it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    reason = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["assignment", "-approved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "person"],
                condition=Q(revoked_at__isnull=True),
                name="extension_one_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"Extension to {self.due_at:%Y-%m-%d %H:%M}"


class MarkerAllocation(models.Model):
    """Who marks whom: a marker for one learner, or for every learner in a unit (a group) and the
    units below it. A learner's own allocation wins over a unit's. Personal data: the learner,
    the marker, who allocated."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="allocations")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    marker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(learner__isnull=False, unit__isnull=True)
                | Q(learner__isnull=True, unit__isnull=False),
                name="allocation_learner_or_unit",
            ),
            models.UniqueConstraint(
                fields=["assignment", "learner"],
                condition=Q(learner__isnull=False),
                name="allocation_one_per_learner",
            ),
            models.UniqueConstraint(
                fields=["assignment", "unit", "marker"],
                condition=Q(unit__isnull=False),
                name="allocation_unit_marker",
            ),
        ]

    def __str__(self) -> str:
        return f"Allocation on {self.assignment}"


class CriterionJudgement(models.Model):
    """A marker's judgement of one criterion in a submission: met / not yet met (criteria
    grading) or a level (rubric), with a comment. Personal data: a judgement of the learner's
    work, who made it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="judgements")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="judgements")
    met = models.BooleanField(null=True, blank=True)
    level = models.ForeignKey(
        RubricLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="judgements"
    )
    comment = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="judgement_one_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion} on {self.submission_id}"


class MarkingEvent(models.Model):
    """A step of a submission's marking workflow (its history). Personal data: who acted, the
    note."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="marking_events")
    from_state = models.CharField(max_length=20, choices=Submission.State.choices)
    to_state = models.CharField(max_length=20, choices=Submission.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"


class ModerationSample(models.Model):
    """A moderation / internal verification sample of an assignment's marked work, kept for the
    awarding body's external quality assurer. Personal data: who drew it, the notes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="samples")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    percent = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assignment", "-created_at"]

    def __str__(self) -> str:
        return f"Sample of {self.assignment} ({self.created_at:%Y-%m-%d})"


class SampleItem(models.Model):
    """A submission in a moderation sample, and why it is there. Personal data: through the
    submission."""

    class Reason(models.TextChoices):
        RANDOM = "random", "Random"
        FAIL = "fail", "Fail or referral"
        BORDERLINE = "borderline", "Borderline"
        CHOSEN = "chosen", "Chosen by the verifier"

    sample = models.ForeignKey(ModerationSample, on_delete=models.CASCADE, related_name="items")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="sample_items")
    reason = models.CharField(max_length=20, choices=Reason.choices)

    class Meta:
        ordering = ["sample", "pk"]
        constraints = [models.UniqueConstraint(fields=["sample", "submission"], name="sample_item_unique")]

    def __str__(self) -> str:
        return f"{self.submission_id} ({self.reason})"


class Verification(models.Model):
    """A verifier's decision on a sampled submission: agrees with the marker, or records a
    different grade/outcome (and per-criterion judgements, `criteria`: {criterion id: true/false
    or a level id}) with a note. Personal data: a judgement of the learner's work, who made it."""

    class Decision(models.TextChoices):
        AGREE = "agree", "Agree with the marker"
        DISAGREE = "disagree", "Disagree with the marker"

    item = models.ForeignKey(SampleItem, on_delete=models.CASCADE, related_name="verifications")
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    grade = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Submission.Outcome.choices, blank=True)
    criteria = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.item_id}"
