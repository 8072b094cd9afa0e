"""Scheduled e-mailed compliance reports: the pages (list, create, change, delete) for those who
manage an organisation's mandatory training, "not found" for everyone else; the daily job sends
each due schedule once per period with the report attached, to recipients who may still see it,
and an SMTP outage delays it without losing it. Dates are fixed (2026: 2 March is a Monday)."""

import datetime as dt

import pytest
import tablib
from django.core import mail

from bluelamp.audit.api import AuditEvent
from bluelamp.compliance.models import ReportSchedule
from bluelamp.compliance.schedules import (
    ScheduleInput,
    is_due,
    recipients_parse,
    report_schedule_save,
    report_schedules_send,
)
from bluelamp.compliance.tests.helpers import make_requirement
from bluelamp.learning.tests.courses import publish_course
from bluelamp.notifications.api import OutgoingEmail
from bluelamp.organisations.api import role_revoke, unit_create
from conftest import make_person

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
WEDNESDAY = dt.date(2026, 3, 4)


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


@pytest.fixture
def first_aid(kent, alice):
    return publish_course(kent, alice, "FA-101", title="First aid")


@pytest.fixture
def requirement(kent, alice, bob, first_aid):
    return make_requirement(kent, "FA", [first_aid], title="First aid", first_due_days=10, at=at(MONDAY))


@pytest.fixture
def east(kent, alice):
    return unit_create(actor=alice, organisation=kent, name="East")


def schedule(organisation, actor, *, on=WEDNESDAY, **fields):
    data = {"frequency": "weekly", "format": "csv", "recipients": actor.email, **fields}
    return report_schedule_save(actor=actor, organisation=organisation, data=ScheduleInput(**data), at=at(on))


def sent(kind="compliance.scheduled_report"):
    return list(OutgoingEmail.objects.filter(kind=kind).order_by("created_at", "pk"))


# --- the pages -------------------------------------------------------------------------------------


