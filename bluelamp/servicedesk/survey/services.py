"""Recording a survey response: checked in full, one per ticket, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.servicedesk.survey.models import COMMENT_MAX_LENGTH, SatisfactionResponse
from bluelamp.servicedesk.survey.selectors import survey_open
from bluelamp.servicedesk.tickets.models import Ticket

Score = SatisfactionResponse.Score
Via = SatisfactionResponse.Via


def survey_respond(
    *,
    ticket: Ticket,
    score: int,
    solved: bool,
    comment: str = "",
    via: str,
    respondent=None,
    at: dt.datetime | None = None,
) -> tuple[SatisfactionResponse, bool]:
    """Record the requester's answers; (response, created). The first response counts: if the
    ticket already has one, it is returned unchanged with created False (a second submit, a
    double click or a second device is not counted twice). Who may answer is the caller's
    check (survey.views): the signed-in requester, or the holder of the e-mail link."""
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError(f"at={at.isoformat()} has no time zone: give an aware datetime")
    errors = {}
    if score not in Score.values:
        errors["score"] = f"Score {score!r} is not one of 1 (very dissatisfied) to 5 (very satisfied)"
    if not isinstance(solved, bool):
        errors["solved"] = "Answer yes or no: was your problem solved?"
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = (
            f"The comment is {len(comment)} characters long: it must be {COMMENT_MAX_LENGTH} or fewer"
        )
    if via not in Via.values:
        errors["via"] = f"Via {via!r} is not one of: {', '.join(Via.values)}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The ticket's row lock serialises two submits of the same survey.
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        existing = SatisfactionResponse.objects.filter(ticket=ticket).first()
        if existing is not None:
            return existing, False
        if not survey_open(ticket):
            raise ValidationError(
                f"{ticket.reference} is {ticket.get_status_display().lower()}: the survey opens when it is resolved."
            )
        response = SatisfactionResponse(
            ticket=ticket,
            score=score,
            solved=solved,
            comment=comment,
            via=via,
            respondent=respondent if getattr(respondent, "pk", None) else None,
            submitted_at=at,
        )
        response.full_clean(exclude=["ticket", "respondent"])
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:  # another submit got there first (the unique ticket)
            return SatisfactionResponse.objects.get(ticket=ticket), False
        audit_record(
            actor=response.respondent,
            action="servicedesk.survey_respond",
            organisation=ticket.organisation,
            obj=ticket,
            object_label=ticket.reference,
            after={"score": score, "solved": solved, "via": via, "comment": bool(comment)},
        )
    return response, True
