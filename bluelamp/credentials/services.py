"""Writes: certificate templates, issuing (on completion, by an administrator, from the command
line), revoking, and the learner sharing their credential. Each checks who may act; each is
atomic, with the audit event in the same transaction and e-mails after commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import add_months, format_date
from bluelamp.credentials import badges, codes
from bluelamp.credentials.achievements import Achievement, find_achievement
from bluelamp.credentials.models import Certificate, CertificateTemplate
from bluelamp.notifications.api import notify
from bluelamp.organisations.api import Perm, access_for

NOTICE_ISSUED = "credentials.issued"


def may_manage_for(person, organisation) -> bool:
    """Make templates, issue and revoke certificates in the organisation's name: its training
    administrators (course managers of the whole organisation), or national ones."""
    return access_for(person, Perm.LEARNING_MANAGE).covers_organisation(organisation.pk)


# --- templates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateInput:
    title: str
    wording: str = "has successfully completed"
    description: str = ""
    signatory_name: str = ""
    signatory_role: str = ""
    valid_for_months: int | None = None
    issue_automatically: bool = True
    badge: bool = True


def _check_input(data: TemplateInput) -> None:
    errors = {}
    if not data.title.strip():
        errors["title"] = "Enter the achievement's name as the certificate prints it."
    if not data.wording.strip():
        errors["wording"] = (
            'Enter the words between the name and the achievement, e.g. "has successfully completed".'
        )
    if data.valid_for_months is not None and not 1 <= data.valid_for_months <= 240:
        errors["valid_for_months"] = (
            f"Validity of {data.valid_for_months} months: enter 1 to 240, or leave it empty if it never expires."
        )
    if errors:
        raise ValidationError(errors)


def _template_insert(
    *, actor, achievement: Achievement, data: TemplateInput, at: dt.datetime
) -> CertificateTemplate:
    """Save a new template in use for the achievement, audited; IntegrityError when it has one."""
    template = CertificateTemplate(
        owner=achievement.owner,
        achievement_kind=achievement.kind,
        achievement_uuid=achievement.uuid,
        achievement_code=achievement.code,
        created_at=at,
        updated_at=at,
        created_by=actor,
    )
    _apply(template, data)
    with transaction.atomic():
        template.save()
        audit_record(
            actor=actor,
            action="credentials.template.create",
            organisation=achievement.owner,
            obj=template,
            object_label=template.title,
            after={**_snapshot(template), "standard": actor is None},
        )
    return template


def template_create(
    *, actor, achievement: Achievement, data: TemplateInput, at: dt.datetime | None = None
) -> CertificateTemplate:
    """The certificate of a course or programme. One per achievement is in use at a time."""
    if not may_manage_for(actor, achievement.owner):
        raise PermissionDenied("You cannot make certificates for this.")
    _check_input(data)
    try:
        return _template_insert(actor=actor, achievement=achievement, data=data, at=at or timezone.now())
    except IntegrityError:
        raise ValidationError(
            {
                "title": f"{achievement.title} already has a certificate in use: change that one, or retire it first."
            }
        ) from None


def template_update(
    *, actor, template: CertificateTemplate, data: TemplateInput, at: dt.datetime | None = None
) -> CertificateTemplate:
    """Change how future certificates look; those issued keep what they said."""
    if not may_manage_for(actor, template.owner):
        raise PermissionDenied("You cannot change this certificate.")
    _check_input(data)
    before = _snapshot(template)
    _apply(template, data)
    template.updated_at = at or timezone.now()
    with transaction.atomic():
        template.save()
        audit_record(
            actor=actor,
            action="credentials.template.update",
            organisation=template.owner,
            obj=template,
            object_label=template.title,
            before=before,
            after=_snapshot(template),
        )
    return template


def template_set_state(
    *, actor, template: CertificateTemplate, state: str, at: dt.datetime | None = None
) -> CertificateTemplate:
    """Retire a template (nothing more is issued from it; what was issued stays valid) or bring
    it back into use."""
    if not may_manage_for(actor, template.owner):
        raise PermissionDenied("You cannot change this certificate.")
    if state not in CertificateTemplate.State.values:
        raise ValidationError({"state": f"{state!r} is not a state: use active or retired."})
    before = template.state
    template.state = state
    template.updated_at = at or timezone.now()
    try:
        with transaction.atomic():
            template.save(update_fields=["state", "updated_at"])
            audit_record(
                actor=actor,
                action="credentials.template.state",
                organisation=template.owner,
                obj=template,
                object_label=template.title,
                before={"state": before},
                after={"state": state},
            )
    except IntegrityError:
        template.state = before
        raise ValidationError(
            {"state": "Another certificate for the same achievement is in use: retire it first."}
        ) from None
    return template


def _template_in_use(achievement: Achievement) -> CertificateTemplate | None:
    return CertificateTemplate.objects.filter(
        achievement_kind=achievement.kind,
        achievement_uuid=achievement.uuid,
        state=CertificateTemplate.State.ACTIVE,
    ).first()


def template_standard(achievement: Achievement, *, at: dt.datetime | None = None) -> CertificateTemplate:
    """The achievement's template in use, or, when it has none, the standard one made for it (its
    title, issued on completion, with an Open Badge): for the command line, which issues for any
    completion on record. Audited as made by no one (the system)."""
    template = _template_in_use(achievement)
    if template is not None:
        return template
    data = TemplateInput(title=achievement.title, description=achievement.description)
    try:
        return _template_insert(actor=None, achievement=achievement, data=data, at=at or timezone.now())
    except IntegrityError:  # made by another process at the same moment
        found = _template_in_use(achievement)
        if found is None:
            raise
        return found


def _apply(template: CertificateTemplate, data: TemplateInput) -> None:
    template.title = data.title.strip()
    template.wording = data.wording.strip()
    template.description = data.description.strip()
    template.signatory_name = data.signatory_name.strip()
    template.signatory_role = data.signatory_role.strip()
    template.valid_for_months = data.valid_for_months
    template.issue_automatically = data.issue_automatically
    template.badge = data.badge


def _snapshot(template: CertificateTemplate) -> dict:
    return {
        "title": template.title,
        "wording": template.wording,
        "valid_for_months": template.valid_for_months,
        "issue_automatically": template.issue_automatically,
        "badge": template.badge,
    }


# --- issuing -----------------------------------------------------------------------------------


def _new_code() -> str:
    for _ in range(10):
        code = codes.new_code()
        if not Certificate.objects.filter(code=code).exists():
            return code
    raise RuntimeError("Could not find a free certificate code in 10 tries")  # 60 random bits: never


def certificate_issue(
    *,
    actor,
    template: CertificateTemplate,
    person,
    achieved_on: dt.date,
    source_ref: str,
    at: dt.datetime | None = None,
    sign_now: bool = False,
) -> Certificate:
    """Issue the template's certificate to `person` for one achievement of theirs (`source_ref`:
    the completion or programme enrolment it is for). Issuing twice for the same one gives back
    the first. `actor` None: issued automatically, on completion.

    The credential is signed after commit by a task (signing takes a while, and a learner's last
    quiz answer should not wait for it); `sign_now` signs it in the transaction (an administrator
    or the command line, who want it at once)."""
    if actor is not None and not may_manage_for(actor, template.owner):
        raise PermissionDenied("You cannot issue this certificate.")
    if template.state != CertificateTemplate.State.ACTIVE:
        raise ValidationError(
            {"template": f"The certificate {template.title} is retired: nothing more is issued from it."}
        )
    at = at or timezone.now()
    existing = Certificate.objects.filter(template=template, source_ref=source_ref).first()
    if existing is not None:
        if sign_now and existing.credential is None and existing.status_list_id is not None:
            with transaction.atomic():
                badges.credential_sign(existing, at=at)  # issued on completion; its task has not run yet
        return existing
    certificate = Certificate(
        code=_new_code(),
        template=template,
        person=person,
        issuer=template.owner,
        recipient_name=person.get_full_name() or person.email,
        achievement_title=template.title,
        achievement_code=template.achievement_code,
        issuer_name=template.owner.name,
        issued_on=achieved_on,
        expires_on=add_months(achieved_on, template.valid_for_months) if template.valid_for_months else None,
        source_ref=source_ref,
        issued_at=at,
        issued_by=actor,
    )
    try:
        with transaction.atomic():
            if template.badge:
                certificate.status_list, certificate.status_index = badges.status_place(template.owner)
            certificate.save()
            audit_record(
                actor=actor,
                action="credentials.certificate.issue",
                organisation=template.owner,
                obj=certificate,
                object_label=f"{certificate.code} {certificate.achievement_title}: {certificate.recipient_name}",
                after={"issued_on": achieved_on.isoformat(), "automatic": actor is None},
            )
            if template.badge and sign_now:
                badges.credential_sign(certificate, at=at)
            elif template.badge:
                from bluelamp.credentials import tasks

                pk = certificate.pk
                transaction.on_commit(lambda: tasks.credential_sign_task.enqueue(pk))
            notify(
                person=person,
                kind=NOTICE_ISSUED,
                subject=f"Your certificate: {certificate.achievement_title}",
                body=(
                    f"{certificate.issuer_name} has issued your certificate for {certificate.achievement_title}, "
                    f"achieved on {format_date(achieved_on)}. Its code is {certificate.code}: anyone can check "
                    "it on the verify page."
                ),
                link=reverse("credentials:certificate", args=[certificate.uuid]),
                dedupe_key=f"certificate:{certificate.uuid}",
                at=at,
            )
    except IntegrityError:
        # The same achievement issued at the same moment by another request: that one stands.
        existing = Certificate.objects.filter(template=template, source_ref=source_ref).first()
        if existing is None:
            raise
        return existing
    return certificate


def certificate_revoke(
    *, actor, certificate: Certificate, reason: str, at: dt.datetime | None = None
) -> Certificate:
    """Withdraw a certificate (issued in error, or its award withdrawn): the verify page says
    revoked, and so does its credential's status list, re-signed at once."""
    if not may_manage_for(actor, certificate.issuer):
        raise PermissionDenied("You cannot revoke this certificate.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for revoking it: the audit log keeps it."})
    if certificate.revoked_at is not None:
        raise ValidationError({"reason": f"{certificate.code} was already revoked."})
    at = at or timezone.now()
    with transaction.atomic():
        certificate.revoked_at = at
        certificate.revoked_by = actor
        certificate.revoked_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        audit_record(
            actor=actor,
            action="credentials.certificate.revoke",
            organisation=certificate.issuer,
            obj=certificate,
            object_label=f"{certificate.code} {certificate.achievement_title}: {certificate.recipient_name}",
            after={"reason": reason},
        )
        if certificate.status_list is not None:
            badges.status_list_publish(certificate.status_list, at=at)
    return certificate


