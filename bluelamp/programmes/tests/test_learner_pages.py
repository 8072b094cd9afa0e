"""The learner's programme pages, through the real views: the catalogue, a programme's page,
applying, their programme page (where they are, what is next, the timeline, who helps), its
messages, leaving, and their upcoming tasks (with the home page's cards)."""

from __future__ import annotations

import datetime as dt

import pytest

from bluelamp.programmes.messages import message_send
from bluelamp.programmes.models import Message, Place
from bluelamp.programmes.places import place_add, place_admin_decide, place_apply, place_assign
from bluelamp.programmes.tests.helpers import AT, cmi_programme, cohort, complete
from bluelamp.programmes.web import views_learner
from conftest import make_person

# Monday 28 December 2026, 8 weeks after the cohort started (2 November): unit 701 is due on
# Friday 1 January 2027 (60 days after the start), 702 on 2 March, 704 on 1 May.
NOW = dt.datetime(2026, 12, 28, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(views_learner, "now", lambda: NOW)


@pytest.fixture
def cmi(kent, alice):
    return cmi_programme(kent, alice)


@pytest.fixture
def spring(cmi, kent, alice):
    return cohort(cmi[0], kent, alice, name="Winter 2026")


@pytest.fixture
def dan(kent):
    """A Kent officer without a line manager: an application goes straight to the administrators."""
    return make_person(kent, "dan@kent.police.uk", first="Dan", last="Direct", staff_number="K7")


@pytest.fixture
def placed(cmi, spring, alice, dan):
    return place_add(actor=alice, programme=cmi[0], person=dan, cohort=spring, at=AT)


def _text(response) -> str:
    return response.content.decode()


# --- the catalogue and a programme's page ----------------------------------------------------------


def test_the_catalogue_lists_programmes_open_to_the_learner_and_their_own(signed_in, cmi, placed, dan, bob):
    body = _text(signed_in(bob).get("/programmes/"))
    assert "CMI Level 7 Certificate in Strategic Leadership" in body
    assert "Level 7" in body and "awarded by CMI" in body and "20 credits" in body
    assert f"/programmes/{cmi[0].uuid}/apply/" in body
    assert "You are not on a programme" in body

    body = _text(signed_in(dan).get("/programmes/"))
    assert "On the programme" in body and "0 of 20 credits" in body
    assert f"/programmes/mine/{placed.uuid}/" in body
    assert f"/programmes/{cmi[0].uuid}/apply/" not in body  # on it already
    assert "You have applied or are on it." in body


def test_a_programmes_page_shows_its_structure_rules_credits_and_cohorts(signed_in, cmi, spring, bob):
    programme, _ = cmi
    response = signed_in(bob).get(f"/programmes/{programme.uuid}/")
    body = _text(response)
    assert response.status_code == 200
    assert "Mandatory units" in body and "Every unit, in any order" in body
    assert "Optional units" in body and "At least 1 of these 2 units" in body
    assert "Strategic leadership" in body and "60 days after the cohort starts" in body
    assert "20 credits needed (27 offered across the units)" in body
    assert "Winter 2026: started 2 November 2026" in body
    assert "Apply for this programme" in body


def test_someone_elses_programme_or_place_is_not_found(signed_in, cmi, placed, charlie):
    client = signed_in(charlie)
    assert client.get(f"/programmes/{cmi[0].uuid}/").status_code == 404
    assert client.get(f"/programmes/mine/{placed.uuid}/").status_code == 404


# --- applying ---------------------------------------------------------------------------------------


def test_applying_without_a_statement_names_the_field_and_writes_nothing(signed_in, cmi, spring, dan):
    url = f"/programmes/{cmi[0].uuid}/apply/"
    response = signed_in(dan).post(url, {"cohort": str(spring.uuid), "statement": "  "})
    body = _text(response)
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter why you are applying" in body
    assert f'value="{spring.uuid}" selected' in body  # the choice kept
    assert not Place.objects.exists()


def test_applying_for_a_cohort_that_is_not_offered_names_the_value(signed_in, cmi, dan):
    response = signed_in(dan).post(
        f"/programmes/{cmi[0].uuid}/apply/", {"cohort": "not-a-cohort", "statement": "I lead change."}
    )
    assert "“not-a-cohort” is not a cohort of this programme you can join" in _text(response)
    assert "I lead change." in _text(response)  # nothing typed is lost
    assert not Place.objects.exists()


def test_an_application_goes_to_the_administrators_when_there_is_no_line_manager(signed_in, cmi, spring, dan):
    client = signed_in(dan)
    response = client.post(
        f"/programmes/{cmi[0].uuid}/apply/",
        {"cohort": str(spring.uuid), "statement": "It is the next step in my role."},
        follow=True,
    )
    place = Place.objects.get(person=dan)
    assert place.status == Place.Status.ADMIN and place.cohort == spring
    assert place.statement == "It is the next step in my role."
    body = _text(response)
    assert "Your application is with the programme&#39;s administrators at Kent Police." in body
    assert "is waiting for the programme&#39;s administrators at Kent Police" in body
    assert "Withdraw your application" in body
    # Applying again leads to the application.
    again = client.get(f"/programmes/{cmi[0].uuid}/apply/")
    assert again.status_code == 302 and again["Location"] == f"/programmes/mine/{place.uuid}/"


def test_an_application_goes_to_the_line_manager_by_name(signed_in, cmi, bob):
    response = signed_in(bob).post(
        f"/programmes/{cmi[0].uuid}/apply/", {"cohort": "", "statement": "To lead my team."}, follow=True
    )
    assert "Your application is with Alice Admin." in _text(response)
    assert "waiting for your line manager, Alice Admin" in _text(response)


def test_a_refused_application_shows_the_reason(signed_in, cmi, alice, dan):
    place = place_apply(person=dan, programme=cmi[0], statement="Please.", at=AT)
    place_admin_decide(
        actor=alice, place=place, approve=False, note="The spring cohort is for inspectors.", at=AT
    )
    body = _text(signed_in(dan).get(f"/programmes/mine/{place.uuid}/"))
    assert "Not approved" in body
    assert "was not approved by the programme&#39;s administrators" in body
    assert "The spring cohort is for inspectors." in body
    assert "You can apply again" in body


# --- the learner's programme --------------------------------------------------------------------------


def test_the_programme_page_shows_where_they_are_what_is_next_and_what_is_due(
    signed_in, cmi, placed, alice, kent, dan
):
    _, courses = cmi
    tutor = make_person(
        kent, "tara@kent.police.uk", first="Tara", last="Tutor", staff_number="K8", roles=["tutor"]
    )
    place_assign(actor=alice, place=placed, tutor=tutor, concierge=alice, at=AT)
    complete(dan, courses["703"])
    body = _text(signed_in(dan).get(f"/programmes/mine/{placed.uuid}/"))
    assert "7 of 20 credits" in body
    assert "1 of 4 units completed; 1 of 2 sets of units done" in body
    # What is next: the mandatory units, soonest due first, linking to their courses.
    assert body.index("What is next") < body.index(f"/learning/courses/{courses['701'].uuid}/")
    assert "due 1 January 2027" in body
    # The timeline: 701 due in 4 days, 702 later, 703 completed.
    assert "Due in 4 days" in body and "Completed" in body
    assert body.index("1 January 2027") < body.index("2 March 2027") < body.index("1 May 2027")
    assert "Tara Tutor" in body and "tara@kent.police.uk" in body
    assert "leadership@example.police.uk" in body
    assert f"/programmes/mine/{placed.uuid}/messages/" in body
    assert "Leave the programme" in body


def test_units_past_their_due_date_are_overdue_and_the_learner_is_warned(signed_in, monkeypatch, placed, dan):
    monkeypatch.setattr(views_learner, "now", lambda: dt.datetime(2027, 1, 4, 10, tzinfo=dt.UTC))
    body = _text(signed_in(dan).get(f"/programmes/mine/{placed.uuid}/"))
    assert "Overdue" in body and "1 unit is past its due date" in body


def test_a_completed_programme_links_to_its_certificate(signed_in, cmi, placed, dan):
    _, courses = cmi
    for number in ("701", "702", "703"):
        complete(dan, courses[number])
    placed.refresh_from_db()
    assert placed.status == Place.Status.COMPLETED
    body = _text(signed_in(dan).get(f"/programmes/mine/{placed.uuid}/"))
    assert "Completed" in body and "20 of 20 credits" in body
    assert "/certificates/" in body and "claims your award from CMI" in body
    assert "Leave the programme" not in body


# --- messages ---------------------------------------------------------------------------------------


def test_the_learner_writes_to_their_tutor_and_reads_replies(signed_in, placed, alice, kent, dan):
    tutor = make_person(
        kent, "tara@kent.police.uk", first="Tara", last="Tutor", staff_number="K8", roles=["tutor"]
    )
    place_assign(actor=alice, place=placed, tutor=tutor, at=AT)
    message_send(actor=tutor, place=placed, body="How is unit 701 going?", at=AT)
    client = signed_in(dan)
    url = f"/programmes/mine/{placed.uuid}/messages/"
    body = _text(client.get(url))
    assert "How is unit 701 going?" in body and "Tara Tutor" in body and "(tutor)" in body and "New" in body
    assert Message.objects.get().read_by_learner_at == NOW  # read now

    response = client.post(url, {"body": "Well, thank you."}, follow=True)
    assert "Your message is sent." in _text(response) and "Well, thank you." in _text(response)
    sent = Message.objects.get(author=dan)
    assert sent.body == "Well, thank you." and sent.sent_at == NOW


def test_an_empty_message_is_refused_and_nothing_is_sent(signed_in, placed, dan):
    response = signed_in(dan).post(f"/programmes/mine/{placed.uuid}/messages/", {"body": "   "})
    assert "Write your message" in _text(response)
    assert not Message.objects.exists()


def test_a_message_too_long_says_how_long_it_is(signed_in, placed, dan):
    response = signed_in(dan).post(f"/programmes/mine/{placed.uuid}/messages/", {"body": "x" * 5001})
    assert "Your message can be at most 5,000 characters: yours has 5001." in _text(response)
    assert not Message.objects.exists()


# --- leaving ----------------------------------------------------------------------------------------


def test_leaving_needs_a_reason_then_withdraws_the_place(signed_in, placed, dan):
    client = signed_in(dan)
    url = f"/programmes/mine/{placed.uuid}/withdraw/"
    assert "Leave the programme" in _text(client.get(url))
    response = client.post(url, {"reason": ""})
    assert "Enter why you are leaving the programme" in _text(response)
    placed.refresh_from_db()
    assert placed.status == Place.Status.ACTIVE

    response = client.post(url, {"reason": "I have moved to another role."}, follow=True)
    placed.refresh_from_db()
    assert (
        placed.status == Place.Status.WITHDRAWN and placed.withdrawn_reason == "I have moved to another role."
    )
    assert placed.withdrawn_at == NOW
    assert "You have left CMI Level 7" in _text(response)
    # Nothing left to leave.
    again = client.get(url, follow=True)
    assert "there is nothing to leave" in _text(again)


# --- upcoming tasks and the home page ------------------------------------------------------------------


def test_upcoming_tasks_list_the_units_due_in_the_next_14_days_by_week(signed_in, placed, dan):
    body = _text(signed_in(dan).get("/programmes/upcoming/"))
    assert "This week" in body and "28 December 2026 to 3 January 2027" in body
    assert "Strategic leadership" in body and "Programme unit" in body
    assert "CMI Level 7 Certificate in Strategic Leadership" in body  # where it belongs
    assert "Friday 1 January 2027" in body and "due in 4 days" in body
    assert "Leading strategic change" not in body  # due in March


def test_upcoming_tasks_say_so_when_nothing_is_due(signed_in, bob):
    body = _text(signed_in(bob).get("/programmes/upcoming/"))
    assert "Nothing is due in the next 14 days." in body


def test_the_home_page_shows_what_is_due_and_the_learners_programmes(signed_in, placed, dan):
    body = _text(signed_in(dan).get("/"))
    assert "Due in the next 14 days" in body and "Strategic leadership" in body and "due in 4 days" in body
    assert "Your programmes" in body and f"/programmes/mine/{placed.uuid}/" in body


def test_the_home_page_has_no_programme_cards_for_someone_without_any(signed_in, bob):
    body = _text(signed_in(bob).get("/"))
    assert "Due in the next 14 days" not in body and 'id="card-programmes"' not in body
