"""Identity checks before password resets and challenge-response codes.

The contact-centre adviser's job description: "the proper identification of staff and
customers alike before accessing customer details or processing requests such as password
resets or challenge response codes". So, on a ticket whose requester is a known person:

  1. the adviser records how they verified the caller (`identity_check_record`);
  2. within 30 minutes of that, and only then, they may send the person a password reset
     (allauth's own reset e-mail, to the address on the person's record: never to one the
     adviser types) or issue a one-time challenge-response code, shown once to the adviser to
     read out. Only the code's hash is kept; it expires after 15 minutes and works once.

Each step is an internal note on the ticket's timeline (never the code) and an audit entry.
"""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import format_datetime
from bluelamp.people.api import Person
from bluelamp.servicedesk.identity.models import ChallengeCode, IdentityCheck
from bluelamp.servicedesk.identity.selectors import (
    CHALLENGE_CODE_VALID_FOR,
    IDENTITY_CHECK_VALID_FOR,
    identity_check_current,
)
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.services import ticket_add_note

CODE_DIGITS = 8


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError(f"at={at.isoformat()} has no time zone: give an aware datetime")
    return at


def _known_requester(actor, ticket: Ticket) -> Person:
    if not is_desk_staff(actor):
        raise PermissionDenied("Only service-desk staff may do this.")
    person = ticket.requester
    if person is None:
        raise ValidationError(
            f"{ticket.reference} has no requester with a Bluelamp account: there is no one to verify."
        )
    if not person.is_active:
        raise ValidationError(f"{person.get_full_name()} has left: their account is inactive.")
    return person


def _audit(actor, action: str, ticket: Ticket, **after) -> None:
    audit_record(
        actor=actor,
        action=f"servicedesk.{action}",
        organisation=ticket.organisation,
        obj=ticket,
        object_label=ticket.reference,
        after=after,
    )


def identity_check_record(
    *, actor, ticket: Ticket, method: str, notes: str = "", at: dt.datetime | None = None
) -> IdentityCheck:
    """Record that the adviser verified the requester's identity, and how."""
    at = _now(at)
    person = _known_requester(actor, ticket)
    if method not in IdentityCheck.Method.values:
        accepted = ", ".join(str(label).lower() for label in IdentityCheck.Method.labels)
        raise ValidationError({"method": f"Choose how you verified them: {accepted}"})
    check = IdentityCheck(
        ticket=ticket,
        person=person,
        method=method,
        notes=(notes or "").strip(),
        checked_by=actor,
        checked_at=at,
    )
    check.full_clean(exclude=["ticket", "person", "checked_by"])
    with transaction.atomic():
        check.save()
        ticket_add_note(
            actor=actor,
            ticket=ticket,
            body=f"Identity of {person.get_full_name()} verified: {check.get_method_display().lower()}."
            + (f" {check.notes}" if check.notes else ""),
            at=at,
        )
        _audit(actor, "identity_check", ticket, person=person.get_full_name(), method=method)
    return check


def _require_check(ticket: Ticket, at: dt.datetime, what: str) -> IdentityCheck:
    check = identity_check_current(ticket, now=at)
    if check is None:
        minutes = int(IDENTITY_CHECK_VALID_FOR.total_seconds() // 60)
        latest = ticket.identity_checks.order_by("-checked_at").first()
        when = (
            f" The last check was at {format_datetime(latest.checked_at)}, more than {minutes} minutes ago."
            if latest
            else ""
        )
        raise ValidationError(
            f"Verify the requester's identity and record how before {what}: "
            f"a check is good for {minutes} minutes.{when}"
        )
    return check


def _site_request():
    """A request for the site's own address (settings.SITE_URL), from which allauth builds the
    reset link: the same link whoever asked for the reset and from wherever."""
    site = urlsplit(settings.SITE_URL)
    request = RequestFactory().get("/", HTTP_HOST=site.netloc, secure=site.scheme == "https")
    request.user = None
    request.session = {}
    return request


def _send_password_reset(person_id: int) -> None:
    from allauth.account.forms import ResetPasswordForm
    from allauth.core import context

    person = Person.objects.get(pk=person_id)
    request = _site_request()
    form = ResetPasswordForm(data={"email": person.email})
    if not form.is_valid():  # pragma: no cover - the address is the person's own
        return
    with context.request_context(request):
        form.save(request)


def password_reset_send(*, actor, ticket: Ticket, at: dt.datetime | None = None) -> Person:
    """E-mail the requester allauth's password reset link, at the address on their record,
    once their identity has been verified on this ticket in the last 30 minutes."""
    at = _now(at)
    person = _known_requester(actor, ticket)
    with transaction.atomic():
        check = _require_check(ticket, at, "sending a password reset")
        if not person.email:
            raise ValidationError(f"{person.get_full_name()} has no e-mail address on record.")
        ticket_add_note(
            actor=actor,
            ticket=ticket,
            body=f"Password reset e-mail sent to {person.get_full_name()}'s address on record "
            f"(identity verified: {check.get_method_display().lower()}).",
            at=at,
        )
        _audit(actor, "password_reset_send", ticket, person=person.get_full_name(), identity_check=check.pk)
        _send_password_reset(person.pk)  # queued in this transaction: sent only if it commits
    return person


def challenge_code_issue(
    *, actor, ticket: Ticket, at: dt.datetime | None = None
) -> tuple[ChallengeCode, str]:
    """Issue a one-time challenge-response code for the verified requester. Returns the record
    and the code itself, which is never stored: show it once to the adviser."""
    at = _now(at)
    person = _known_requester(actor, ticket)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    with transaction.atomic():
        check = _require_check(ticket, at, "issuing a challenge-response code")
        record = ChallengeCode.objects.create(
            ticket=ticket,
            person=person,
            identity_check=check,
            code_hash=make_password(code),
            issued_by=actor,
            issued_at=at,
            expires_at=at + CHALLENGE_CODE_VALID_FOR,
        )
        ticket_add_note(
            actor=actor,
            ticket=ticket,
            body=f"Challenge-response code issued to {person.get_full_name()}, valid until "
            f"{format_datetime(record.expires_at)} (identity verified: {check.get_method_display().lower()}).",
            at=at,
        )
        _audit(actor, "challenge_code_issue", ticket, person=person.get_full_name(), code=record.pk)
    return record, code


def challenge_code_use(*, person, code: str, at: dt.datetime | None = None) -> bool:
    """Whether `code` is a live code issued to `person`; a good code is used up."""
    at = _now(at)
    code = (code or "").strip().replace(" ", "")
    if not code:
        return False
    with transaction.atomic():
        live = ChallengeCode.objects.select_for_update().filter(
            person=person, used_at__isnull=True, issued_at__lte=at, expires_at__gt=at
        )
        for record in live:
            if check_password(code, record.code_hash):
                record.used_at = at
                record.save(update_fields=["used_at"])
                audit_record(actor=person, action="servicedesk.challenge_code_use", obj=record.ticket)
                return True
    return False
