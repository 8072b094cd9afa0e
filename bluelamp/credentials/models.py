"""Certificates and Open Badges 3.0 credentials: how an achievement's certificate looks
(templates), what was issued to whom (certificates, each with its signed credential), the
issuing organisations' signing keys and their revocation lists
(docs/decisions/0014-credentials.md)."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class IssuerKey(models.Model):
    """One of an organisation's Ed25519 keys for signing Open Badges credentials. The newest key
    not retired signs; retired keys stay published (in the issuer's DID document) so what they
    signed keeps verifying; a withdrawn key (compromised) is published no more, so what it
    signed stops verifying. The private key is stored encrypted (keys.py). No personal data but
    who withdrew it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    key_id = models.SlugField(max_length=40, help_text="The key's fragment in the issuer's DID document.")
    public_key = models.BinaryField(max_length=32)
    private_key_encrypted = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key_id"], name="issuer_key_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.key_id}"

    @property
    def state(self) -> str:
        if self.withdrawn_at:
            return "withdrawn"
        if self.retired_at:
            return "retired"
        return "signing"


class CertificateTemplate(models.Model):
    """How the certificate for one achievement (a course, or a programme) looks, and whether it is
    issued on completion and as an Open Badge too. Owned by the organisation that issues it (the
    achievement's owner). No personal data but who made or changed it."""

    class State(models.TextChoices):
        ACTIVE = "active", "In use"
        RETIRED = "retired", "Retired"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    # What it certifies: a kind registered in achievements.py ("course", "programme") and the
    # UUID of the course or programme; its code and title as they were are kept here too.
    achievement_kind = models.CharField(max_length=20)
    achievement_uuid = models.UUIDField()
    achievement_code = models.CharField(max_length=40, blank=True)
    title = models.CharField("achievement's name on the certificate", max_length=200)
    wording = models.CharField(
        max_length=200,
        default="has successfully completed",
        help_text="Between the name and the achievement.",
    )
    description = models.TextField(
        "what it takes (criteria)", blank=True, help_text="Shown on the badge and the verify page's details."
    )
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_role = models.CharField(max_length=200, blank=True)
    valid_for_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Empty: it never expires. Mandatory training lapses: match its renewal.",
    )
    issue_automatically = models.BooleanField("issue on completion", default=True)
    badge = models.BooleanField("also issue as an Open Badge", default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement_kind", "achievement_uuid"],
                condition=Q(state="active"),
                name="certificate_template_one_active",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StatusList(models.Model):
    """One of an organisation's revocation lists (W3C Bitstring Status List): each credential it
    issues takes the next free place; a bit set means revoked. The list is published as a signed
    credential built from the revoked certificates when asked for. No personal data."""

    LENGTH = 131_072  # the specification's minimum: 16 KiB, so that one place says nothing of whose it is

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField()
    length = models.PositiveIntegerField(default=LENGTH)
    next_index = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # The signed BitstringStatusListCredential as last published: signed again whenever one of its
    # credentials is revoked (signing is slow; verifiers fetch it often).
    document = models.JSONField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="status_list_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} status list {self.number}"


class Certificate(models.Model):
    """A certificate issued to a person for an achievement, with its signed Open Badges
    credential when its template has one. What it says is kept as it was issued (name,
    achievement, issuer, dates), so it reads the same after renames.

    Personal data: the recipient (`person`), their name as printed, and, inside `credential`,
    their name and a salted hash of their e-mail address; who issued or revoked it, and why."""

    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # also the credential's id
    code = models.CharField(max_length=14, unique=True)  # XXXX-XXXX-XXXX, Crockford base32 (codes.py)
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="certificates")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    # Snapshots, as printed.
    recipient_name = models.CharField(max_length=300)
    achievement_title = models.CharField(max_length=200)
    achievement_code = models.CharField(max_length=40, blank=True)
    issuer_name = models.CharField(max_length=200)
    issued_on = models.DateField(help_text="The day it was achieved.")
    expires_on = models.DateField(null=True, blank=True)
    # What it was issued for: the completion (or programme enrolment) of the achievement's kind.
    source_ref = models.CharField(max_length=80)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: issued automatically on completion
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.TextField(blank=True)
    # The Open Badges 3.0 credential, signed when issued (None: the template has no badge).
    credential = models.JSONField(null=True, blank=True)
    signed_with = models.ForeignKey(
        IssuerKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_list = models.ForeignKey(
        StatusList, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_index = models.PositiveIntegerField(null=True, blank=True)
    # The learner lets anyone with the link fetch the credential (GET /api/v1/credentials/{id}/).
    shared = models.BooleanField(default=False)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "-issued_on"]),
            models.Index(fields=["issuer", "-issued_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "source_ref"], name="certificate_once_per_achievement"
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"],
                condition=Q(status_list__isnull=False),
                name="certificate_unique_status_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.achievement_title} ({self.recipient_name})"

    def status_on(self, day: dt.date) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_on is not None and self.expires_on < day:
            return self.Status.EXPIRED
        return self.Status.VALID
