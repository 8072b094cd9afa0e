"""The service desk issue's "done when", as people do it in a browser, on a frozen clock.

16:30 on Friday 28 August 2026, before the August bank holiday: an adviser logs a phone call from
a Kent officer as a P2 and sees its targets (response 4 and resolution 48 working hours, Monday
31 August not counting); the officer's acknowledgement arrives at a real SMTP server (aiosmtpd);
the adviser escalates to 2nd line and asks the officer a question (the clock pauses); on Tuesday
the officer's e-mailed answer resumes it, with the resolution target moved by exactly the paused
working time; an engineer resolves it and the officer is told over SMTP; the team leader's
dashboard counts it; an Essex officer can neither open nor list it. Ticket page and dashboard
are checked with axe (WCAG 2.2 AA).

The live server runs in this process, so patching `django.utils.timezone.now` freezes its clock.
"""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from bluelamp.organisations.api import Organisation
from bluelamp.servicedesk.inbound.services import mail_receive
from bluelamp.servicedesk.inbound.tests.messages import eml
from bluelamp.servicedesk.models import Category, Ticket
from bluelamp.servicedesk.tickets.services import ticket_create
from bluelamp.workingtime.api import forget_calendars, working_time_between
from conftest import make_org, make_person, with_mfa
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"
LONDON = ZoneInfo("Europe/London")


