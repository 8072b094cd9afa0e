"""Organisations, their unit trees, the licences they hold, and who holds which role where."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_Node

from bluelamp.organisations.roles import Role


class Organisation(models.Model):  # type: ignore[django-manager-missing]  # Unit's manager is treebeard's, untyped
    """A licensed organisation (or the national body). Holds no personal data."""

    class Kind(models.TextChoices):
        NATIONAL_BODY = "national_body", "National body"
        HOME_OFFICE_FORCE = "home_office_force", "Home Office force"
        OTHER_FORCE = "other_force", "Non-Home Office force"
        PARTNER_AGENCY = "partner_agency", "Partner agency"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    host_name = models.CharField(
        max_length=253,
        unique=True,
        null=True,
        blank=True,
        help_text="Host name that routes to this organisation's domain, e.g. kent.learn.example",
        validators=[
            RegexValidator(
                r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
                "Enter a lower-case host name such as kent.learn.example (no scheme or path).",
            )
        ],
    )
    brand_colour = models.CharField(
        max_length=7,
        default="#1d4f91",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb, e.g. #1d4f91.")],
    )
    logo = models.FileField(upload_to="organisation-logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national_body(self) -> bool:
        return self.kind == self.Kind.NATIONAL_BODY


class Unit(MP_Node):
    """A node of an organisation's structure: force → BCU/department → team. No personal data."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=50, blank=True)
    # The names from the root down, joined by "/": what HR files and people see.
    full_path = models.CharField(max_length=1000, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # No node_order_by: new units are appended, so creating one never rewrites its siblings'
    # paths (the top level is shared by every organisation). Pages sort siblings by name.

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "full_path"], name="unit_unique_path_per_org")
        ]
        indexes = [models.Index(fields=["organisation", "path"])]

    def __str__(self) -> str:
        return self.full_path


class LicenceType(models.TextChoices):
    DIGITAL_SERVICES = "PL-P-101", "PL-P-101 Digital Services Licence"
    DIGITAL_CONTENT_ACCESS = "PL-P-200", "PL-P-200 Digital Content Access Licence"


class Licence(models.Model):
    """A licence held by an organisation. No personal data (contacts are in LicenceContact)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="licences")
    type = models.CharField(max_length=10, choices=LicenceType.choices)
    reference = models.CharField(max_length=60, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty for no end date")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(blank=True)
    shares_names_nationally = models.BooleanField(
        "national body may see people by name",
        default=False,
        help_text="In compliance reports, the national body sees this organisation's figures always, "
        "and its people by name only where a licence in force allows it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "type", "-starts_on"]
        indexes = [models.Index(fields=["organisation", "type", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="licence_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.type})"

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )


class LicenceContact(models.Model):
    """A key contact for a licence: receives release notes, service notices and expiry reminders.

    Personal data: name, e-mail address, job title, optionally a link to their person record.
    """

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField(max_length=100, blank=True, help_text="e.g. Head of Learning")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "email"], name="licence_contact_unique_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class LicenceReminder(models.Model):
    """That the N-days-ahead expiry reminder for a licence's current end date has been sent."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    ends_on = models.DateField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "days_before", "ends_on"], name="licence_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence} reminder {self.days_before} days before {self.ends_on}"


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self) -> "RoleAssignmentQuerySet":
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(models.Model):
    """A person holds a role nationally, in one organisation, or in one unit subtree.

    Personal data: who holds which role, who granted/revoked it and when.
    Revoked assignments are kept (revoked_at set) so that history answers "since when".
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    # Both empty: national scope. Organisation only: the whole organisation. Unit: its subtree.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(organisation__isnull=False),
                name="role_unit_needs_organisation",
            ),
            models.UniqueConstraint(
                fields=["person", "role", "organisation", "unit"],
                condition=Q(revoked_at__isnull=True),
                nulls_distinct=False,
                name="role_assignment_current_unique",
            ),
        ]
        indexes = [models.Index(fields=["person", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.scope_label}"

    @property
    def scope_label(self) -> str:
        # role_unit_needs_organisation: a unit comes with its organisation.
        organisation, unit = self.organisation, self.unit
        if organisation is not None and unit is not None:
            return f"{organisation.name}: {unit.full_path}"
        if organisation is not None:
            return organisation.name
        return "National"


class SingleSignOn(models.Model):
    """An organisation's own identity provider (e.g. Entra ID), used to sign its people in.

    The protocol details live in allauth's SocialApp (client id, client secret, issuer URL), so that
    allauth's OpenID Connect and SAML providers can use them unchanged; this row says whose
    identity provider it is and who it may sign in. No personal data.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="single_sign_on")
    social_app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.PROTECT, related_name="bluelamp_single_sign_on"
    )
    enabled = models.BooleanField(
        default=True, help_text="Offered on the sign-in page and accepted when people come back from it"
    )
    # Off: only people already in the organisation (HR import) may sign in, matched by e-mail.
    create_unknown_people = models.BooleanField(default=False)
    # Lower-case domains such as "kent.police.uk"; an address must be in one of them exactly.
    allowed_email_domains = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "single sign-on"
        verbose_name_plural = "single sign-on"

    def __str__(self) -> str:
        return f"Single sign-on for {self.organisation}"

    @property
    def provider_id(self) -> str:
        return self.social_app.provider_id

    @property
    def server_url(self) -> str:
        return self.social_app.settings.get("server_url", "")

    def allows_email(self, email: str) -> bool:
        domain = email.rpartition("@")[2].lower()
        return bool(domain) and domain in self.allowed_email_domains
