"""Programmes and qualifications: a structured pathway of units (courses) in sets with rules,
versioned; cohorts with start dates; people's places on a programme (from application to
completion), their tutor and concierge, and the messages kept on their record
(docs/decisions/0015-programmes.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Programme(models.Model):
    """A qualification or pathway (CMI Level 7 Certificate in Strategic Leadership, PCDA), owned by
    the national body (open to licensed forces) or by a force. No personal data but who made it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Size(models.TextChoices):
        AWARD = "award", "Award"
        CERTIFICATE = "certificate", "Certificate"
        DIPLOMA = "diploma", "Diploma"
        DEGREE = "degree", "Degree or apprenticeship"
        PATHWAY = "pathway", "Pathway (no qualification)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40, help_text="Short reference, unique within the owner.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    level = models.CharField(max_length=40, blank=True, help_text="e.g. Level 7")
    awarding_body = models.CharField(max_length=120, blank=True, help_text="e.g. CMI; empty for none")
    qualification_size = models.CharField(max_length=12, choices=Size.choices, default=Size.CERTIFICATE)
    credit_total = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Credits needed for the qualification; empty if it is not credit-rated.",
    )
    # Who may apply: learners apply and their line manager then a programme administrator approve.
    applications_open = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The version new places take: the latest published.
    current_version = models.ForeignKey(
        "ProgrammeVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_email = models.EmailField("programme concierge's e-mail", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="programme_code_unique_per_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgrammeVersion(models.Model):
    """The structure of a programme at one time. Published versions never change: people placed on
    one keep it; changes go into a new draft. No personal data but who made it."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    notes = models.TextField("what changed", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class UnitSet(models.Model):
    """A set of units with its rule: all mandatory, or at least N of them, or at least N credits;
    taken in order (each unit opens when the one before is complete) or in any order."""

    class Rule(models.TextChoices):
        ALL = "all", "Every unit"
        AT_LEAST_UNITS = "units", "At least a number of units"
        AT_LEAST_CREDITS = "credits", "At least a number of credits"

    class Sequence(models.TextChoices):
        ANY_ORDER = "any", "In any order"
        IN_ORDER = "ordered", "In order"

    version = models.ForeignKey(ProgrammeVersion, on_delete=models.CASCADE, related_name="sets")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rule = models.CharField(max_length=8, choices=Rule.choices, default=Rule.ALL)
    required_units = models.PositiveIntegerField(null=True, blank=True)
    required_credits = models.PositiveIntegerField(null=True, blank=True)
    sequence = models.CharField(max_length=8, choices=Sequence.choices, default=Sequence.ANY_ORDER)

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="unit_set_order_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def mandatory(self) -> bool:
        return self.rule == self.Rule.ALL


class ProgrammeUnit(models.Model):
    """One unit of a set: a course (which holds the quizzes, assignments, e-learning and
    workshops), its credits, and when it is due in a cohort's plan (days after the start)."""

    unit_set = models.ForeignKey(UnitSet, on_delete=models.CASCADE, related_name="units")
    order = models.PositiveIntegerField()
    course = models.ForeignKey("learning.Course", on_delete=models.PROTECT, related_name="+")
    credits = models.PositiveIntegerField(default=0)
    due_after_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Due this many days after the cohort starts; empty: no due date."
    )

    class Meta:
        ordering = ["unit_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["unit_set", "order"], name="programme_unit_order_unique"),
            models.UniqueConstraint(fields=["unit_set", "course"], name="programme_unit_course_once"),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.credits} credits)"


class Cohort(models.Model):
    """People starting a programme together: their plan's due dates count from `starts_on`. Run
    by the programme's owner or, for a national programme, by a force for its own people. No
    personal data."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    places = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation", "name"], name="cohort_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.starts_on:%d %B %Y})"


class Place(models.Model):
    """A person's place on a programme: applied (waiting for their line manager, then a programme
    administrator), on it, completed, withdrawn or refused; the version they follow, their cohort,
    tutor and concierge, and the awarding body's registration number.

    Personal data: the person; their application statement; decisions and notes about them by
    their manager and administrators; their registration number; their tutor and concierge."""

    class Status(models.TextChoices):
        MANAGER = "manager", "Waiting for their line manager"
        ADMIN = "admin", "Waiting for a programme administrator"
        ACTIVE = "active", "On the programme"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REFUSED = "refused", "Not approved"

    class Method(models.TextChoices):
        APPLICATION = "application", "Applied"
        ADMIN = "admin", "Placed by an administrator"
        AUDIENCE = "audience", "By an audience rule"
        API = "api", "Through the API"

    LIVE = (Status.MANAGER, Status.ADMIN, Status.ACTIVE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="places")
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="places")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    method = models.CharField(max_length=12, choices=Method.choices)
    statement = models.TextField("why they applied", blank=True)
    applied_at = models.DateTimeField(default=timezone.now)
    manager_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_decided_at = models.DateTimeField(null=True, blank=True)
    manager_note = models.TextField(blank=True)
    admin_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admin_decided_at = models.DateTimeField(null=True, blank=True)
    admin_note = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concierge = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registration_number = models.CharField("awarding body's registration number", max_length=40, blank=True)
    registered_on = models.DateField(null=True, blank=True)
    claimed_on = models.DateField(
        null=True, blank=True, help_text="When the award was claimed from the awarding body."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        indexes = [models.Index(fields=["programme", "status"]), models.Index(fields=["tutor", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(status__in=["manager", "admin", "active"]),
                name="place_one_live_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.programme.code} ({self.get_status_display()})"


class Message(models.Model):
    """One message of the thread between a learner on a programme and their tutor, concierge or
    programme administrators, kept on their record. Personal data: its author and its words."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    read_by_learner_at = models.DateTimeField(null=True, blank=True)
    read_by_staff_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["place", "sent_at", "pk"]

    def __str__(self) -> str:
        return f"Message from {self.author} at {self.sent_at:%Y-%m-%d %H:%M}"


class AudienceRule(models.Model):
    """Places people on a programme automatically: everyone of an organisation matching the rule
    (units with everything below, ranks, job roles) gets a place in the cohort, kept up to date as
    people change. No personal data but who made it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="audience_rules")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="audience_rules")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    unit_ids = models.JSONField(default=list, blank=True)
    ranks = models.JSONField(default=list, blank=True)
    job_roles = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Audience of {self.programme.code} in {self.organisation}"