def certificate_share(*, actor, certificate: Certificate, shared: bool) -> Certificate:
    """The recipient lets anyone with its address fetch their credential (or stops)."""
    if actor.pk != certificate.person_id:
        raise PermissionDenied("Only the person it was issued to can share it.")
    if certificate.shared != shared:
        certificate.shared = shared
        certificate.save(update_fields=["shared"])
    return certificate


def certificate_for_achievement(
    *, actor, kind: str, achievement_uuid, person, achieved_on: dt.date, source_ref: str,
    at: dt.datetime | None = None, sign_now: bool = False,
) -> Certificate | None:  # fmt: skip
    """What a domain calls when someone achieves one of its things (a programme completed): the
    certificate, if the achievement has a template in use that issues automatically (or, with an
    actor, any template in use)."""
    template = CertificateTemplate.objects.filter(
        achievement_kind=kind, achievement_uuid=achievement_uuid, state=CertificateTemplate.State.ACTIVE
    ).select_related("owner").first()  # fmt: skip
    if template is None or (actor is None and not template.issue_automatically):
        return None
    return certificate_issue(
        actor=actor, template=template, person=person, achieved_on=achieved_on, source_ref=source_ref,
        at=at, sign_now=sign_now,
    )  # fmt: skip


def achievement_of(template: CertificateTemplate) -> Achievement | None:
    return find_achievement(template.achievement_kind, template.achievement_uuid)
