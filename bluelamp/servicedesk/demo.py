"""Demo data for the service desk: six weeks of tickets for the team leader's dashboard and queues.

Everything is made through the desk's own services, with `at=` times in the past, so the
history, due times, KPIs and audit log are what real use would have left. Times are counted in
working hours back from now (`_ago`), so every event falls within the desk's hours and the
states are true whenever the demo is loaded: one ticket is at risk (past 75 % of its resolution
time), one has breached, one is due a review, one awaits the customer.

Idempotent: the set is made once, in one transaction; `DEMO_MARKER` (the oldest ticket's
subject) says it is there. Called by `bluelamp demo-data` (bluelamp.site.demo).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone

from bluelamp.core.plugins import DemoCast
from bluelamp.people.api import Person
from bluelamp.servicedesk.incidents.services import incident_entry_add, major_incident_declare
from bluelamp.servicedesk.kb.services import article_create
from bluelamp.servicedesk.problems.services import (
    problem_create,
    problem_link_incident,
    problem_mark_known_error,
)
from bluelamp.servicedesk.tickets.models import Category, Ticket
from bluelamp.servicedesk.tickets.services import (
    canned_response_save,
    contact_log,
    ticket_assign,
    ticket_create,
    ticket_escalate,
    ticket_reply,
    ticket_set_status,
)
from bluelamp.workingtime.api import subtract_working_time

__all__ = ["DEMO_MARKER", "desk_demo_load", "load_demo"]

DEMO_MARKER = "Certificate not generated after completing the course"

# Impact and urgency answers for each priority (sla.PRIORITY_MATRIX).
_ANSWERS = {
    "P1": {"impact": "whole_service", "urgency": "work_stopped"},
    "P2": {"impact": "small_group", "urgency": "work_stopped"},
    "P3": {"impact": "small_group", "urgency": "work_impaired"},
    "P4": {"impact": "one_person", "urgency": "inconvenience"},
}


def desk_demo_load(
    *,
    adviser,
    team_leader,
    engineer,
    service_manager,
    requesters: Sequence,
    now: dt.datetime | None = None,
    log: Callable[[str], None] = print,
) -> int:
    """Make the demo desk data unless it is there. Returns how many tickets were logged."""
    if Ticket.objects.filter(subject=DEMO_MARKER).exists():
        return 0
    now = now or timezone.now()
    categories = {c.name.split(" ")[0].lower(): c for c in Category.objects.filter(is_active=True)}
    people = list(requesters)

    def ago(hours: float) -> dt.datetime:
        return subtract_working_time(now, dt.timedelta(hours=hours))

    def who(i: int):
        return people[i % len(people)]

    def log_ticket(hours: float, priority: str, subject: str, category: str, requester, **kwargs) -> Ticket:
        kind = kwargs.pop("type", "incident")
        description = kwargs.pop("description", f"{subject}. Reported by {requester.get_full_name()}.")
        actor = kwargs.pop("actor", requester)
        return ticket_create(
            actor=actor,
            requester=requester,
            type=kind,
            category=categories.get(category),
            subject=subject,
            description=description,
            at=ago(hours),
            **_ANSWERS[priority],
            **kwargs,
        )

    def ask(ticket: Ticket, hours: float, body: str = "", **kwargs) -> Ticket:
        return ticket_reply(
            actor=kwargs.pop("actor", adviser),
            ticket=ticket,
            body=body or "Thank you for telling us. We are looking into it and will update you here.",
            at=ago(hours),
            **kwargs,
        )

    def move(ticket: Ticket, hours: float, status: str, reason: str = "", actor=None) -> Ticket:
        return ticket_set_status(
            actor=actor or adviser, ticket=ticket, status=status, reason=reason, at=ago(hours)
        )

    def up(ticket: Ticket, hours: float, reason: str, actor=None, to_tier=None) -> Ticket:
        return ticket_escalate(
            actor=actor or adviser, ticket=ticket, reason=reason, to_tier=to_tier, at=ago(hours)
        )

    with transaction.atomic():
        logged: list[Ticket] = []

        # Six weeks ago to three weeks ago: worked and finished (KPIs and trends).
        t = log_ticket(265, "P3", DEMO_MARKER, "records", who(0))
        ask(t, 264)
        move(t, 250, "resolved")
        move(t, 160, "closed")
        logged.append(t)
        t = log_ticket(
            255, "P4", "Add a new unit to our structure", "organisations", who(1), type="service_request"
        )
        ask(t, 254, "We have added the unit. It shows under North Division.")
        move(t, 253, "resolved")
        logged.append(t)
        t = log_ticket(230, "P2", "Reports page times out for our force", "reports", who(2))
        ask(t, 229.5)
        up(t, 229, "Slow report query: needs application operations.")
        ticket_assign(actor=engineer, ticket=t, assignee=engineer, at=ago(228))
        ask(t, 220, "We have sped up the report. Please try again.", actor=engineer)
        move(t, 219, "resolved", actor=engineer)
        logged.append(t)
        t = ticket_create(
            actor=None,
            type="general_enquiry",
            subject="How do we export course completions?",
            description="Our training team would like a spreadsheet of completions.",
            requester_name="Morgan Analyst",
            requester_email="morgan.analyst@partner.example",
            at=ago(205),
        )
        ask(t, 204, "Reports → Completions → Download as CSV. Your organisation administrator can do it.")
        move(t, 203, "resolved")
        logged.append(t)
        t = log_ticket(190, "P3", "Screen reader skips the quiz answers", "accessibility", who(3))
        ask(t, 189)
        up(t, 188, "Reproduced with NVDA: the answer labels are missing.")
        up(t, 170, "The fix needs a change to the quiz component.", actor=engineer)
        move(t, 130, "resolved", actor=engineer)
        logged.append(t)
        t = log_ticket(
            170, "P4", "Please change my e-mail address", "signing", who(4), type="service_request"
        )
        ask(t, 169, "Done: sign in with your new address from now on.")
        move(t, 168, "resolved")
        logged.append(t)

        # A problem behind two incidents, with a known-error workaround in the knowledge base.
        video_1 = log_ticket(150, "P3", "Training video will not play in the browser", "courses", who(5))
        ask(video_1, 149)
        problem = problem_create(
            actor=engineer,
            title="Course videos fail on force laptops with hardware acceleration off",
            description="Two forces report videos that will not start or stall. Both use the managed browser build.",
            from_ticket=video_1,
            at=ago(99),
        )
        problem_mark_known_error(
            actor=engineer,
            problem=problem,
            workaround="Open the course in another browser, or choose “Download transcript” under the video.",
            audience="public",
            category=categories.get("courses"),
            at=ago(98),
        )
        ask(
            video_1,
            97.5,
            "This is a known problem; the workaround is in our help pages. We will tell you when it is fixed.",
        )
        move(video_1, 97, "resolved")
        video_2 = log_ticket(
            30,
            "P3",
            "Video playback stalls on force laptops",
            "courses",
            who(6),
            channel="phone",
            actor=adviser,
        )
        problem_link_incident(actor=engineer, problem=problem, ticket=video_2, at=ago(29.5))
        ask(video_2, 29, "This is a known problem with a workaround: open the course in another browser.")
        logged += [video_1, video_2]

        # A complaint, with the contact centre investigating.
        t = log_ticket(
            25,
            "P3",
            "Complaint: mandatory course withdrawn without notice",
            "courses",
            who(7),
            type="complaint",
            description="The course our officers had to finish by Friday disappeared with no warning.",
        )
        ask(t, 24, "We are sorry. We are investigating and will reply with what we find.", actor=team_leader)
        ticket_assign(actor=team_leader, ticket=t, assignee=team_leader, at=ago(24))
        logged.append(t)

        # Due a review: no update for more than five working days (planned work: no breach).
        t = log_ticket(
            110,
            "P4",
            "Custom report of mandatory training by unit",
            "reports",
            who(8),
            type="service_request",
        )
        ask(t, 90, "We have passed this to the reporting team.")
        logged.append(t)

        # Reopened: the fix did not hold.
        t = log_ticket(50, "P3", "Certificates show the wrong force logo", "records", who(9))
        ask(t, 49)
        move(t, 45, "resolved")
        move(t, 30, "reopened", reason="The requester says the old logo is back on new certificates.")
        logged.append(t)

        # Breached: a P2 logged 60 working hours ago (target 48), escalated twice.
        t = log_ticket(60, "P2", "HR import rejects a valid file", "organisations", who(10))
        ask(t, 59)
        up(t, 58, "The file is valid: the import fails on a date format.")
        ticket_assign(actor=engineer, ticket=t, assignee=engineer, at=ago(57))
        up(t, 30, "Needs a change to the importer; beyond second line.", actor=engineer)
        logged.append(t)

        # Awaiting a third party: the supplier's package.
        t = log_ticket(30, "P3", "Supplier's new course package fails to load", "courses", who(11))
        ask(t, 29)
        up(t, 28, "Package error: needs application operations.")
        move(t, 20, "awaiting_third_party", actor=engineer)
        logged.append(t)

        # At risk: a P2 logged 40 working hours ago (warned at 36, due at 48).
        t = log_ticket(40, "P2", "Two-factor codes not arriving for a whole team", "signing", who(12))
        ask(t, 39.5)
        up(t, 39, "Codes are sent but not delivered: mail gateway checks.")
        ticket_assign(actor=engineer, ticket=t, assignee=engineer, at=ago(38))
        logged.append(t)

        # Awaiting the customer: the resolution clock is paused.
        t = log_ticket(20, "P3", "Course progress lost after finishing a module", "courses", who(13))
        ask(t, 18, "Which module was it, and roughly when did you finish it?", await_customer=True)
        logged.append(t)

        t = log_ticket(14, "P3", "Quiz marks a right answer as wrong", "courses", who(14))
        ticket_assign(actor=adviser, ticket=t, assignee=adviser, at=ago(13))
        logged.append(t)
        t = ticket_create(
            actor=None,
            type="general_enquiry",
            subject="Do you publish an accessibility statement?",
            description="We need it for our procurement checklist.",
            requester_name="Sam Buyer",
            requester_email="sam.buyer@council.example",
            at=ago(10),
        )
        logged.append(t)

        # Phone calls: one raised a ticket, one was not logged.
        call = contact_log(
            actor=adviser,
            caller_name=who(15).get_full_name(),
            person=who(15),
            outcome="Cannot find the course their sergeant assigned. Raised a ticket.",
            new_ticket={
                "type": "incident",
                "category": categories.get("courses"),
                "subject": "Assigned course missing from My learning",
                "description": "The course shows on the sergeant's report but not on the officer's page.",
                **_ANSWERS["P3"],
            },
            at=ago(6),
        )
        assert call.ticket is not None  # new_ticket raises one
        logged.append(call.ticket)
        contact_log(
            actor=adviser,
            caller_name="Unknown caller",
            outcome="Wrong number: wanted the force's switchboard.",
            not_logged_reason="Wrong number",
            at=ago(5),
        )

        # A major incident, declared by the team leader, with a timeline entry.
        t = log_ticket(
            3,
            "P1",
            "Sign-in fails for every force",
            "signing",
            who(16),
            channel="phone",
            actor=adviser,
            description="Several forces call: the sign-in page returns an error for everyone.",
        )
        ask(t, 2.9, "We know sign-in is failing for everyone and are working on it as a priority.")
        up(t, 2.8, "Whole service down: lead application operations.", actor=team_leader, to_tier="lead")
        incident = major_incident_declare(
            actor=team_leader,
            ticket=t,
            summary="Nobody can sign in; learning content is unreachable. Single sign-on suspected.",
            convene_gold=True,
            gold_members=[service_manager],
            at=ago(2.7),
        )
        incident_entry_add(
            actor=engineer,
            incident=incident,
            kind="action",
            text="Identity provider certificate expired overnight; renewal requested from the supplier.",
            at=ago(2),
        )
        logged.append(t)

        for title, body in [
            (
                "Password reset steps",
                "Hello {requester_first_name},\n\nChoose “Forgotten your password?” on the sign-in page "
                "and follow the link we e-mail you. It works for an hour.\n\n{adviser_name}\nBluelamp service desk",
            ),
            (
                "Asking for more details",
                "Hello {requester_first_name},\n\nSo that we can look into {reference}, please tell us the "
                "course name, the time it happened and any error message.\n\n{adviser_name}",
            ),
        ]:
            canned_response_save(actor=team_leader, title=title, body=body, shared=True)

    log(f"Service desk: {len(logged)} demo tickets over six weeks, a problem, a major incident.")
    return len(logged)


# --- the desk's part of `bluelamp demo-data` (a DemoLoader, registered in plugins.py) -------------


def load_demo(cast: DemoCast, log: Callable[[str], None]) -> None:
    """A few first tickets and a help article, then six weeks of desk history (each once)."""
    _first_tickets()
    _history(log)


def _first_tickets() -> None:
    """A few tickets and a help article, so the desk is not empty. Only on the first run."""

    if Ticket.objects.exists():
        return
    adviser = Person.objects.get(email="adviser@national.example")
    officer = Person.objects.get(email="kent.officer@kent.police.uk")
    incident = ticket_create(
        actor=officer,
        requester=officer,
        type="incident",
        subject="Induction course shows a blank page",
        description="The force induction course opens to a blank white page on my work laptop.",
        impact="small_group",
        urgency="work_impaired",
    )
    ticket_reply(
        actor=adviser,
        ticket=incident,
        body="Thank you. Which browser are you using, and does it happen on another computer?",
        await_customer=True,
    )
    ticket_create(
        actor=None,
        type="general_enquiry",
        subject="Which licence do we need for national content?",
        description="Our partner agency would like access to national learning content.",
        requester_name="Jordan Partner",
        requester_email="jordan.partner@agency.example",
    )
    article_create(
        actor=adviser,
        title="Signing in for the first time",
        publish=True,
        summary="Set your password with the link on the sign-in page.",
        body="Your organisation creates your account.\n\n- Go to the sign-in page.\n"
        "- Choose “Forgotten your password or never set one?”.\n- Follow the link in the e-mail.",
    )


def _history(log) -> None:
    """Six weeks of desk work for the team leader's dashboard and queues (once)."""

    requesters = list(
        Person.objects.filter(organisation__slug__in=["kent", "essex"], is_active=True, staff_number__gt="")
        .exclude(email="")
        .exclude(
            email__in=[
                "kent.admin@kent.police.uk",
                "essex.admin@essex.police.uk",
                "kent.training@kent.police.uk",
            ]
        )
        .order_by("organisation__slug", "pk")[:17]
    )
    desk_demo_load(
        adviser=Person.objects.get(email="adviser@national.example"),
        team_leader=Person.objects.get(email="teamleader@national.example"),
        engineer=Person.objects.get(email="engineer@national.example"),
        service_manager=Person.objects.get(email="servicemanager@national.example"),
        requesters=requesters or [Person.objects.get(email="kent.officer@kent.police.uk")],
        log=log,
    )
