"""Extra closures: the services, the desk's cached calendar, the page (with an outsider) and admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.sla import sla_targets
from bluelamp.workingtime.api import (
    Calendar,
    ExtraClosure,
    add_working_time,
    default_calendar,
    extra_closure_create,
    extra_closure_delete,
    is_working_day,
)
from conftest import london, page_body

URL = "/service-desk/closures/"


def working_weekday_after(day: dt.date) -> dt.date:
    """The first weekday after `day` that is not a bank holiday (and so may be closed)."""
    calendar = Calendar()
    day += dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def future_day():
    return working_weekday_after(timezone.localdate() + dt.timedelta(days=30))


# --- services -----------------------------------------------------------------------------------


def test_create_records_and_audits(service_manager, future_day):
    closure = extra_closure_create(actor=service_manager, date=future_day, reason="  National IT shutdown ")
    assert closure.reason == "National IT shutdown"
    assert closure.created_by == service_manager
    event = AuditEvent.objects.get(action="servicedesk.closure_add")
    assert event.actor == service_manager
    assert event.after == {
        "date": future_day.isoformat(),
        "reason": "National IT shutdown",
        "calendar": "england-and-wales",
    }


@pytest.mark.parametrize(
    "day, message",
    [
        (dt.date(2099, 1, 3), "is a weekend day"),  # a Saturday
        (dt.date(2099, 12, 25), r"is already a bank holiday \(Christmas Day\)"),
    ],
)
def test_create_refuses_days_already_closed(service_manager, day, message):
    with pytest.raises(ValidationError, match=message):
        extra_closure_create(actor=service_manager, date=day, reason="Why")
    assert not ExtraClosure.objects.exists()


def test_create_refuses_the_past_duplicates_and_no_reason(service_manager, future_day):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="has passed: an extra closure must be today or later"):
        extra_closure_create(actor=service_manager, date=yesterday, reason="Too late")
    extra_closure_create(actor=service_manager, date=future_day, reason="First")
    with pytest.raises(ValidationError, match="already an extra closure on that date"):
        extra_closure_create(actor=service_manager, date=future_day, reason="Again")
    with pytest.raises(ValidationError) as blank:
        extra_closure_create(actor=service_manager, date=working_weekday_after(future_day), reason="  ")
    assert "reason" in blank.value.message_dict
    assert ExtraClosure.objects.count() == 1
    assert AuditEvent.objects.filter(action="servicedesk.closure_add").count() == 1


def test_delete_audits_and_refuses_past_closures(service_manager, future_day):
    closure = extra_closure_create(actor=service_manager, date=future_day, reason="Shutdown")
    extra_closure_delete(actor=service_manager, closure=closure)
    assert not ExtraClosure.objects.exists()
    event = AuditEvent.objects.get(action="servicedesk.closure_remove")
    assert event.before["reason"] == "Shutdown"
    past = ExtraClosure.objects.create(date=dt.date(2024, 6, 3), reason="History")
    with pytest.raises(ValidationError, match="has passed and stays on record"):
        extra_closure_delete(actor=service_manager, closure=past)
    assert ExtraClosure.objects.filter(pk=past.pk).exists()


# --- the desk's calendar reads the table once and follows changes -------------------------------


def test_the_desk_calendar_follows_closures_at_once(service_manager, future_day):
    assert is_working_day(future_day)
    closure = extra_closure_create(actor=service_manager, date=future_day, reason="Shutdown")
    assert not is_working_day(future_day)
    assert future_day in default_calendar().extra_closures
    extra_closure_delete(actor=service_manager, closure=closure)
    assert is_working_day(future_day)


def test_the_desk_calendar_reads_the_database_once(db, django_assert_num_queries):
    ExtraClosure.objects.create(date=dt.date(2030, 6, 10), reason="Closed")
    with django_assert_num_queries(1):
        default_calendar()
    friday = london(2030, 6, 7, 16, 30)
    with django_assert_num_queries(0):
        for _ in range(100):
            sla_targets("P2", friday)
            add_working_time(friday, dt.timedelta(hours=1))
    assert sla_targets("P2", friday).response_due == london(2030, 6, 11, 11, 30)


def test_sla_targets_use_the_desk_calendar_by_default(db):
    friday = london(2030, 6, 7, 16, 30)
    assert sla_targets("P1", friday).response_due == london(2030, 6, 10, 8, 30)
    ExtraClosure.objects.create(date=dt.date(2030, 6, 10), reason="Closed")
    assert sla_targets("P1", friday).response_due == london(2030, 6, 11, 8, 30)


# --- the page -----------------------------------------------------------------------------------


def test_service_manager_lists_adds_and_removes(signed_in, service_manager, future_day):
    client = signed_in(service_manager)
    page = client.get(URL)
    assert page.status_code == 200
    assert "No extra closures." in page.content.decode()
    response = client.post(URL, {"date": future_day.isoformat(), "reason": "National IT shutdown"})
    assert response.status_code == 302 and response["Location"] == URL
    closure = ExtraClosure.objects.get()
    assert (closure.date, closure.reason, closure.created_by) == (
        future_day,
        "National IT shutdown",
        service_manager,
    )
    page = client.get(URL).content.decode()
    assert "National IT shutdown" in page and "Ivy Manager" in page
    assert f"{future_day.day} {future_day:%B %Y}" in page
    response = client.post(f"/service-desk/closures/{closure.pk}/remove/")
    assert response.status_code == 302
    assert not ExtraClosure.objects.exists()
    assert list(
        AuditEvent.objects.filter(actor=service_manager).order_by("pk").values_list("action", flat=True)
    ) == ["servicedesk.closure_add", "servicedesk.closure_remove"]


def test_platform_admin_may_use_the_page(signed_in, platform_admin):
    assert signed_in(platform_admin).get(URL).status_code == 200


def test_bad_input_is_explained_and_nothing_is_saved(signed_in, service_manager):
    client = signed_in(service_manager)
    page = client.post(URL, {"date": "next tuesday", "reason": ""})
    assert page.status_code == 200
    text = page.content.decode()
    assert "There is a problem" in text
    assert "Enter the date as YYYY-MM-DD" in text and "Enter the reason for the closure" in text
    page = client.post(URL, {"calendar": "england-and-wales", "date": "2099-12-25", "reason": "Christmas"})
    assert "already a bank holiday (Christmas Day)" in page.content.decode()
    assert not ExtraClosure.objects.exists()


def test_a_past_closure_cannot_be_removed_on_the_page(signed_in, service_manager):
    past = ExtraClosure.objects.create(date=dt.date(2024, 6, 3), reason="History")
    client = signed_in(service_manager)
    response = client.post(f"/service-desk/closures/{past.pk}/remove/", follow=True)
    assert "has passed and stays on record" in response.content.decode()
    assert ExtraClosure.objects.filter(pk=past.pk).exists()


def test_outsiders_are_refused_as_not_found(signed_in, charlie, adviser, future_day, service_manager):
    closure = extra_closure_create(actor=service_manager, date=future_day, reason="Shutdown")
    # Charlie administers Essex; Adam is a contact-centre adviser (works tickets, does not lead).
    for outsider in (charlie, adviser):
        client = signed_in(outsider)
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"date": "2099-06-01", "reason": "Mine"}).status_code == 404
        assert client.post(f"/service-desk/closures/{closure.pk}/remove/").status_code == 404
        client.logout()
    assert list(ExtraClosure.objects.values_list("reason", flat=True)) == ["Shutdown"]
    # Refused and missing look the same.
    client = signed_in(charlie)
    assert page_body(client.post("/service-desk/closures/999999/remove/")) == page_body(
        client.post(f"/service-desk/closures/{closure.pk}/remove/")
    )


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_removing_needs_a_post(signed_in, service_manager, future_day):
    closure = extra_closure_create(actor=service_manager, date=future_day, reason="Shutdown")
    assert signed_in(service_manager).get(f"/service-desk/closures/{closure.pk}/remove/").status_code == 405
    assert ExtraClosure.objects.exists()


# --- Django admin -------------------------------------------------------------------------------


def test_platform_admins_manage_closures_in_django_admin(
    signed_in, platform_admin, service_manager, future_day
):
    client = signed_in(platform_admin)
    assert client.get("/django-admin/workingtime/extraclosure/").status_code == 200
    response = client.post(
        "/django-admin/workingtime/extraclosure/add/",
        {
            "calendar": "england-and-wales",
            "date": future_day.isoformat(),
            "reason": "Added in admin",
            "created_by": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    closure = ExtraClosure.objects.get()
    assert closure.created_by == platform_admin
    assert AuditEvent.objects.filter(action="admin.add", object_id=str(closure.pk)).exists()
    # The model's own rules hold in admin too.
    response = client.post(
        "/django-admin/workingtime/extraclosure/add/",
        {"calendar": "england-and-wales", "date": "2099-12-25", "reason": "Christmas"},
    )
    assert response.status_code == 200 and "already a bank holiday" in response.content.decode()
    # Not for service-desk leads who are not platform administrators.
    assert signed_in(service_manager).get("/django-admin/workingtime/extraclosure/").status_code == 302


# --- closures keyed by calendar; who may act --------------------------------------------------


def test_closures_belong_to_one_calendar(service_manager, future_day):
    from bluelamp.workingtime.api import calendar_for, default_calendar

    extra_closure_create(actor=service_manager, date=future_day, reason="Scottish day", calendar="scotland")
    assert not calendar_for("scotland").is_working_day(future_day)
    assert default_calendar().is_working_day(future_day)  # England and Wales: open
    # One per calendar and day: the same day may be closed in England and Wales too, once.
    extra_closure_create(actor=service_manager, date=future_day, reason="National day")
    assert not default_calendar().is_working_day(future_day)
    with pytest.raises(ValidationError, match="already an extra closure"):
        extra_closure_create(actor=service_manager, date=future_day, reason="Again")
    with pytest.raises(ValidationError, match="no calendar"):
        extra_closure_create(actor=service_manager, date=future_day, reason="x", calendar="atlantis")


def test_each_calendar_has_its_own_bank_holidays():
    from bluelamp.workingtime.api import Calendar

    st_andrews = dt.date(2029, 11, 30)  # a Friday: a bank holiday in Scotland only
    assert not Calendar(name="scotland").is_working_day(st_andrews)
    assert Calendar().is_working_day(st_andrews)
    assert Calendar(name="northern-ireland").bank_holiday_name(dt.date(2029, 3, 17))


def test_only_desk_leads_may_record_or_remove_closures(adviser, charlie, service_manager, future_day):
    from django.core.exceptions import PermissionDenied

    for outsider in (adviser, charlie):
        with pytest.raises(PermissionDenied):
            extra_closure_create(actor=outsider, date=future_day, reason="Not mine to close")
    closure = extra_closure_create(actor=service_manager, date=future_day, reason="Closed")
    for outsider in (adviser, charlie, None):
        with pytest.raises(PermissionDenied):
            extra_closure_delete(actor=outsider, closure=closure)
    assert ExtraClosure.objects.filter(pk=closure.pk).exists()


def test_a_closure_date_is_judged_at_the_time_given(service_manager):
    """`at` decides what "today" is (tests never depend on the day they run)."""
    at = dt.datetime(2031, 3, 10, 12, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="has passed"):
        extra_closure_create(actor=service_manager, date=dt.date(2031, 3, 7), reason="Late", at=at)
    closure = extra_closure_create(actor=service_manager, date=dt.date(2031, 3, 11), reason="Soon", at=at)
    later = dt.datetime(2031, 3, 12, 9, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="has passed"):
        extra_closure_delete(actor=service_manager, closure=closure, at=later)