def london(month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


class Clock:
    """Stands in for `django.utils.timezone.now`: a frozen instant the test moves on."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)


def summary(page, key: str) -> str:
    """The value of a row of the ticket page's summary list."""
    return page.locator(f".govuk-summary-list__row:has(dt:text-is('{key}')) dd").inner_text()


def kpi_cells(page, caption: str, who: str) -> list[str]:
    row = page.locator(f"table:has(caption:has-text('{caption}')) tbody tr:has(th:text-is('{who}'))")
    return [" ".join(cell.split()) for cell in row.locator("td").all_inner_texts()]


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_a_p2_phone_call_before_a_bank_holiday_from_logging_to_kpis(page, settings, smtp_inbox):
    settings.AXES_ENABLED = False
    forget_calendars()  # no extra closures cached by an earlier test
    clock = Clock(london(8, 28, 9))
    with mock.patch("django.utils.timezone.now", new=clock):
        national = Organisation.objects.create(slug="national", name="National body", kind="national_body")
        kent = make_org("kent", "Kent Police")
        essex = make_org("essex", "Essex Police")
        make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", password=PASSWORD)
        dana = make_person(essex, "dana@essex.police.uk", first="Dana", last="Essex", password=PASSWORD)
        staff = {}
        for email, first, last, role in [
            ("adam@national.example", "Adam", "Adviser", "cc_adviser"),
            ("eve@national.example", "Eve", "Engineer", "app_ops_engineer"),
            ("tess@national.example", "Tess", "Leader", "cc_team_leader"),
        ]:
            person = make_person(national, email, first=first, last=last, roles=[role], password=PASSWORD)
            staff[first] = (email, with_mfa(person))
        Category.objects.create(name="Courses")
        # Essex's own ticket, weeks earlier: Dana's "My tickets" is not empty.
        dana_ticket = ticket_create(
            actor=dana, type="incident", subject="Essex induction quiz", description="x", at=london(8, 3, 10)
        )

        # 1. Friday 16:30: the adviser logs Bob's call as a P2 (a small group, work stopped).
        clock.at = london(8, 28, 16, 30)
        sign_in(page, staff["Adam"][0], PASSWORD, totp_secret=staff["Adam"][1])
        page.click("nav >> text=Service desk")
        page.click("main >> text=Log a phone call")
        page.wait_for_selector("h1:has-text('Log a phone call')")
        page.fill("#id_caller_name", "Bob Officer")
        page.fill("#id_caller_phone", "01622 000000")
        page.fill("#id_person_email", "bob@kent.police.uk")
        page.fill("#id_outcome", "Officers on the Canterbury response team cannot open the induction course.")
        page.check("input[name=logged_as][value=new]")
        page.select_option("#id_type", "incident")
        page.select_option("#id_category", label="Courses")
        page.fill("#id_subject", "Induction course will not open")
        page.fill("#id_description", "Six officers see a blank page when they open the induction course.")
        page.select_option("#id_impact", "small_group")
        page.select_option("#id_urgency", "work_stopped")
        page.click("button:has-text('Log the call')")
        page.wait_for_selector("text=Call logged and raised")
        ticket = Ticket.objects.get(subject="Induction course will not open")
        reference = ticket.reference
        assert reference in page.locator("main").inner_text()
        assert summary(page, "Priority").startswith("P2")
        assert summary(page, "Logged") == "28 August 2026 at 4:30pm"
        # 0.5 h on Friday, none on the bank holiday, 3.5 h on Tuesday; 48 h: Tuesday 8th, 10:30.
        assert summary(page, "Response due") == "1 September 2026 at 11:30am"
        assert summary(page, "Resolution due") == "8 September 2026 at 10:30am"
        assert ticket.organisation == kent and ticket.channel == "phone"
        assert_accessible(page, "ticket work page")

        # 2. The acknowledgement reaches Bob through the SMTP server.
        envelope, ack = smtp_inbox.wait_for("bob@kent.police.uk", reference)
        assert envelope.rcpt_tos == ["bob@kent.police.uk"] and ack["To"] == "bob@kent.police.uk"
        assert ack["Subject"] == f"[{reference}] We have logged your request: Induction course will not open"
        assert "1 September 2026 at 11:30am" in ack.get_body(preferencelist=("plain",)).get_content()

        # 3. Escalate to 2nd line, then ask Bob a question and wait for his answer (clock paused).
        clock.at = london(8, 28, 16, 35)
        page.fill("#id_tier-reason", "The course player needs application operations")
        page.click("button:has-text('Escalate')")
        page.wait_for_selector("text=The ticket is now with 2nd line")
        assert summary(page, "Tier") == "2nd line: application operations"
        clock.at = london(8, 28, 16, 40)
        page.fill("#id_reply-body", "Which browser do the officers use? Please reply to this e-mail.")
        page.check("#id_reply-await_customer")
        page.click("button:has-text('Send reply')")
        page.wait_for_selector("text=Your reply has been sent to the requester")
        assert summary(page, "Status") == "Awaiting customer"
        assert summary(page, "Resolution due") == "Clock paused while awaiting the customer"
        smtp_inbox.wait_for("bob@kent.police.uk", f"[{reference}] Re: Induction course will not open")
        sign_out(page)

        # 4. Tuesday 10:00 (Monday was a bank holiday): Bob's e-mailed answer resumes the clock.
        clock.at = london(9, 1, 10)
        outcome = mail_receive(
            eml(
                sender="Bob Officer <bob@kent.police.uk>",
                subject=f"Re: [{reference}] Re: Induction course will not open",
                body="Edge, version 128, on the force laptops.",
            )
        )
        assert (outcome.action, outcome.reference) == ("updated", reference)
        ticket.refresh_from_db()
        assert ticket.status == "open"
        paused = working_time_between(london(8, 28, 16, 40), london(9, 1, 10))
        assert paused == dt.timedelta(hours=2, minutes=20)  # 20 min on Friday, 2 h on Tuesday
        assert working_time_between(london(9, 8, 10, 30), ticket.resolution_due) == paused
        assert ticket.resolution_due == london(9, 8, 12, 50)

        # 5. Tuesday 10:30: the 2nd-line engineer resolves it; Bob is told over SMTP.
        clock.at = london(9, 1, 10, 30)
        sign_in(page, staff["Eve"][0], PASSWORD, totp_secret=staff["Eve"][1])
        page.goto(f"/service-desk/tickets/{reference}/")
        assert summary(page, "Status") == "Open"
        assert summary(page, "Resolution due") == "8 September 2026 at 12:50pm"
        assert "Edge, version 128" in page.locator("main").inner_text()
        page.select_option("#id_status-status", "resolved")
        page.click("button:has-text('Change status')")
        page.wait_for_selector("text=Status is now resolved")
        assert "Resolved 1 September 2026 at 10:30am" in summary(page, "Resolution due")
        envelope, resolved = smtp_inbox.wait_for("bob@kent.police.uk", "Resolved")
        assert envelope.rcpt_tos == ["bob@kent.police.uk"]
        assert resolved["Subject"] == f"[{reference}] Resolved: Induction course will not open"
        sign_out(page)

        # 6. Wednesday: the team leader's dashboard counts it.
        clock.at = london(9, 2, 9)
        sign_in(page, staff["Tess"][0], PASSWORD, totp_secret=staff["Tess"][1])
        page.click("nav >> text=Desk dashboard")
        page.wait_for_selector("text=KPIs for the week of 24 August 2026")
        # The week it was logged: Adam's call became a ticket; his first reply and the P2
        # response target were on time.
        adam = kpi_cells(page, "KPIs by adviser", "Adam Adviser")
        assert adam[0].startswith("100%") and "1 of 1" in adam[0], adam
        assert "1 of 1" in adam[1], adam
        priorities = ["P1", "P2", "P3", "P4"]
        sla = kpi_cells(page, "SLA attainment by adviser and priority", "Adam Adviser")
        assert "1 of 1" in sla[priorities.index("P2")], sla
        volumes = page.locator(
            "table:has(caption:has-text('per week by priority')) tbody tr:has(th:text-is('24 August 2026'))"
        )
        cells = volumes.locator("td").all_inner_texts()
        assert cells[priorities.index("P2")] == "1" and cells[-1] == "1", cells
        assert_accessible(page, "dashboard")
        # This week so far: resolved, on time, but not at first line (it was escalated).
        page.select_option("#id_week", "2026-08-31")
        page.click("button:has-text('Show week')")
        page.wait_for_selector("text=KPIs for the week of 31 August 2026")
        adam = kpi_cells(page, "KPIs by adviser", "Adam Adviser")
        assert adam[2].startswith("0%") and "0 of 1" in adam[2], adam
        sla = kpi_cells(page, "SLA attainment by adviser and priority", "Adam Adviser")
        assert "1 of 1" in sla[len(priorities) + priorities.index("P2")], sla
        assert_accessible(page, "dashboard, this week")
        sign_out(page)

        # 7. An Essex officer: Kent's ticket does not exist for her, and is not in her list.
        sign_in(page, "dana@essex.police.uk", PASSWORD)
        for url in (f"/service-desk/my-tickets/{reference}/", f"/service-desk/tickets/{reference}/"):
            response = page.goto(url)
            assert response.status == 404, url
            # The same "Page not found" page as for a ticket that does not exist.
            assert page.locator("h1").inner_text() == "Page not found"
            assert "Induction course" not in page.content()
        page.goto("/service-desk/my-tickets/")
        page.wait_for_selector(f"text={dana_ticket.reference}")
        assert reference not in page.content()
        assert "Induction course will not open" not in page.content()
