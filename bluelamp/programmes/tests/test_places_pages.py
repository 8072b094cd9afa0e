"""The places pages of programmes: applications to decide (as line manager, as administrator),
everyone on a programme, placing people, tutor and concierge, registration, withdrawing, and the
awarding body's files (registrations, claims).

Alice administers Kent and manages Bob; Kent owns the CMI Level 7 programme (tests/helpers.py).
Charlie administers Essex: the outsiders' module (outsiders_places.py) checks he reaches none of
it. Everything happens at fixed times: the programme is built at AT, the pages act at NOW."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from bluelamp.learning.api import Enrolment
from bluelamp.programmes import exports
from bluelamp.programmes.models import Place
from bluelamp.programmes.places import place_add, place_apply, place_register
from bluelamp.programmes.tests.helpers import AT, cmi_programme, cohort, complete
from bluelamp.programmes.web import views_places
from conftest import make_person

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)
STATEMENT = "I lead a response team and want to lead change.\nSecond line the list does not show."


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch):
    monkeypatch.setattr(views_places, "now", lambda: NOW)


@pytest.fixture
def cmi(kent, alice):
    programme, courses = cmi_programme(kent, alice)
    return programme, courses


@pytest.fixture
def programme(cmi):
    return cmi[0]


@pytest.fixture
def courses(cmi):
    return cmi[1]


@pytest.fixture
def spring(programme, kent, alice):
    return cohort(programme, kent, alice)


@pytest.fixture
def application(programme, spring, bob):
    return place_apply(person=bob, programme=programme, cohort=spring, statement=STATEMENT, at=AT)


@pytest.fixture
def carol(kent):
    return make_person(kent, "carol@kent.police.uk", first="Carol", last="Constable", staff_number="K3")


@pytest.fixture
def tom(kent):
    """A Kent training administrator who manages no one."""
    return make_person(
        kent, "tom@kent.police.uk", first="Tom", last="Trainer", staff_number="K4", roles=["training_admin"]
    )


def text(response) -> str:
    """The page's words, tags stripped and spaces folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    words = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return " ".join(words.split())