def test_an_administrator_creates_changes_and_deletes_a_schedule_through_the_pages(
    signed_in, kent, alice, east, requirement
):
    client = signed_in(alice)
    page = client.get("/compliance/schedules/")
    assert page.status_code == 200 and "No reports are scheduled yet." in page.text
    form = client.get("/compliance/schedules/new/")
    assert form.status_code == 200 and "Kent Police" in form.text and "East" in form.text

    response = client.post(
        "/compliance/schedules/new/",
        {
            "frequency": "weekly",
            "format": "csv",
            "recipients": "alice@kent.police.uk\n",
            "unit": "",
            "requirement": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/compliance/schedules/"
    created = ReportSchedule.objects.get()
    assert (created.organisation, created.frequency, created.format, created.recipients) == (
        kent,
        "weekly",
        "csv",
        ["alice@kent.police.uk"],
    )
    assert created.created_by == alice and created.unit is None and created.requirement is None
    listed = client.get("/compliance/schedules/")
    assert "alice@kent.police.uk" in listed.text and "Weekly (Mondays)" in listed.text

    edit = client.get(f"/compliance/schedules/{created.uuid}/")
    assert edit.status_code == 200 and "alice@kent.police.uk" in edit.text
    response = client.post(
        f"/compliance/schedules/{created.uuid}/",
        {
            "frequency": "monthly",
            "format": "xlsx",
            "recipients": "alice@kent.police.uk",
            "unit": str(east.pk),
            "requirement": str(requirement.pk),
            "active": "on",
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.frequency, created.format, created.unit, created.requirement, created.active) == (
        "monthly",
        "xlsx",
        east,
        requirement,
        True,
    )

    confirm = client.get(f"/compliance/schedules/{created.uuid}/delete/")
    assert confirm.status_code == 200 and "Delete this scheduled report?" in confirm.text
    assert ReportSchedule.objects.filter(pk=created.pk).exists()  # asking deletes nothing
    response = client.post(f"/compliance/schedules/{created.uuid}/delete/")
    assert response.status_code == 302 and not ReportSchedule.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="compliance.report_schedule").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "compliance.report_schedule_create",
        "compliance.report_schedule_delete",
        "compliance.report_schedule_update",
    ]


def test_bad_recipients_are_named_with_what_is_accepted_and_nothing_is_saved(signed_in, kent, alice, bob):
    client = signed_in(alice)
    response = client.post(
        "/compliance/schedules/new/",
        {
            "frequency": "weekly",
            "format": "csv",
            "recipients": "alice@kent.police.uk\nnot-an-address\nALICE@kent.police.uk",
        },
    )
    assert response.status_code == 400 and "There is a problem" in response.text
    assert "Line 2, “not-an-address”, is not an e-mail address" in response.text
    assert "ALICE@kent.police.uk is listed twice" in response.text
    assert not ReportSchedule.objects.exists()

    # Bob is a Kent officer: he may not see his colleagues' training by name, so no report for him.
    response = client.post(
        "/compliance/schedules/new/",
        {
            "frequency": "weekly",
            "format": "csv",
            "recipients": "bob@kent.police.uk\nsomeone@elsewhere.example",
        },
    )
    assert response.status_code == 400
    assert (
        "bob@kent.police.uk is not the address of anyone who may see Kent Police&#39;s people by name"
        in response.text
    )
    assert "someone@elsewhere.example is not the address of anyone" in response.text
    assert not ReportSchedule.objects.exists()

    response = client.post(
        "/compliance/schedules/new/", {"frequency": "daily", "format": "pdf", "recipients": ""}
    )
    assert response.status_code == 400
    for message in (
        "Choose how often: weekly (on Mondays) or monthly (on the 1st)",
        "Choose the file format: CSV or Excel (XLSX)",
        "Enter at least one e-mail address, one per line",
    ):
        assert message in response.text


def test_recipients_are_parsed_one_per_line_and_limited():
    assert recipients_parse("a@x.uk\n\n b@x.uk ; c@x.uk,") == (["a@x.uk", "b@x.uk", "c@x.uk"], [])
    addresses, problems = recipients_parse("\n".join(f"p{n}@x.uk" for n in range(21)))
    assert problems == [
        "You entered 21 addresses: at most 20 are accepted. A shared mailbox can stand for a team"
    ]


def test_a_unit_or_requirement_of_another_organisation_is_refused(kent, essex, alice, charlie, first_aid):
    essex_unit = unit_create(actor=charlie, organisation=essex, name="Essex North")
    essex_course = publish_course(essex, charlie, "ESSEX-1")
    essex_requirement = make_requirement(essex, "ES", [essex_course], at=at(MONDAY))
    with pytest.raises(Exception) as refused:
        schedule(kent, alice, unit=essex_unit, requirement=essex_requirement)
    errors = refused.value.message_dict
    assert errors["unit"] == ["Essex North is not one of Kent Police's units: choose one of them, or none"]
    assert errors["requirement"] == [
        "ES does not apply to Kent Police's people: choose one of its active requirements, or all"
    ]


def test_outsiders_and_people_who_do_not_manage_get_not_found(signed_in, client, kent, alice, bob, charlie):
    kents = schedule(kent, alice)
    outsider = signed_in(charlie)
    assert outsider.get("/compliance/schedules/").status_code == 200  # Essex's own: none
    assert "alice@kent.police.uk" not in outsider.get("/compliance/schedules/").text
    for url in (f"/compliance/schedules/{kents.uuid}/", f"/compliance/schedules/{kents.uuid}/delete/"):
        assert outsider.get(url).status_code == 404
        assert (
            outsider.post(
                url, {"frequency": "monthly", "format": "csv", "recipients": "x@essex.police.uk"}
            ).status_code
            == 404
        )
    missing = outsider.get("/compliance/schedules/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    kents.refresh_from_db()
    assert kents.frequency == "weekly"
    # Charlie cannot schedule a report of Kent either: his form offers Essex only.
    response = outsider.post(
        "/compliance/schedules/new/",
        {"frequency": "weekly", "format": "csv", "recipients": "charlie@essex.police.uk"},
    )
    assert response.status_code == 302
    assert ReportSchedule.objects.get(created_by=charlie).organisation.slug == "essex"

    client.logout()
    officer = signed_in(bob)
    for url in (
        "/compliance/schedules/",
        "/compliance/schedules/new/",
        f"/compliance/schedules/{kents.uuid}/",
    ):
        assert officer.get(url).status_code == 404


# --- sending ---------------------------------------------------------------------------------------


def test_a_weekly_report_goes_each_monday_once_with_the_report_attached(
    kent, alice, bob, requirement, django_capture_on_commit_callbacks
):
    weekly = schedule(kent, alice, on=WEDNESDAY)
    assert not is_due(weekly, WEDNESDAY)  # made mid-week: the first goes next Monday
    assert report_schedules_send(at=at(WEDNESDAY)) == 0
    next_monday = dt.date(2026, 3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        assert report_schedules_send(at=at(next_monday)) == 1
    assert report_schedules_send(at=at(next_monday, 20)) == 0
    assert report_schedules_send(at=at(dt.date(2026, 3, 10))) == 0
    weekly.refresh_from_db()
    assert weekly.last_sent_on == next_monday

    (message,) = [m for m in mail.outbox if m.subject.startswith("Mandatory training report")]
    assert message.to == ["alice@kent.police.uk"]
    assert message.subject == "Mandatory training report, Kent Police, 9 March 2026"
    assert "as it stands on 9 March 2026" in message.body and "2 rows" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == ("compliance-kent-2026-03-09.csv", "text/csv")
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    lines = text.splitlines()
    assert lines[0] == "staff_number,name,unit,requirement,status,due_date,expires"
    assert lines[1:] == ["K1,Alice Admin,,FA,due,2026-03-12,", "K2,Bob Officer,,FA,due,2026-03-12,"]

    # Missed Monday: Tuesday's run sends the week's.
    assert report_schedules_send(at=at(dt.date(2026, 3, 17))) == 1
    assert len(sent()) == 2


def test_a_monthly_xlsx_report_of_a_unit_goes_on_the_first(kent, alice, east, first_aid):
    make_person(
        kent, "eve@kent.police.uk", first="=cmd|' /C calc'!A0", last="East", unit=east, staff_number="K5"
    )
    make_person(kent, "wes@kent.police.uk", first="Wes", last="Elsewhere", staff_number="K6")
    make_requirement(kent, "FA", [first_aid], first_due_days=10, at=at(MONDAY))
    monthly = schedule(kent, alice, on=MONDAY, frequency="monthly", format="xlsx", unit=east)
    assert report_schedules_send(at=at(dt.date(2026, 3, 31))) == 0
    assert report_schedules_send(at=at(dt.date(2026, 4, 1))) == 1
    assert report_schedules_send(at=at(dt.date(2026, 4, 2))) == 0
    (email,) = sent()
    (attachment,) = email.attachments
    assert attachment["filename"] == "compliance-kent-2026-04-01.xlsx"
    assert attachment["mimetype"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    import base64

    table = tablib.Dataset().load(base64.b64decode(attachment["content_base64"]), format="xlsx")
    assert list(table.headers) == [
        "staff_number",
        "name",
        "unit",
        "requirement",
        "status",
        "due_date",
        "expires",
    ]
    (row,) = table  # East's people only: Eve
    assert row[0] == "K5" and row[1].startswith("'=cmd")  # a name is never a formula
    assert row[2] == "East" and row[3] == "FA" and row[4] == "overdue"
    assert email.subject == "Mandatory training report, Kent Police: East, 1 April 2026"
    monthly.refresh_from_db()
    assert monthly.last_sent_on == dt.date(2026, 4, 1)


def test_a_recipient_who_lost_the_role_is_dropped_and_a_paused_schedule_sends_nothing(
    kent, alice, requirement
):
    tara = make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", roles=["training_admin"])
    weekly = schedule(kent, alice, on=MONDAY, recipients="alice@kent.police.uk\ntara@kent.police.uk")
    assert weekly.recipients == ["alice@kent.police.uk", "tara@kent.police.uk"]
    role_revoke(actor=alice, assignment=tara.role_assignments.get(), reason="Moved on")
    assert report_schedules_send(at=at(dt.date(2026, 3, 9))) == 1
    (email,) = sent()
    assert email.to == ["alice@kent.police.uk"]

    paused = schedule(kent, alice, on=MONDAY, recipients="alice@kent.police.uk", active=False)
    assert not is_due(paused, dt.date(2026, 3, 16))
    report_schedules_send(at=at(dt.date(2026, 3, 16)))
    paused.refresh_from_db()
    assert paused.last_sent_on is None


def test_an_smtp_outage_delays_the_report_and_loses_nothing(
    kent, alice, requirement, smtp, django_capture_on_commit_callbacks
):
    from bluelamp.notifications.services import email_deliver

    schedule(kent, alice, on=MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert report_schedules_send(at=at(dt.date(2026, 3, 9))) == 1  # the job does not fail
    (email,) = sent()
    assert (email.status, email.attempts) == ("queued", 1)
    assert report_schedules_send(at=at(dt.date(2026, 3, 9), 12)) == 0  # recorded as sent: not twice
    inbox = smtp.start()
    assert email_deliver(email.pk) == "sent"
    _, message = inbox.wait_for("alice@kent.police.uk", "Mandatory training report")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "compliance-kent-2026-03-09.csv"
    assert "Bob Officer" in attachment.get_content()  # text/csv: decoded as text


def test_a_national_training_admin_may_not_be_sent_a_forces_report_without_names_shared(
    national, kent, alice
):
    make_person(national, "pat@national.example", first="Pat", last="National", roles=["training_admin"])
    with pytest.raises(Exception) as refused:
        schedule(kent, alice, recipients="pat@national.example")
    assert (
        "pat@national.example is not the address of anyone who may see Kent Police's people by name"
        in str(refused.value)
    )


def test_a_platform_administrator_chooses_the_organisation_and_its_units_only(
    signed_in, platform_admin, kent, essex, alice, charlie
):
    essex_unit = unit_create(actor=charlie, organisation=essex, name="Essex North")
    client = signed_in(platform_admin)
    form = client.get("/compliance/schedules/new/")
    assert "Choose an organisation" in form.text and "Essex Police: Essex North" in form.text
    response = client.post(
        "/compliance/schedules/new/",
        {
            "organisation": str(kent.pk),
            "frequency": "weekly",
            "format": "csv",
            "recipients": "alice@kent.police.uk",
            "unit": str(essex_unit.pk),
        },
    )
    assert response.status_code == 400
    assert "Essex North is not one of Kent Police&#39;s units" in response.text
    assert not ReportSchedule.objects.exists()
    response = client.post(
        "/compliance/schedules/new/",
        {
            "organisation": str(kent.pk),
            "frequency": "weekly",
            "format": "csv",
            "recipients": "alice@kent.police.uk",
        },
    )
    assert response.status_code == 302 and ReportSchedule.objects.get().organisation == kent


def test_the_list_takes_the_same_queries_however_many_schedules(signed_in, kent, alice, east, requirement):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(alice)
    counts = []
    for _ in range(2):
        schedule(kent, alice, unit=east, requirement=requirement)
        schedule(kent, alice)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/compliance/schedules/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
