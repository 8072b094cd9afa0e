"""What the applets above tickets add to a ticket's life and pages, without tickets importing them.

The desk's layers (.importlinter) keep tickets at the bottom: complaints, the survey, major
incidents, identity checks, problems and the knowledge base use tickets, never the reverse. Where
tickets must let them take part (a complaint is resolved only with its outcome; the "resolved"
e-mail links to the survey; the work page shows a ticket's major incident), each describes what
it adds as a `TicketExtension`, and tickets asks every registered extension, in `order`:

- `status_check(ticket, *, status, outcome, outcome_text)`: before a status change, in its
  transaction; raise ValidationError to refuse it. `status_record(ticket, *, status, outcome,
  outcome_text, actor, at)`: after it, in the same transaction.
- `type_check(ticket, *, type)`: before a type change; raise ValidationError to refuse it.
- `resolved_email(ticket)`: more context for the "resolved" e-mail.
- `work_panel`, `requester_panel`, `logged_panel`: a part of the staff work page, of the
  requester's ticket page and of the "Request sent" page (a `TicketPanel`).

An applet registers its extension from the end of its own `models.py`: Django imports every
applet's models (bluelamp.servicedesk.models) when it loads the app, before any ticket is read or
written, so every extension is in place by then. Registering the same name again replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from bluelamp.servicedesk.tickets.models import Ticket

Page = Literal["work", "requester", "logged"]


@dataclass(frozen=True)
class TicketPanel:
    """A part of a ticket page: `template` is included where the page lists its panels, and what
    `context(person, ticket)` returns is added to the page's context (names must not clash)."""

    template: str
    context: Callable[[Any, Ticket], dict[str, Any]]


@dataclass(frozen=True)
class TicketExtension:
    name: str
    # Extensions are asked, and their panels drawn, lowest first.
    order: int
    status_check: Callable[..., None] | None = None
    status_record: Callable[..., None] | None = None
    type_check: Callable[..., None] | None = None
    resolved_email: Callable[[Ticket], dict[str, Any]] | None = None
    work_panel: TicketPanel | None = None
    requester_panel: TicketPanel | None = None
    logged_panel: TicketPanel | None = None


_registered: dict[str, TicketExtension] = {}


def register(extension: TicketExtension) -> None:
    _registered[extension.name] = extension


def extensions() -> list[TicketExtension]:
    return sorted(_registered.values(), key=lambda extension: (extension.order, extension.name))


def status_check(ticket: Ticket, *, status: str, outcome: str, outcome_text: str) -> None:
    for extension in extensions():
        if extension.status_check is not None:
            extension.status_check(ticket, status=status, outcome=outcome, outcome_text=outcome_text)


def status_record(ticket: Ticket, *, status: str, outcome: str, outcome_text: str, actor, at) -> None:
    for extension in extensions():
        if extension.status_record is not None:
            extension.status_record(
                ticket, status=status, outcome=outcome, outcome_text=outcome_text, actor=actor, at=at
            )


def type_check(ticket: Ticket, *, type: str) -> None:
    for extension in extensions():
        if extension.type_check is not None:
            extension.type_check(ticket, type=type)


def resolved_email_context(ticket: Ticket) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for extension in extensions():
        if extension.resolved_email is not None:
            context |= extension.resolved_email(ticket)
    return context


def panels(page: Page, person, ticket: Ticket) -> dict[str, Any]:
    """The page's `panels` (templates, in order) and the context they need."""
    context: dict[str, Any] = {"panels": []}
    for extension in extensions():
        panel = getattr(extension, f"{page}_panel")
        if panel is not None:
            context["panels"].append(panel.template)
            context |= panel.context(person, ticket)
    return context
