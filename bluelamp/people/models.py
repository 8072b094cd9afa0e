"""People: the start of the master learner record.

Personal data: name, work e-mail, staff/collar number, rank or grade, job role, unit, line
manager, employment start and leaving dates, sign-in details (password hash, last sign-in).
No protected characteristics are held here.
"""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class Person(AbstractBaseUser, PermissionsMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LEAVER = "leaver", "Leaver"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("e-mail address", max_length=254, unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="people"
    )
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    staff_number = models.CharField(
        "staff or collar number", max_length=30, blank=True, help_text="Unique within the organisation"
    )
    rank = models.CharField("rank or grade", max_length=100, blank=True)
    job_role = models.CharField(max_length=200, blank=True)
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    employment_start_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(null=True, blank=True)
    # Django's flags. is_staff/is_superuser follow the platform administrator role (see roles).
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "staff_number"],
                condition=~Q(staff_number=""),
                name="person_unique_staff_number_per_org",
            ),
            models.UniqueConstraint(Lower("email"), name="person_unique_email_ci"),
        ]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def is_leaver(self) -> bool:
        return self.status == self.Status.LEAVER


class PersonTransfer(models.Model):
    """A move between organisations. The person keeps their record; this keeps the history.

    Personal data: the person's old and new staff numbers, units and organisations.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers")
    from_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    from_unit_path = models.CharField(max_length=1000, blank=True)
    from_staff_number = models.CharField(max_length=30, blank=True)
    to_staff_number = models.CharField(max_length=30, blank=True)
    transferred_at = models.DateTimeField()
    transferred_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-transferred_at"]

    def __str__(self) -> str:
        return f"{self.person} from {self.from_organisation} to {self.to_organisation}"


class ImportRun(models.Model):
    """One HR import (dry run or apply): what was asked, what was found, what was done.

    Personal data: the uploader, and in `errors` the offending values from the file (which may be
    names, e-mail addresses or staff numbers).
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", "Waiting to be processed"
        VALID = "valid", "Valid (dry run)"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected: errors found, nothing applied"
        FAILED = "failed", "Failed: nothing applied"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="import_runs"
    )
    started_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    # The uploaded file, kept so that a checked file can be applied without uploading it again.
    stored_file = models.FileField(upload_to="people-imports/", blank=True)
    dry_run = models.BooleanField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # For an apply: the check it applies (the report a person approved).
    checked_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Large files are processed by a background task; these say how far it has got.
    phase = models.CharField(max_length=30, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)
    # The first few hundred errors (the CLI prints them all); error_count is the true total.
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    new_units = models.JSONField(default=list)
    # Failed: why the file could not be read, or the import could not finish, for a person to act on.
    failure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_outcome_display()})"


class EqualityProfile(models.Model):
    """What a person chose to tell for equality monitoring (people/equality.py): each answer
    optional, "prefer_not" when they preferred not to say, "" unanswered.

    Personal data: special category data (UK GDPR Art. 9: protected characteristics). Read only by
    the person themself and, for everyone else, in aggregate with groups under 10 suppressed
    (`equality.equality_breakdown`). Never exported, never in the admin, never in an API."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(max_length=20, blank=True)
    gender_identity = models.CharField(max_length=20, blank=True)
    age_band = models.CharField(max_length=20, blank=True)
    disability = models.CharField(max_length=20, blank=True)
    ethnic_group = models.CharField(max_length=20, blank=True)
    religion = models.CharField(max_length=20, blank=True)
    sexual_orientation = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"equality answers of {self.person_id}"
