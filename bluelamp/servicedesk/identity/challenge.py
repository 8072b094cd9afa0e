"""Checking a challenge-response code a caller reads back to an adviser.

`services.challenge_code_issue` gives the verified requester a one-time code (hashed, 15
minutes, once). When they call back and read it out, the adviser checks it here, on the ticket
it was issued on. The result names what was wrong, because the adviser has to tell the caller:

  * valid: the code is used up, an internal note goes on the ticket's timeline and the check is
    audited (`servicedesk.challenge_code_verified`);
  * wrong: no code issued on this ticket matches. It counts against every live code of the
    ticket; after MAX_WRONG_ATTEMPTS wrong tries a code is locked and even the right digits are
    refused (the adviser verifies identity again and issues a new one);
  * expired, used, locked: the digits match a code that can no longer be used;
  * none issued: there is nothing on this ticket to check against.

Nothing but a valid code is recorded as verified. Every try is audited; the wrong ones are also
the counter (audit events are append-only, so the count cannot be reset by anyone), which needs
no new column on ChallengeCode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bluelamp.audit.api import AuditEvent, audit_record
from bluelamp.core.timefmt import format_datetime
from bluelamp.servicedesk.identity.models import ChallengeCode
from bluelamp.servicedesk.identity.services import CODE_DIGITS
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.models import Ticket
from bluelamp.servicedesk.tickets.services import ticket_add_note

__all__ = [
    "MAX_WRONG_ATTEMPTS",
    "ChallengeResult",
    "IssuedCode",
    "challenge_code_check",
    "challenge_codes_issued",
    "normalise_code",
]

# Wrong tries a code survives: an eight-digit code guessed in five tries is a 1 in 20 million chance.
MAX_WRONG_ATTEMPTS = 5
# Codes compared with what the caller read out, newest first (each comparison is a password hash).
_CODES_COMPARED = 10
WRONG_ACTION = "servicedesk.challenge_code_wrong"
_CODE_TYPE = ChallengeCode._meta.label_lower


@dataclass(frozen=True)
class ChallengeResult:
    outcome: str  # valid, wrong, expired, used, locked, none_issued
    message: str
    code: ChallengeCode | None = None

    @property
    def valid(self) -> bool:
        return self.outcome == "valid"


@dataclass(frozen=True)
class IssuedCode:
    """A code issued on a ticket as the check page lists it (never the code itself)."""

    issued_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    wrong_attempts: int
    state: str  # live, used, expired, locked


def challenge_codes_issued(ticket: Ticket, *, now: dt.datetime | None = None) -> list[IssuedCode]:
    """The latest codes issued on the ticket, newest first, with what state each is in."""
    now = now or timezone.now()
    codes = list(ChallengeCode.objects.filter(ticket=ticket).order_by("-issued_at", "-pk")[:_CODES_COMPARED])
    tries: dict[str, int] = {}
    for object_id in AuditEvent.objects.filter(
        action=WRONG_ACTION, object_type=_CODE_TYPE, object_id__in=[str(r.pk) for r in codes]
    ).values_list("object_id", flat=True):
        tries[object_id] = tries.get(object_id, 0) + 1
    issued = []
    for record in codes:
        wrong = tries.get(str(record.pk), 0)
        if record.used_at is not None:
            state = "used"
        elif record.expires_at <= now:
            state = "expired"
        elif wrong >= MAX_WRONG_ATTEMPTS:
            state = "locked"
        else:
            state = "live"
        issued.append(IssuedCode(record.issued_at, record.expires_at, record.used_at, wrong, state))
    return issued


def normalise_code(value: str) -> str:
    """The digits as typed, without the spaces and hyphens people read codes out with."""
    return "".join((value or "").split()).replace("-", "")


def _wrong_attempts(record: ChallengeCode) -> int:
    return AuditEvent.objects.filter(
        action=WRONG_ACTION, object_type=_CODE_TYPE, object_id=str(record.pk)
    ).count()


def _audit(actor, action: str, ticket: Ticket, record: ChallengeCode | None, **after) -> None:
    audit_record(
        actor=actor,
        action=action,
        organisation=ticket.organisation,
        obj=record if record is not None else ticket,
        object_label=ticket.reference,
        after={"ticket": ticket.reference} | after,
    )


def challenge_code_check(
    *, actor, ticket: Ticket, code: str, at: dt.datetime | None = None
) -> ChallengeResult:
    """Check the code the ticket's requester read out against the codes issued on this ticket.
    A valid code is used up and recorded on the timeline; anything else records no verification."""
    if at is None:
        at = timezone.now()
    elif timezone.is_naive(at):
        raise ValueError(f"at={at.isoformat()} has no time zone: give an aware datetime")
    if not is_desk_staff(actor):
        raise PermissionDenied("Only service-desk staff may do this.")
    person = ticket.requester
    if person is None:
        raise ValidationError(
            f"{ticket.reference} has no requester with a Bluelamp account: no code can have been issued."
        )
    digits = normalise_code(code)
    if not (digits.isdigit() and len(digits) == CODE_DIGITS):
        raise ValidationError(
            {"code": f"Enter the {CODE_DIGITS}-digit code the caller reads out, for example 1234 5678"}
        )
    name = person.get_full_name()
    with transaction.atomic():
        codes = list(
            ChallengeCode.objects.select_for_update()
            .filter(ticket=ticket, person=person, issued_at__lte=at)
            .order_by("-issued_at", "-pk")[:_CODES_COMPARED]
        )
        if not codes:
            _audit(actor, "servicedesk.challenge_code_check", ticket, None, outcome="none_issued")
            return ChallengeResult(
                "none_issued",
                f"No challenge-response code has been issued to {name} on {ticket.reference}. "
                "Verify their identity and issue one first.",
            )
        match = next((record for record in codes if check_password(digits, record.code_hash)), None)
        if match is None:
            return _wrong(actor, ticket, codes, at, name)
        if match.used_at is not None:
            outcome, message = (
                "used",
                (
                    f"That code has already been used, at {format_datetime(match.used_at)}. "
                    "Each code works once: issue a new one if the caller still needs verifying."
                ),
            )
        elif match.expires_at <= at:
            outcome, message = (
                "expired",
                (
                    f"That code expired at {format_datetime(match.expires_at)} "
                    "(codes are good for 15 minutes). Verify the caller's identity again and issue a new one."
                ),
            )
        elif _wrong_attempts(match) >= MAX_WRONG_ATTEMPTS:
            outcome, message = (
                "locked",
                (
                    f"That code is locked after {MAX_WRONG_ATTEMPTS} wrong tries, so it cannot be accepted "
                    "even though it matches. Verify the caller's identity again and issue a new code."
                ),
            )
        else:
            match.used_at = at
            match.save(update_fields=["used_at"])
            ticket_add_note(
                actor=actor,
                ticket=ticket,
                body=f"Challenge-response code checked: correct. {name}'s identity confirmed "
                f"(code issued {format_datetime(match.issued_at)}, now used up).",
                at=at,
            )
            _audit(actor, "servicedesk.challenge_code_verified", ticket, match, person=name)
            return ChallengeResult(
                "valid",
                f"The code is correct: {name}'s identity is confirmed. The code is now used up.",
                match,
            )
        _audit(actor, "servicedesk.challenge_code_check", ticket, match, outcome=outcome)
        return ChallengeResult(outcome, message, match)


def _wrong(actor, ticket: Ticket, codes: list[ChallengeCode], at: dt.datetime, name: str) -> ChallengeResult:
    """No code matches: a wrong try against each live code (not used, not expired, not locked)."""
    live = [r for r in codes if r.used_at is None and r.expires_at > at]
    tries = {r.pk: _wrong_attempts(r) for r in live}
    counted = [r for r in live if tries[r.pk] < MAX_WRONG_ATTEMPTS]
    for record in counted:
        tries[record.pk] += 1
        _audit(actor, WRONG_ACTION, ticket, record, attempt=tries[record.pk])
    if not counted:
        _audit(actor, WRONG_ACTION, ticket, None, attempt=None)
        reason = (
            "and its live code is locked after too many wrong tries"
            if live
            else "and no code issued on it is still live"
        )
        return ChallengeResult(
            "wrong",
            f"That code is wrong: it does not match any code issued to {name} on {ticket.reference}, "
            f"{reason}. Verify their identity again and issue a new code.",
        )
    left = MAX_WRONG_ATTEMPTS - max(tries[r.pk] for r in counted)
    if left == 0:
        for record in counted:
            ticket_add_note(
                actor=actor,
                ticket=ticket,
                body=f"Challenge-response code issued {format_datetime(record.issued_at)} locked after "
                f"{MAX_WRONG_ATTEMPTS} wrong tries. {name} was not verified.",
                at=at,
            )
        return ChallengeResult(
            "locked",
            f"That code is wrong, and that was the {MAX_WRONG_ATTEMPTS}th wrong try: the code is now "
            "locked. Verify the caller's identity again and issue a new code.",
            counted[0],
        )
    return ChallengeResult(
        "wrong",
        f"That code is wrong: it does not match the code issued to {name} on {ticket.reference}. "
        f"Check the digits with the caller. {left} {'try' if left == 1 else 'tries'} left before the code is locked.",
        counted[0],
    )
