"""Tutors' programme pages, through the real views: the caseload (progress, next due, risks:
behind plan, no activity, referred work; unread messages; the filters; its query count), the
staff view of a learner's place, and the thread from the staff side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from bluelamp.assessment.assignments import services as assignment_services
from bluelamp.assessment.assignments.tests.helpers import course_with_assignment, refer
from bluelamp.notifications.api import Notification
from bluelamp.programmes.messages import message_send
from bluelamp.programmes.models import Message
from bluelamp.programmes.places import place_add, place_apply, place_assign
from bluelamp.programmes.structure import (
    ProgrammeInput,
    SetInput,
    UnitInput,
    draft_of,
    programme_create,
    set_add,
    unit_add,
)
from bluelamp.programmes.structure import version_publish as programme_publish
from bluelamp.programmes.tests.helpers import AT, cmi_programme, cohort, complete
from bluelamp.programmes.web import views_learner
from conftest import make_person

# Monday 28 December 2026: unit 701 (due 1 January 2027) is due in 4 days; nobody is behind yet.
NOW = dt.datetime(2026, 12, 28, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(views_learner, "now", lambda: NOW)


@pytest.fixture
def tara(kent):
    return make_person(
        kent, "tara@kent.police.uk", first="Tara", last="Tutor", staff_number="K8", roles=["tutor"]
    )


@pytest.fixture
def cmi(kent, alice):
    return cmi_programme(kent, alice)


@pytest.fixture
def winter(cmi, kent, alice):
    return cohort(cmi[0], kent, alice, name="Winter 2026")


def _learner(kent, n: int):
    return make_person(
        kent, f"learner{n}@kent.police.uk", first="Learner", last=f"Number{n}", staff_number=f"KL{n}"
    )


def _place(alice, cmi, winter, person, tutor):
    place = place_add(actor=alice, programme=cmi[0], person=person, cohort=winter, at=AT)
    return place_assign(actor=alice, place=place, tutor=tutor, at=AT)


def _queries(client, url: str) -> int:
    """How many queries a page costs (CaptureQueriesContext reads none through the test client)."""
    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    return len(seen)


def _text(response) -> str:
    return response.content.decode()


def test_the_caseload_lists_each_learner_with_progress_next_due_and_unread_messages(
    signed_in, kent, alice, cmi, winter, tara
):
    ann = _learner(kent, 1)
    place = _place(alice, cmi, winter, ann, tara)
    complete(ann, cmi[1]["703"], at=dt.datetime(2026, 12, 20, 9, tzinfo=dt.UTC))
    message_send(
        actor=ann, place=place, body="Can we talk about 701?", at=dt.datetime(2026, 12, 21, 9, tzinfo=dt.UTC)
    )
    body = _text(signed_in(tara).get("/programmes/caseload/"))
    assert "Your learners" in body and "Learner Number1" in body
    assert "CMI Level 7 Certificate in Strategic Leadership, Winter 2026" in body
    assert "7 of 20 credits" in body and "1 of 4 units" in body
    assert "Strategic leadership" in body and "Due in 4 days" in body
    assert "1 unread message" in body and f"/programmes/places/{place.uuid}/messages/" in body
    assert "Last active: 21 December 2026" in body
    assert "At risk: 0 of 1." in body


def test_risks_behind_plan_and_no_activity_and_the_at_risk_filter(
    signed_in, monkeypatch, kent, alice, cmi, winter, tara
):
    behind = _learner(kent, 1)
    _place(alice, cmi, winter, behind, tara)
    busy = _learner(kent, 2)
    _place(alice, cmi, winter, busy, tara)
    complete(busy, cmi[1]["701"], at=dt.datetime(2027, 1, 1, 9, tzinfo=dt.UTC))
    monkeypatch.setattr(views_learner, "now", lambda: dt.datetime(2027, 1, 4, 10, tzinfo=dt.UTC))
    client = signed_in(tara)
    body = _text(client.get("/programmes/caseload/"))
    assert "Behind plan: 1 unit overdue" in body
    assert "No activity for 63 days" in body  # placed on 2 November, nothing since
    assert "At risk: 1 of 2." in body

    body = _text(client.get("/programmes/caseload/?at_risk=on"))
    assert "Learner Number1" in body and "Learner Number2" not in body

    # A longer threshold: placed 63 days ago, inactive at 60 days but not at 90.
    assert "No activity for 63 days" in _text(client.get("/programmes/caseload/?inactive_days=60"))
    body = _text(client.get("/programmes/caseload/?inactive_days=90"))
    assert "No activity for 63 days" not in body and 'value="90"' in body


def test_a_bad_number_of_days_names_the_value_and_keeps_the_default(
    signed_in, kent, alice, cmi, winter, tara
):
    _place(alice, cmi, winter, _learner(kent, 1), tara)
    body = _text(signed_in(tara).get("/programmes/caseload/?inactive_days=lots"))
    assert "There is a problem" in body
    assert "“lots” is not a number of days: enter a whole number from 1 to 365, like 21" in body
    assert "Learner Number1" in body  # the list still shows, with the default threshold
    assert "“0” is not a number of days" in _text(
        signed_in(tara).get("/programmes/caseload/?inactive_days=0")
    )


def test_referred_work_of_a_unit_is_a_risk(signed_in, kent, alice, tara):
    course, assignment = course_with_assignment(
        kent, alice, code="CMI-7001", criteria=1, due_at=None, cut_off_at=None
    )
    programme = programme_create(
        actor=alice,
        owner=kent,
        data=ProgrammeInput(code="CMI-REF", title="Referral programme", applications_open=True),
        at=AT,
    )
    version = draft_of(programme)
    unit_set = set_add(actor=alice, version=version, data=SetInput(title="Units"))
    unit_add(actor=alice, unit_set=unit_set, data=UnitInput(course=course, credits=10))
    programme_publish(actor=alice, version=version, notes="First", at=AT)
    programme.refresh_from_db()
    ann = _learner(kent, 1)
    place = place_assign(
        actor=alice, place=place_add(actor=alice, programme=programme, person=ann, at=AT), tutor=tara, at=AT
    )
    submission = assignment_services.submission_submit(
        actor=ann, assignment=assignment, online_text="My essay.", declaration=True, at=AT
    )
    refer(submission, at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
    client = signed_in(tara)
    assert "Referred work: 1" in _text(client.get("/programmes/caseload/"))
    body = _text(client.get(f"/programmes/places/{place.uuid}/"))
    assert "Referred work" in body and "Unit 5001 assignment (attempt 1)" in body
    assert "resubmission due 29 December 2026" in body  # 28 days after the release


def test_the_caseload_query_count_is_the_same_however_many_learners(
    signed_in, kent, alice, cmi, winter, tara
):
    client = signed_in(tara)
    counts = []
    for n in range(1, 4):
        _place(alice, cmi, winter, _learner(kent, n), tara)
        counts.append(_queries(client, "/programmes/caseload/"))
    # Units, messages, referred work and the learners' records are each read once for all.
    assert counts[0] == counts[1] == counts[2]


def test_someone_with_no_learners_sees_an_empty_caseload(signed_in, bob):
    assert "You are not the tutor or concierge of anyone" in _text(
        signed_in(bob).get("/programmes/caseload/")
    )


# --- one learner's place ------------------------------------------------------------------------------


def test_the_tutor_sees_a_learners_progress_plan_and_application_history(
    signed_in, kent, alice, cmi, winter, tara, bob
):
    place = place_apply(person=bob, programme=cmi[0], cohort=winter, statement="To lead my team well.", at=AT)
    from bluelamp.programmes.places import place_admin_decide, place_manager_decide

    place_manager_decide(actor=alice, place=place, approve=True, note="Fully supported.", at=AT)
    place_admin_decide(actor=alice, place=place, approve=True, at=AT)
    place_assign(actor=alice, place=place, tutor=tara, at=AT)
    body = _text(signed_in(tara).get(f"/programmes/places/{place.uuid}/"))
    assert "Bob Officer" in body and "On the programme" in body
    assert "0 of 20 credits" in body and "Their plan" in body and "Due in 4 days" in body
    assert "To lead my team well." in body
    assert "Supported by Alice Admin on 2 November 2026: “Fully supported.”" in body
    assert "Approved by Alice Admin" in body
    assert f"/programmes/places/{place.uuid}/messages/" in body
    assert "/allocate/" not in body  # administrators' actions are not the tutor's


def test_an_administrator_sees_the_places_actions(signed_in, kent, alice, cmi, winter, tara):
    place = _place(alice, cmi, winter, _learner(kent, 1), tara)
    body = _text(signed_in(alice).get(f"/programmes/places/{place.uuid}/"))
    for action in ("allocate/", "registration/", "withdraw/"):
        assert f"/programmes/places/{place.uuid}/{action}" in body


def test_the_learner_is_sent_to_their_own_page(signed_in, kent, alice, cmi, winter, tara):
    learner = _learner(kent, 1)
    place = _place(alice, cmi, winter, learner, tara)
    response = signed_in(learner).get(f"/programmes/places/{place.uuid}/")
    assert response.status_code == 302 and response["Location"] == f"/programmes/mine/{place.uuid}/"


def test_another_tutor_gets_not_found(signed_in, kent, alice, cmi, winter, tara, charlie):
    place = _place(alice, cmi, winter, _learner(kent, 1), tara)
    assert signed_in(charlie).get(f"/programmes/places/{place.uuid}/").status_code == 404
    assert (
        signed_in(charlie).post(f"/programmes/places/{place.uuid}/messages/", {"body": "Hi"}).status_code
        == 404
    )
    assert not Message.objects.exists()


# --- the thread, from the staff side -------------------------------------------------------------------


def test_the_tutor_reads_and_answers_the_thread(signed_in, kent, alice, cmi, winter, tara):
    learner = _learner(kent, 1)
    place = _place(alice, cmi, winter, learner, tara)
    message_send(actor=learner, place=place, body="I am stuck on 701.", at=AT)
    client = signed_in(tara)
    url = f"/programmes/places/{place.uuid}/messages/"
    body = _text(client.get(url))
    assert "Messages with Learner Number1" in body and "I am stuck on 701." in body and "New" in body
    assert Message.objects.get().read_by_staff_at == NOW

    assert "Write your message" in _text(client.post(url, {"body": ""}))
    assert Message.objects.count() == 1

    response = client.post(url, {"body": "Let us meet on Tuesday."}, follow=True)
    assert "Your message is sent." in _text(response) and "Let us meet on Tuesday." in _text(response)
    told = Notification.objects.get(person=learner, kind="programmes.message")
    assert told.link == f"/programmes/mine/{place.uuid}/messages/"


def test_a_line_manager_may_see_the_place_but_not_write_in_the_thread(
    signed_in, alice, cmi, winter, tara, bob, kent, national
):
    # Bob's line manager is Alice, who also administers Kent: a manager without that role instead.
    manager = make_person(kent, "mo@kent.police.uk", first="Mo", last="Manager", staff_number="K9")
    learner = make_person(
        kent, "lee@kent.police.uk", first="Lee", last="Learner", staff_number="K10", line_manager=manager
    )
    place = _place(alice, cmi, winter, learner, tara)
    client = signed_in(manager)
    body = _text(client.get(f"/programmes/places/{place.uuid}/"))
    assert "Lee Learner" in body and f"/programmes/places/{place.uuid}/messages/" not in body
    assert client.get(f"/programmes/places/{place.uuid}/messages/").status_code == 404
