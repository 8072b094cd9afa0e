"""Courses, their versions and activities, SCORM packages, enrolments, progress and the learner record.

A course belongs to an owner organisation: the national body (the national catalogue) or a
licensed organisation (its own domain content). What a learner takes is a *version* of the
course; publishing a new version leaves earlier enrolments and completions on the version taken.

The learner record (`Completion`) belongs to the person, not to their organisation, so it
survives transfers; it snapshots the course code, title and version so that it stays readable
even if a course is later retired or renamed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="courses")
    code = models.CharField(
        max_length=40, help_text="Short reference, unique within the owner: letters, digits, hyphens."
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    audience = models.TextField("audience notes", blank=True)
    duration_minutes = models.PositiveIntegerField("estimated duration (minutes)", null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="courses")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    self_enrolment = models.BooleanField(
        "learners may enrol themselves", default=True, help_text="Otherwise only admins and managers enrol."
    )
    # The version new enrolments take: the latest published one.
    current_version = models.ForeignKey(
        "CourseVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "code"], name="course_code_unique_per_owner")]
        indexes = [models.Index(fields=["status", "owner"])]
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CourseVersion(models.Model):
    class CompletionRule(models.TextChoices):
        ALL = "all", "Every activity is complete"
        REQUIRED = "required", "The activities marked as required are complete"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    completion_rule = models.CharField(
        max_length=10, choices=CompletionRule.choices, default=CompletionRule.ALL
    )
    notes = models.TextField("what changed", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="course_version_unique")]
        ordering = ["course", "number"]

    def __str__(self) -> str:
        return f"{self.course.code} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ScormPackage(models.Model):
    """An uploaded package; its files live in storage under `scorm/<uuid>/`."""

    class Version(models.TextChoices):
        SCORM_12 = "1.2", "SCORM 1.2"
        SCORM_2004 = "2004", "SCORM 2004"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    version = models.CharField(max_length=4, choices=Version.choices)
    schema_version = models.CharField(max_length=40)
    identifier = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    unpacked_bytes = models.BigIntegerField()
    file_count = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.title} ({self.get_version_display()})"

    @property
    def storage_prefix(self) -> str:
        return f"scorm/{self.uuid}/"


class Sco(models.Model):
    """A launchable item of a package, in the order of the manifest's tree."""

    package = models.ForeignKey(ScormPackage, on_delete=models.CASCADE, related_name="scos")
    order = models.PositiveIntegerField()
    identifier = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    href = models.CharField(max_length=1000)
    parameters = models.CharField(max_length=1000, blank=True)
    is_sco = models.BooleanField(default=True)
    depth = models.PositiveSmallIntegerField(default=0)
    mastery_score = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    scaled_passing_score = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    completion_threshold = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    launch_data = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["package", "identifier"], name="sco_identifier_unique")
        ]
        ordering = ["package", "order"]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    class Kind(models.TextChoices):
        SCORM = "scorm", "E-learning (SCORM package)"
        PAGE = "page", "Page"
        MEDIA = "media", "Video or audio"
        FILE = "file", "File or document"
        LINK = "link", "External link"

    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveIntegerField()
    # One of Kind, or a kind another domain registered (kinds.py: quizzes, assignments).
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    required = models.BooleanField(
        default=True, help_text="Counts towards completion under the 'required' rule."
    )
    # PAGE: Markdown; MEDIA: the transcript (Markdown); others: an optional introduction.
    body = models.TextField(blank=True)
    scorm_package = models.ForeignKey(
        ScormPackage, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    file = models.FileField(upload_to="learning/files/%Y/", blank=True, max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    # A registered kind's key of what the activity stands for (a quiz's UUID); copied with the
    # activity into a new draft, so versions share it.
    target = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="activity_order_unique")]

    def __str__(self) -> str:
        return self.title

    def get_kind_display(self) -> str:
        from bluelamp.learning.kinds import kind_label

        return kind_label(self.kind)

    def registered_kind(self):
        """The kind another domain registered (kinds.py), or None for learning's own kinds."""
        from bluelamp.learning.kinds import registered_kind

        return registered_kind(self.kind)


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Enrolled"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Unenrolled"

    class Method(models.TextChoices):
        SELF = "self", "Self-enrolled"
        ADMIN = "admin", "By a training administrator"
        UNIT = "unit", "With their unit"
        CSV = "csv", "From a CSV file"
        MANAGER = "manager", "By their line manager"
        API = "api", "Through the API"
        REQUIRED = "required", "Required training"
        PROGRAMME = "programme", "A unit of their programme"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    method = models.CharField(max_length=10, choices=Method.choices)
    enrolled_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            # One enrolment in progress per person and course; unenrolled and completed ones stay
            # as history (training that must be renewed enrols someone who completed it again).
            models.UniqueConstraint(
                fields=["person", "course"],
                condition=Q(status="active"),
                name="enrolment_one_active_per_course",
            )
        ]
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(fields=["course", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.course.code}"


class ActivityProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Not passed"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The SCO the learner was last in (multi-SCO packages): "resume" goes back there.
    last_sco = models.ForeignKey(Sco, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "activity"], name="activity_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.get_status_display()})"


class ScoAttempt(models.Model):
    """The CMI data model of one learner in one SCO, as last committed: what resume loads."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="sco_attempts")
    sco = models.ForeignKey(Sco, on_delete=models.PROTECT, related_name="+")
    cmi = models.JSONField(default=dict)
    completion_status = models.CharField(max_length=20, default="not attempted")
    success_status = models.CharField(max_length=10, default="unknown")
    score_scaled = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    score_raw = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    location = models.CharField(max_length=1000, blank=True)
    suspend_data = models.TextField(blank=True)  # never truncated: SCORM 2004 allows 64,000 characters
    exit = models.CharField(max_length=20, blank=True)
    total_seconds = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    commits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "sco"], name="sco_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.sco} ({self.completion_status})"


class ScoSession(models.Model):
    """One launch of a SCO. Commits carry the session and a rising sequence number, so a commit
    that arrives twice (or late, after a newer one) changes nothing; time is the sum over sessions
    of each session's latest reported session time, so repeats never double-count."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempt = models.ForeignKey(ScoAttempt, on_delete=models.CASCADE, related_name="sessions")
    started_at = models.DateTimeField(default=timezone.now)
    last_commit_at = models.DateTimeField(null=True, blank=True)
    last_sequence = models.PositiveIntegerField(default=0)
    session_seconds = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    terminated = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Session {self.uuid}"


class Completion(models.Model):
    """One line of a person's learner record."""

    class Source(models.TextChoices):
        PLATFORM = "platform", "Bluelamp"
        IMPORTED = "imported", "Imported history"
        EXTERNAL = "external", "External or CPD record"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completions")
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="completions"
    )
    version = models.ForeignKey(
        CourseVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolment = models.OneToOneField(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="completion"
    )
    # Snapshots: the record reads the same after a course is renamed or retired.
    course_code = models.CharField(max_length=40, blank=True)
    course_title = models.CharField(max_length=200)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    provider = models.CharField(max_length=200, blank=True, help_text="Who provided it (external records).")
    # The organisation the person belonged to when they completed it.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    hours = models.DecimalField("CPD hours", max_digits=6, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    evidence = models.FileField(upload_to="learning/evidence/%Y/", blank=True, max_length=500)
    evidence_name = models.CharField(
        max_length=255, blank=True, help_text="The evidence file's name as uploaded."
    )
    notes = models.TextField(blank=True)
    import_run = models.ForeignKey(
        "CompletionImportRun", null=True, blank=True, on_delete=models.PROTECT, related_name="completions"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["person", "-completed_on"]),
            models.Index(fields=["course", "completed_on"]),
        ]
        ordering = ["-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} completed {self.course_title} on {self.completed_on}"


class CompletionImportRun(models.Model):
    """A CSV of historical completions: checked in full, then applied all at once or not at all."""

    class Outcome(models.TextChoices):
        CHECKED = "checked", "Checked, not applied"
        APPLIED = "applied", "Applied"
        REFUSED = "refused", "Refused (errors)"
        FAILED = "failed", "Failed: nothing added"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    # Failed: why the file could not be read, or the import could not finish, for a person to act on.
    failure_reason = models.TextField(blank=True)
    # For an apply: the check it applies, so that a second "Apply" finds the first.
    checked_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_outcome_display()})"
