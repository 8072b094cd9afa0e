"""My learning's pages come from the shared cache (learning/mine.py) and every change to the
learner's enrolments and progress, or to a course's title, is seen on the next visit; one
person's page is never another's. The suite turns the cache off; these tests turn it on."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bluelamp.learning.api import Enrolment, activity_open, enrol_self, unenrol
from bluelamp.learning.courses import course_update
from bluelamp.learning.tests.courses import publish_course
from conftest import make_person

pytestmark = pytest.mark.django_db

URL = reverse("learning:my_learning")
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.MY_LEARNING_CACHE_SECONDS = 60


def visit(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return response.text, [q["sql"] for q in captured]


def enrolment_queries(sql):
    return [s for s in sql if 'FROM "learning_enrolment"' in s]


def codes(html):
    return re.findall(r">(MC-\d+) v\d+</span>", html)


def progress_of(html, code):
    row = html[html.index(f">{code} v") :]
    return re.search(r"(\d+) of (\d+) activities", row).group(0)


def test_the_second_visit_reads_no_enrolment(client, signed_in, bob, national):
    enrol_self(person=bob, course=publish_course(national, None, "MC-1"), at=AT)
    signed_in(bob)
    page, sql = visit(client)
    assert codes(page) == ["MC-1"] and enrolment_queries(sql)
    page, sql = visit(client)
    assert codes(page) == ["MC-1"] and enrolment_queries(sql) == []


def test_enrolling_progressing_and_withdrawing_are_seen_at_once(client, signed_in, bob, national):
    first = enrol_self(person=bob, course=publish_course(national, None, "MC-1", pages=2), at=AT)
    signed_in(bob)
    assert codes(visit(client)[0]) == ["MC-1"]

    second = enrol_self(person=bob, course=publish_course(national, None, "MC-2"), at=AT)
    assert codes(visit(client, show="not_started")[0]) == ["MC-1", "MC-2"]

    # Opening the first activity starts the enrolment (an update() of started_at) and completes
    # that activity (its progress saved): it moves to "In progress", 1 of 2 done.
    activity_open(enrolment=first, activity=first.version.activities.order_by("order").first(), at=AT)
    page, _ = visit(client, show="in_progress")
    assert codes(page) == ["MC-1"] and progress_of(page, "MC-1") == "1 of 2 activities"
    assert codes(visit(client, show="not_started")[0]) == ["MC-2"]

    unenrol(actor=bob, enrolment=second, at=AT + dt.timedelta(hours=1))
    assert codes(visit(client, show="not_started")[0]) == []


def test_a_completed_course_moves_to_completed_at_once(client, signed_in, bob, national):
    enrolment = enrol_self(person=bob, course=publish_course(national, None, "MC-1", pages=1), at=AT)
    signed_in(bob)
    assert codes(visit(client)[0]) == ["MC-1"]
    activity_open(enrolment=enrolment, activity=enrolment.version.activities.get(), at=AT)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert codes(visit(client, show="completed")[0]) == ["MC-1"]
    assert codes(visit(client, show="not_started")[0]) == []


def test_a_course_renamed_is_seen_at_once(client, signed_in, bob, national):
    enrolment = enrol_self(person=bob, course=publish_course(national, None, "MC-1"), at=AT)
    signed_in(bob)
    visit(client)
    course_update(actor=None, course=enrolment.course, title="A better title")
    assert "A better title" in visit(client)[0]


def test_each_person_sees_their_own(client, signed_in, bob, kent, national):
    enrol_self(person=bob, course=publish_course(national, None, "MC-1"), at=AT)
    other = make_person(kent, "other@kent.police.uk")
    enrol_self(person=other, course=publish_course(national, None, "MC-2"), at=AT)
    signed_in(bob)
    assert codes(visit(client)[0]) == ["MC-1"]
    signed_in(other)
    assert codes(visit(client)[0]) == ["MC-2"]
    signed_in(bob)
    assert codes(visit(client)[0]) == ["MC-1"]


def test_groups_and_pages_are_cached_apart(client, signed_in, bob, national):
    for n in range(21):
        enrol_self(person=bob, course=publish_course(national, None, f"MC-{n:02}"), at=AT)
    signed_in(bob)
    first, _ = visit(client)
    second, _ = visit(client, page=2)
    assert len(codes(first)) == 20 and len(codes(second)) == 1
    assert set(codes(first)).isdisjoint(codes(second))
    assert codes(visit(client, page=99)[0]) == codes(second)  # past the end: the last page
    assert codes(visit(client, page="x")[0]) == codes(first)  # not a number: the first
    assert codes(visit(client, show="completed")[0]) == []


def test_overdue_is_worked_out_on_the_day_the_page_is_drawn(client, signed_in, bob, national, monkeypatch):
    from django.utils import timezone

    from bluelamp.learning.mine import forget_my_learning

    enrolment = enrol_self(person=bob, course=publish_course(national, None, "MC-1"), at=AT)
    due = dt.date(2026, 4, 1)
    Enrolment.objects.filter(pk=enrolment.pk).update(due_on=due)
    forget_my_learning(bob.pk)  # an update(): no signal
    signed_in(bob)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due)
    assert "Overdue" not in visit(client)[0]
    assert "Overdue" not in visit(client)[0]  # the same day: the kept page
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due + dt.timedelta(days=1))
    assert "Overdue" in visit(client)[0]


def test_a_kept_course_page_carries_each_requests_own_csrf_field(bob, national):
    """The course page's forms are kept as HTML with a mark for the CSRF field, filled in per
    request: the kept page's Enrol form works for the learner, and in another session of theirs."""
    from django.test import Client

    course = publish_course(national, None, "MC-1")
    url = reverse("learning:course", args=[course.uuid])

    def enrol_through_the_page(client):
        page = client.get(url).text
        assert "<!--csrf:" not in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return client.post(
            reverse("learning:course_enrol", args=[course.uuid]), {"csrfmiddlewaretoken": token}
        )

    first = Client(enforce_csrf_checks=True)
    first.force_login(bob)
    first.get(url)  # drawn and kept
    second = Client(enforce_csrf_checks=True)
    second.force_login(bob)
    response = enrol_through_the_page(second)  # the kept HTML, this session's field
    assert response.status_code == 302
    assert Enrolment.objects.filter(person=bob, course=course).exists()


def test_the_catalogues_enrolled_marks_follow_the_learner_at_once(client, signed_in, bob, national, settings):
    settings.CATALOGUE_CACHE_SECONDS = 60
    course = publish_course(national, None, "MC-1")
    signed_in(bob)
    catalogue = reverse("learning:catalogue")
    assert "Enrolled" not in client.get(catalogue).text
    enrolment = enrol_self(person=bob, course=course, at=AT)
    assert "Enrolled" in client.get(catalogue).text
    unenrol(actor=bob, enrolment=enrolment, at=AT + dt.timedelta(hours=1))
    assert "Enrolled" not in client.get(catalogue).text


def test_becoming_a_line_manager_links_the_teams_learning_at_once(client, signed_in, alice, bob, kent):
    from bluelamp.people.api import person_update

    carol = make_person(kent, "carol@kent.police.uk")
    signed_in(carol)
    link = reverse("learning:manage_team")
    assert f'href="{link}"' not in visit(client)[0]
    person_update(actor=alice, person=bob, line_manager=carol)
    assert f'href="{link}"' in visit(client)[0]
