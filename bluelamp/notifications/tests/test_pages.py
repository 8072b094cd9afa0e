"""The notifications page, opening one, "Mark all as read", and the e-mail choices: each person
sees and changes only their own."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from bluelamp.notifications import kinds
from bluelamp.notifications.api import Notification, notify, register_notification_kind
from bluelamp.notifications.models import EmailPreference
from conftest import page_body

REMINDER = "test.reminder"
OVERDUE = "test.overdue"


@pytest.fixture(autouse=True)
def test_kinds(monkeypatch):
    monkeypatch.setattr(kinds, "_kinds", {})
    register_notification_kind(
        REMINDER, "Training reminders", email_optional=True, description="Before training is due."
    )
    register_notification_kind(
        OVERDUE,
        "Overdue training",
        email_optional=False,
        description="Your force must know you have done mandatory training.",
    )


def _notify(person, subject, *, minutes_ago=0, body="", link=""):
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return notify(person=person, kind=REMINDER, subject=subject, body=body, link=link, at=at)


def test_the_list_shows_ones_own_newest_first_with_the_unread_marked(signed_in, bob, alice):
    _notify(bob, "Older, read", minutes_ago=10, body="Line one\nLine <two>")
    _notify(bob, "Newer, unread", minutes_ago=1)
    _notify(alice, "Alice's own")
    Notification.objects.filter(subject="Older, read").update(read_at=timezone.now())

    response = signed_in(bob).get("/notifications/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Newer, unread") < html.index("Older, read")
    assert "Alice&#39;s own" not in html and "Alice's own" not in html
    assert "1 unread" in html and "Mark all as read" in html
    tags = re.findall(r'<strong class="govuk-tag govuk-tag--(\w+)">\s*(\w+)\s*</strong>', html)
    assert tags == [("blue", "Unread"), ("grey", "Read")]
    assert "Line one<br>Line &lt;two&gt;" in html  # plain text, escaped, its lines kept
    # In the header, for everyone signed in.
    assert 'href="/notifications/"' in html


def test_the_list_is_paginated_in_a_fixed_number_of_queries(signed_in, bob, django_assert_max_num_queries):
    client = signed_in(bob)
    _notify(bob, "First")
    with django_assert_max_num_queries(50) as few:
        client.get("/notifications/")
    for n in range(30):
        _notify(bob, f"Notification {n}", minutes_ago=n + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/notifications/")
    html = response.content.decode()
    assert "Notification 0" in html and "Notification 29" not in html  # 25 a page
    assert "?page=2" in html
    assert "Notification 29" in client.get("/notifications/?page=2").content.decode()


def test_opening_one_marks_it_read_and_goes_to_its_link(signed_in, bob):
    with_link = _notify(bob, "Go somewhere", link="/learning/")
    without = _notify(bob, "Just to say")
    client = signed_in(bob)

    response = client.get(f"/notifications/{with_link.uuid}/")
    assert response.status_code == 302 and response["Location"] == "/learning/"
    with_link.refresh_from_db()
    read_at = with_link.read_at
    assert read_at is not None

    response = client.get(f"/notifications/{with_link.uuid}/")  # opened again: still read then
    with_link.refresh_from_db()
    assert with_link.read_at == read_at

    response = client.get(f"/notifications/{without.uuid}/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    without.refresh_from_db()
    assert without.read_at is not None


def test_mark_all_as_read(signed_in, bob, alice):
    for n in range(3):
        _notify(bob, f"Bob {n}")
    _notify(alice, "Alice's")
    client = signed_in(bob)
    assert client.get("/notifications/mark-all-read/").status_code == 405  # a POST only

    response = client.post("/notifications/mark-all-read/", follow=True)
    assert "3 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(person=bob, read_at__isnull=True).exists()
    assert Notification.objects.get(person=alice).read_at is None  # only one's own


def test_the_preferences_page_offers_the_optional_kinds_and_explains_the_others(signed_in, bob):
    client = signed_in(bob)
    html = client.get("/notifications/preferences/").content.decode()
    assert 'name="email_kinds" type="checkbox" value="test.reminder" checked' in html
    assert "Before training is due." in html
    assert 'value="test.overdue"' not in html  # not a choice
    assert (
        "Always sent by e-mail" in html and "Your force must know you have done mandatory training." in html
    )

    response = client.post("/notifications/preferences/", {})  # everything unticked
    assert response.status_code == 302 and response["Location"] == "/notifications/preferences/"
    assert EmailPreference.objects.get(person=bob, kind=REMINDER).email_enabled is False
    html = client.get("/notifications/preferences/").content.decode()
    assert 'value="test.reminder" checked' not in html and "Your e-mail choices are saved." in html

    client.post("/notifications/preferences/", {"email_kinds": [REMINDER]})
    assert EmailPreference.objects.get(person=bob, kind=REMINDER).email_enabled is True


def test_a_choice_that_is_not_offered_is_refused(signed_in, bob):
    response = signed_in(bob).post("/notifications/preferences/", {"email_kinds": [OVERDUE]})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_someone_elses_notification_is_not_found(signed_in, bob, charlie):
    bobs = _notify(bob, "KENTONLY for Bob", link="/learning/")
    client = signed_in(charlie)
    refused = client.get(f"/notifications/{bobs.uuid}/")
    missing = client.get("/notifications/00000000-0000-0000-0000-000000000000/")
    assert refused.status_code == missing.status_code == 404
    assert page_body(refused) == page_body(missing)
    bobs.refresh_from_db()
    assert bobs.read_at is None

    # Charlie's list and "Mark all as read" are his own.
    assert "KENTONLY" not in client.get("/notifications/").content.decode()
    client.post("/notifications/mark-all-read/")
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_signed_out_people_are_sent_to_sign_in(client, bob):
    bobs = _notify(bob, "For Bob")
    for url in ("/notifications/", "/notifications/preferences/", f"/notifications/{bobs.uuid}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post("/notifications/mark-all-read/")["Location"].startswith("/accounts/login/")