def rows_of(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def places_url(programme, rest="") -> str:
    return f"/programmes/manage/{programme.uuid}/{rest}"


def place_url(place, rest) -> str:
    return f"/programmes/places/{place.uuid}/{rest}/"


# --- applications --------------------------------------------------------------------------------


def test_the_line_manager_sees_the_application_waiting_and_a_home_card(signed_in, alice, application):
    client = signed_in(alice)
    page = text(client.get("/programmes/applications/"))
    assert "As their line manager" in page
    assert "Bob Officer" in page and "CMI-L7" in page and "Spring 2027" in page
    assert "I lead a response team and want to lead change." in page
    assert "Second line" not in page
    assert "As a programme administrator" not in page
    assert "Applications to decide (1)" in text(client.get("/"))


def test_someone_with_nothing_to_decide_is_told_so_and_has_no_card(signed_in, bob, application):
    client = signed_in(bob)
    assert "No applications wait for you" in text(client.get("/programmes/applications/"))
    assert "Applications to decide" not in text(client.get("/"))


def test_the_line_manager_supports_then_decides_as_administrator(signed_in, alice, bob, application, spring):
    client = signed_in(alice)
    url = f"/programmes/applications/{application.uuid}/"
    page = text(client.get(url))
    assert "Why they applied" in page and "Second line the list does not show." in page
    assert 'name="cohort"' not in client.get(url).content.decode()  # the manager does not choose

    response = client.post(url, {"decision": "approve", "note": "A good fit for the team."})
    assert response.status_code == 302 and response["Location"] == "/programmes/applications/"
    application.refresh_from_db()
    assert application.status == Place.Status.ADMIN
    assert application.manager_decided_by == alice and application.manager_note == "A good fit for the team."
    assert application.manager_decided_at == NOW

    # Now it waits for the administrator's step, and Alice administers the programme.
    listed = text(client.get("/programmes/applications/"))
    assert "As a programme administrator" in listed and "A good fit for the team." in listed
    page = client.get(url).content.decode()
    assert 'name="cohort"' in page and "supported it on" in text(client.get(url))
    response = client.post(url, {"decision": "approve", "cohort": str(spring.uuid), "note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Place.Status.ACTIVE and application.admin_decided_by == alice
    assert application.cohort == spring and application.started_at == NOW
    assert Enrolment.objects.filter(person=bob, method=Enrolment.Method.PROGRAMME).count() == 4
    assert "Bob Officer is on CMI Level 7 Certificate in Strategic Leadership, in Spring 2027" in text(
        client.get("/programmes/applications/")
    )


def test_declining_without_a_note_names_the_note_and_writes_nothing(signed_in, alice, application):
    client = signed_in(alice)
    url = f"/programmes/applications/{application.uuid}/"
    response = client.post(url, {"decision": "decline", "note": "  "})
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and "Say why you are not supporting it" in page
    application.refresh_from_db()
    assert application.status == Place.Status.MANAGER and application.manager_decided_at is None

    response = client.post(url, {"decision": "maybe", "note": "Typed words"})
    assert response.status_code == 400
    assert "“maybe” is not a decision" in text(response) and "Typed words" in text(response)

    response = client.post(url, {"decision": "decline", "note": "Not this year: the team is short."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Place.Status.REFUSED


def test_an_administrator_who_is_not_the_manager_decides_the_manager_step_as_administrator(
    signed_in, tom, application, programme, kent, alice
):
    autumn = cohort(programme, kent, alice, name="Autumn 2027", starts_on=dt.date(2027, 9, 6), places=5)
    client = signed_in(tom)
    url = f"/programmes/applications/{application.uuid}/"
    page = text(client.get(url))
    assert "It is waiting for Bob Officer's line manager" in page
    assert "Autumn 2027, Kent Police, starts 6 September 2027 (0 of 5 places taken)" in page
    response = client.post(url, {"decision": "approve", "cohort": str(autumn.uuid)})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Place.Status.ACTIVE and application.cohort == autumn
    assert application.admin_decided_by == tom and application.manager_decided_by is None


def test_an_administrator_cannot_choose_a_cohort_they_do_not_run(signed_in, tom, application):
    client = signed_in(tom)
    response = client.post(
        f"/programmes/applications/{application.uuid}/",
        {"decision": "approve", "cohort": "4b1f7f3e-0000-4000-8000-000000000000"},
    )
    assert response.status_code == 400
    assert "is not one of the cohorts you run" in text(response)
    application.refresh_from_db()
    assert application.status == Place.Status.MANAGER


def test_a_decided_application_is_not_found(signed_in, alice, application):
    client = signed_in(alice)
    url = f"/programmes/applications/{application.uuid}/"
    client.post(url, {"decision": "decline", "note": "No."})
    assert client.get(url).status_code == 404


# --- everyone on a programme ---------------------------------------------------------------------


def test_the_places_page_lists_people_with_their_progress_and_filters(
    signed_in, alice, bob, carol, programme, spring, courses
):
    place_add(actor=alice, programme=programme, person=bob, cohort=spring, at=AT)
    place_add(actor=alice, programme=programme, person=carol, at=AT)
    complete(bob, courses["701"])
    Place.objects.filter(person=bob).update(registration_number="CMI-000123")
    client = signed_in(alice)
    page = text(client.get(places_url(programme, "places/")))
    assert "2 people, by surname" in page
    assert re.search(r"Carol Constable K3 None On the programme 0 of 20 credits", page)
    assert re.search(r"Bob Officer K2 Spring 2027 On the programme 6 of 20 credits None CMI-000123", page)
    # Surname order: Constable before Officer.
    assert page.index("Carol Constable") < page.index("Bob Officer")

    assert "Bob Officer" not in text(client.get(places_url(programme, "places/?q=k3")))
    found = text(client.get(places_url(programme, "places/?q=K2")))
    assert "Bob Officer" in found and "Carol Constable" not in found
    in_spring = text(client.get(places_url(programme, f"places/?cohort={spring.uuid}")))
    assert "Bob Officer" in in_spring and "Carol Constable" not in in_spring
    none = text(client.get(places_url(programme, "places/?status=completed")))
    assert "No one matches" in none


def test_the_places_page_costs_the_same_queries_for_one_person_or_several(
    signed_in, alice, bob, programme, spring, kent, courses
):
    from bluelamp.assessment.banks.tests.queries import counting

    place_add(actor=alice, programme=programme, person=bob, cohort=spring, at=AT)
    client = signed_in(alice)
    url = places_url(programme, "places/")
    client.get(url)
    with counting() as one:
        assert client.get(url).status_code == 200
    for n in range(3):
        person = make_person(kent, f"extra{n}@kent.police.uk", first="Extra", last=f"Person{n}")
        place_add(actor=alice, programme=programme, person=person, cohort=spring, at=AT)
        complete(person, courses["702"])
    with counting() as four:
        assert client.get(url).status_code == 200
    assert four[0] == one[0]


# --- placing someone -----------------------------------------------------------------------------


def test_placing_someone_by_staff_number_in_a_cohort(signed_in, alice, bob, programme, spring):
    client = signed_in(alice)
    url = places_url(programme, "places/add/")
    assert "Spring 2027, Kent Police, starts 2 November 2026" in text(client.get(url))
    response = client.post(url, {"person": "k2", "cohort": str(spring.uuid)})
    assert response.status_code == 302 and response["Location"] == places_url(programme, "places/")
    place = Place.objects.get(person=bob)
    assert place.status == Place.Status.ACTIVE and place.method == Place.Method.ADMIN
    assert place.cohort == spring and place.started_at == NOW
    assert "Bob Officer is on CMI Level 7 Certificate in Strategic Leadership in Spring 2027" in text(
        client.get(response["Location"])
    )


def test_placing_someone_names_what_is_wrong_and_writes_nothing(signed_in, alice, bob, charlie, programme):
    client = signed_in(alice)
    url = places_url(programme, "places/add/")
    response = client.post(url, {"person": "K999", "cohort": ""})
    assert response.status_code == 400
    assert "has the staff number or e-mail address “K999”" in text(response)
    assert 'value="K999"' in response.content.decode()  # what was typed stays
    response = client.post(url, {"person": charlie.email, "cohort": ""})
    assert response.status_code == 400 and "“charlie@essex.police.uk”" in text(response)
    response = client.post(url, {"person": "K2", "cohort": "not-a-cohort"})
    assert response.status_code == 400 and "“not-a-cohort” is not one of the cohorts you run" in text(
        response
    )
    assert not Place.objects.exists()

    assert client.post(url, {"person": bob.email, "cohort": ""}).status_code == 302
    response = client.post(url, {"person": "K2", "cohort": ""})
    assert response.status_code == 400
    assert "Bob Officer is on CMI-L7 already, or has applied." in text(response)
    assert Place.objects.count() == 1


def test_a_full_cohort_is_named(signed_in, alice, bob, carol, programme, kent):
    small = cohort(programme, kent, alice, name="Small", places=1)
    place_add(actor=alice, programme=programme, person=carol, cohort=small, at=AT)
    response = signed_in(alice).post(
        places_url(programme, "places/add/"), {"person": "K2", "cohort": str(small.uuid)}
    )
    assert response.status_code == 400
    assert "Small is full: 1 places, all taken." in text(response)
    assert not Place.objects.filter(person__staff_number="K2").exists()


# --- a learner's place ---------------------------------------------------------------------------


@pytest.fixture
def bobs_place(alice, bob, programme, spring):
    return place_add(actor=alice, programme=programme, person=bob, cohort=spring, at=AT)


def test_allocating_a_tutor_and_concierge(signed_in, alice, bob, kent, essex, bobs_place):
    tina = make_person(kent, "tina@kent.police.uk", first="Tina", last="Tutor", roles=["tutor"])
    make_person(essex, "eve@essex.police.uk", first="Eve", last="Elsewhere", roles=["tutor"])
    client = signed_in(alice)
    url = place_url(bobs_place, "allocate")
    page = client.get(url).content.decode()
    tutor_select = page[page.index('name="tutor"') : page.index('name="concierge"')]
    assert "Tina Tutor" in tutor_select and "Alice Admin" in tutor_select
    assert "Eve Elsewhere" not in page and "Bob Officer (bob@" not in page

    response = client.post(url, {"tutor": str(tina.uuid), "concierge": str(alice.uuid)})
    assert response.status_code == 302
    bobs_place.refresh_from_db()
    assert bobs_place.tutor == tina and bobs_place.concierge == alice
    listed = text(client.get(response["Location"]))
    assert "Saved for Bob Officer: tutor Tina Tutor, concierge Alice Admin." in listed

    response = client.post(url, {"tutor": "someone-else", "concierge": ""})
    assert response.status_code == 400
    assert "That person cannot tutor this learner" in text(response)
    bobs_place.refresh_from_db()
    assert bobs_place.tutor == tina and bobs_place.concierge == alice

    assert client.post(url, {"tutor": "", "concierge": ""}).status_code == 302
    bobs_place.refresh_from_db()
    assert bobs_place.tutor is None and bobs_place.concierge is None


def test_recording_the_registration_number(signed_in, alice, bobs_place):
    client = signed_in(alice)
    url = place_url(bobs_place, "registration")
    assert 'value="2026-11-20"' in client.get(url).content.decode()  # today, as the date box wants it
    response = client.post(url, {"registration_number": " CMI-77812 ", "registered_on": "05/11/2026"})
    assert response.status_code == 302
    bobs_place.refresh_from_db()
    assert bobs_place.registration_number == "CMI-77812" and bobs_place.registered_on == dt.date(2026, 11, 5)
    assert "Bob Officer is registered with CMI as CMI-77812." in text(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"registration_number": "CMI-1", "registered_on": "31/02/2026"},
            "The date registered: “31/02/2026” is not a real date",
        ),
        (
            {"registration_number": "CMI-1", "registered_on": ""},
            "Enter the date the awarding body registered them",
        ),
        (
            {"registration_number": "X" * 41, "registered_on": "2026-11-05"},
            "at most 40 characters: this one has 41",
        ),
    ],
)
def test_a_bad_registration_is_named_and_nothing_written(signed_in, alice, bobs_place, data, error):
    response = signed_in(alice).post(place_url(bobs_place, "registration"), data)
    assert response.status_code == 400
    assert error in text(response)
    assert data["registration_number"] in response.content.decode()
    bobs_place.refresh_from_db()
    assert bobs_place.registration_number == "" and bobs_place.registered_on is None


def test_withdrawing_someone_needs_a_reason(signed_in, alice, bobs_place):
    client = signed_in(alice)
    url = place_url(bobs_place, "withdraw")
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Enter why they are leaving the programme" in text(response)
    bobs_place.refresh_from_db()
    assert bobs_place.status == Place.Status.ACTIVE

    response = client.post(url, {"reason": "Moved to a new role."})
    assert response.status_code == 302
    bobs_place.refresh_from_db()
    assert (
        bobs_place.status == Place.Status.WITHDRAWN and bobs_place.withdrawn_reason == "Moved to a new role."
    )
    assert bobs_place.withdrawn_at == NOW
    assert "there is nothing to withdraw" in text(client.get(url))
    response = client.post(url, {"reason": "Again"})
    assert response.status_code == 400 and "there is nothing to withdraw" in text(response)


def test_the_learner_themselves_cannot_reach_the_administrators_pages(signed_in, bob, bobs_place, programme):
    client = signed_in(bob)
    for url in (
        place_url(bobs_place, "allocate"),
        place_url(bobs_place, "registration"),
        place_url(bobs_place, "withdraw"),
        places_url(programme, "places/"),
        places_url(programme, "claims/"),
        places_url(programme, "registrations.csv"),
    ):
        assert client.get(url).status_code == 404, url


# --- the awarding body's files -------------------------------------------------------------------


def test_the_registration_file(signed_in, alice, bob, carol, kent, programme, spring):
    bobs = place_add(actor=alice, programme=programme, person=bob, cohort=spring, at=AT)
    place_register(actor=alice, place=bobs, registration_number="=CMI-1", registered_on=dt.date(2026, 11, 5))
    # Applicants are not registered yet.
    place_apply(person=carol, programme=programme, statement="Please", at=AT)
    response = signed_in(alice).get(places_url(programme, "registrations.csv"))
    assert response["Content-Disposition"] == 'attachment; filename="cmi-l7-registrations-2026-11-20.csv"'
    rows = rows_of(response)
    assert rows[0] == list(exports.REGISTRATION_COLUMNS)
    assert len(rows) == 2
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        "registration_number": "'=CMI-1",  # typed text never runs as a formula
        "surname": "Officer",
        "forenames": "Bob",
        "email": "bob@kent.police.uk",
        "staff_number": "K2",
        "organisation": "Kent Police",
        "awarding_body": "CMI",
        "programme_code": "CMI-L7",
        "qualification_title": "CMI Level 7 Certificate in Strategic Leadership",
        "level": "Level 7",
        "qualification_size": "Certificate",
        "credit_total": "20",
        "programme_version": "1",
        "cohort": "Spring 2027",
        "cohort_start": "2026-11-02",
        "status": "active",
        "started_on": "2026-11-02",
        "registered_on": "2026-11-05",
        "completed_on": "",
        "withdrawn_on": "",
    }


@pytest.fixture
def bob_completed(alice, bob, bobs_place, courses):
    for number in ("701", "702", "703"):
        complete(bob, courses[number])
    bobs_place.refresh_from_db()
    assert bobs_place.status == Place.Status.COMPLETED
    return bobs_place


def test_the_claims_page_lists_who_completed_and_marks_them_claimed(
    signed_in, alice, bob_completed, courses, bob
):
    complete(bob, courses["704"], at=LATER)  # after completing: not part of the claim
    client = signed_in(alice)
    url = places_url(bob_completed.programme, "claims/")
    page = text(client.get(url))
    assert "1 learner, by surname" in page
    assert "CMI-L7-701 Strategic leadership: 6 credits, 2 November 2026" in page
    assert "CMI-L7-703" in page and "CMI-L7-704" not in page
    assert re.search(r"2 November 2026 .* 20 Not yet", page)

    response = client.post(url, {"claimed_on": "20/11/2026", "which": "selected"})
    assert response.status_code == 400 and "Tick the learners whose awards were claimed" in text(response)
    response = client.post(
        url, {"claimed_on": "21/11/2026", "which": "selected", "places": [str(bob_completed.uuid)]}
    )
    assert response.status_code == 400
    assert "The date claimed, 21 November 2026, is in the future" in text(response)
    assert "checked" in response.content.decode()  # the ticks stay
    bob_completed.refresh_from_db()
    assert bob_completed.claimed_on is None

    response = client.post(
        url, {"claimed_on": "19/11/2026", "which": "selected", "places": [str(bob_completed.uuid)]}
    )
    assert response.status_code == 302
    bob_completed.refresh_from_db()
    assert bob_completed.claimed_on == dt.date(2026, 11, 19)
    page = text(client.get(response["Location"]))
    assert (
        "Marked 1 award as claimed on 19 November 2026." in page and "No one is waiting to be claimed" in page
    )
    assert "19 November 2026" in text(client.get(url + "?claimed=yes"))


def test_marking_all_shown_as_claimed(signed_in, alice, bob_completed):
    url = places_url(bob_completed.programme, "claims/?claimed=all")
    response = signed_in(alice).post(url, {"claimed_on": "2026-11-18", "which": "all"})
    assert response.status_code == 302 and response["Location"] == url
    bob_completed.refresh_from_db()
    assert bob_completed.claimed_on == dt.date(2026, 11, 18)


def test_the_claims_file(signed_in, alice, bob_completed):
    client = signed_in(alice)
    rows = rows_of(client.get(places_url(bob_completed.programme, "claims.csv")))
    assert rows[0] == list(exports.CLAIM_COLUMNS)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["units"] == "CMI-L7-701:6:2026-11-02;CMI-L7-702:7:2026-11-02;CMI-L7-703:7:2026-11-02"
    assert (row["unit_count"], row["total_credits"], row["completed_on"], row["claimed_on"]) == (
        "3",
        "20",
        "2026-11-02",
        "",
    )
    assert (row["surname"], row["forenames"], row["programme_code"]) == ("Officer", "Bob", "CMI-L7")
    # The file follows the page's filter: once claimed, "not yet claimed" is empty.
    Place.objects.filter(pk=bob_completed.pk).update(claimed_on=dt.date(2026, 11, 19))
    assert len(rows_of(client.get(places_url(bob_completed.programme, "claims.csv")))) == 1
    everyone = rows_of(client.get(places_url(bob_completed.programme, "claims.csv?claimed=all")))
    assert everyone[1][-1] == "2026-11-19"
