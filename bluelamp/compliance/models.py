"""Mandatory training: requirements, where each person stands on them, exemptions and extensions,
and the counts the dashboards read (docs/decisions/0012-compliance-dates.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bluelamp.compliance import rules


class Status(models.TextChoices):
    COMPLIANT = rules.COMPLIANT, "Compliant"
    DUE = rules.DUE, "Due"
    OVERDUE = rules.OVERDUE, "Overdue"
    ASSIGNED = rules.ASSIGNED, "Assigned"
    SUSPENDED = rules.SUSPENDED, "Suspended"
    EXEMPT = rules.EXEMPT, "Exempt"


class Requirement(models.Model):
    """Training some people must hold: which courses satisfy it, who must (the audience), by when,
    for how long. Owned by the national body (applies to every force while its PL-P-200 licence is
    in force) or by one force. Holds no personal data, but for `audience["include"]` /
    `audience["exclude"]` (ids of people named in or out) and who created or changed it."""

    class FirstDueKind(models.TextChoices):
        JOINING = "joining", "Days after joining the audience"
        START_DATE = "start_date", "Days after employment start"
        DATE = "date", "On a fixed date"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The rules over the master record (audiences.py): {"all": true} or any of "units" (unit ids,
    # each with everything below it), "ranks", "job_roles", "started_from"/"started_to" (ISO dates),
    # "requirements" (ids of requirements whose audience they are in); "include"/"exclude" (people).
    audience = models.JSONField(default=dict)
    first_due_kind = models.CharField(
        max_length=12, choices=FirstDueKind.choices, default=FirstDueKind.JOINING
    )
    first_due_days = models.PositiveIntegerField(default=0)
    first_due_date = models.DateField(null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: once completed, it never expires."
    )
    window_days = models.PositiveSmallIntegerField("recertification window (days before expiry)", default=0)
    due_soon_days = models.PositiveSmallIntegerField("due-soon horizon (days)", default=rules.DUE_SOON_DAYS)
    escalate_after_days = models.PositiveSmallIntegerField(
        "tell training administrators after this many days overdue", default=14
    )
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_by")
    auto_enrol = models.BooleanField(
        "enrol people automatically", default=False, help_text="They see it in My learning with its due date."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="requirement_unique_code_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def first_due(self) -> rules.FirstDue:
        return rules.FirstDue(kind=self.first_due_kind, days=self.first_due_days, date=self.first_due_date)


class RequirementCourse(models.Model):
    """A course that satisfies a requirement: any version, or `min_version` and later."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="course_links")
    course = models.ForeignKey("learning.Course", on_delete=models.PROTECT, related_name="+")
    min_version = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "course"], name="requirement_course_once")
        ]

    def __str__(self) -> str:
        return f"course {self.course_id} for requirement {self.requirement_id}"


class Assignment(models.Model):
    """Where one person stands on one requirement, kept up to date as completions, people and dates
    change (evaluation.py); rows are never deleted, so leaving and rejoining an audience keeps the
    history. Personal data: the person, their unit and their training status."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="assignments")
    # The person's organisation and unit, copied so that scoped counts need no join.
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    in_audience = models.BooleanField(default=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    due_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    last_completed_on = models.DateField(null=True, blank=True)
    in_date = models.BooleanField(default=False)
    next_change_on = models.DateField(null=True, blank=True)
    overdue_since = models.DateField(null=True, blank=True)
    evaluated_on = models.DateField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "requirement"], name="assignment_once_per_person")
        ]
        indexes = [
            models.Index(fields=["organisation", "requirement", "status"], name="assignment_org_req_status"),
            models.Index(fields=["unit", "requirement", "status"], name="assignment_unit_req_status"),
            models.Index(fields=["requirement", "due_on"], name="assignment_req_due"),
            models.Index(fields=["next_change_on"], name="assignment_next_change"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.requirement_id}: {self.status}"


class Exemption(models.Model):
    """Someone excused from a requirement for a while (or indefinitely), with the reason and
    evidence. Personal data: the person, the reason (may describe health) and the evidence file."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="exemptions")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    evidence = models.FileField(upload_to="compliance/evidence/%Y/", blank=True, max_length=500)
    evidence_name = models.CharField(max_length=255, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty for no end date")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["person", "requirement"], name="exemption_person_req")]

    def __str__(self) -> str:
        return f"exemption of {self.person_id} from {self.requirement_id}"

    @property
    def period(self) -> rules.Period:
        return rules.Period(self.starts_on, self.ends_on)


class Extension(models.Model):
    """A due date moved later, approved by a line manager or training administrator. Personal data:
    the person and the reason."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="extensions")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    from_due_on = models.DateField()
    to_due_on = models.DateField()
    reason = models.TextField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-approved_at"]
        indexes = [models.Index(fields=["person", "requirement"], name="extension_person_req")]

    def __str__(self) -> str:
        return f"extension for {self.person_id} on {self.requirement_id} to {self.to_due_on}"

    @property
    def rule(self) -> rules.Extension:
        return rules.Extension(self.from_due_on, self.to_due_on)


class StatusCount(models.Model):
    """How many people of one unit (0: people in no unit) stand in each status on a requirement,
    kept by evaluation.py as assignments change, so that dashboards add up counts instead of
    scanning people. No personal data."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    unit_key = models.PositiveIntegerField()
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "unit_key", "requirement", "status"], name="status_count_key"
            )
        ]
        indexes = [models.Index(fields=["requirement", "organisation"], name="status_count_req_org")]

    def __str__(self) -> str:
        return f"{self.requirement_id}/{self.unit_key}/{self.status}: {self.count}"


class MonthEndCount(models.Model):
    """The counts as they stood at a month's end, for trends: kept from the first month end after
    this was built, never recomputed. No personal data."""

    month_end = models.DateField()
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    unit_key = models.PositiveIntegerField()
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    count = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month_end", "organisation", "unit_key", "requirement", "status"],
                name="month_end_count_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month_end} {self.requirement_id}/{self.unit_key}/{self.status}: {self.count}"


class Sweep(models.Model):
    """One run of the nightly re-evaluation (or a month-end snapshot): when, how long, how many. No
    personal data."""

    kind = models.CharField(max_length=20, default="nightly")
    on = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    people = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "on"], condition=Q(kind="month_end"), name="one_month_end_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} sweep on {self.on}"


class ReportSchedule(models.Model):
    """A compliance report e-mailed on a schedule to chosen recipients. Personal data: the
    recipients' e-mail addresses (and the names in the report it sends)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly (Mondays)"
        MONTHLY = "monthly", "Monthly (the 1st)"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    format = models.CharField(max_length=5, choices=Format.choices, default=Format.CSV)
    recipients = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.frequency} report for {self.organisation_id}"
