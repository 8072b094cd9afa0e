"""The survey link in the "resolved" e-mail: the ticket's uuid, signed (django.core.signing,
with a salt of its own) and dated, so it cannot be guessed or altered and stops working after
`LINK_MAX_AGE`. It carries no personal data and opens only that ticket's survey."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

from bluelamp.servicedesk.tickets.models import Ticket

SALT = "bluelamp.servicedesk.survey.link"
LINK_MAX_AGE = dt.timedelta(days=30)


class SurveyLinkInvalid(Exception):
    """The link was altered, or is not a survey link at all."""


class SurveyLinkExpired(SurveyLinkInvalid):
    """The link is genuine but older than `LINK_MAX_AGE`."""


def survey_token(ticket: Ticket) -> str:
    return signing.dumps(ticket.uuid.hex, salt=SALT, compress=False)


def survey_link(ticket: Ticket) -> str:
    """The absolute survey address for the e-mail."""
    path = reverse("servicedesk:survey_link", args=[survey_token(ticket)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def ticket_for_token(token: str) -> Ticket:
    """The ticket a genuine, unexpired token names; SurveyLinkExpired or SurveyLinkInvalid."""
    try:
        value = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise SurveyLinkExpired("The survey link has expired") from None
    except signing.BadSignature:
        raise SurveyLinkInvalid("The survey link is not valid") from None
    try:
        ticket_uuid = uuid.UUID(hex=str(value))
    except ValueError:
        raise SurveyLinkInvalid("The survey link is not valid") from None
    ticket = Ticket.objects.filter(uuid=ticket_uuid).first()
    if ticket is None:
        raise SurveyLinkInvalid("The survey link is not valid")
    return ticket
