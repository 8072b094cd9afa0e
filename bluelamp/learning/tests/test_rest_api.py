"""Courses, enrolments, progress and the learner record through the API, scoped like the pages.

The cast (see conftest): Alice administers Kent; Bob reports to her. Mike is a Kent sergeant with
no role, whom Dan reports to: a line manager and nothing more. Tina is a Kent training
administrator for East Division only (Carol's team is in it; Bob is not). Charlie (Essex
administrator), Dave (Essex officer) and Adam (a national service-desk adviser, who sees every
person but no one's learning) are outsiders to Kent's learning and must be refused.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bluelamp.learning.api import (
    Completion,
    Enrolment,
    activity_open,
    course_create,
    course_set_status,
    enrol_people,
    enrol_self,
)
from bluelamp.learning.tests.courses import complete, publish_course
from bluelamp.organisations.services import licence_update, role_grant
from bluelamp.people.api import person_transfer
from bluelamp.restapi.tests.fixtures import results
from conftest import make_person

MISSING_UUID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def world(national, kent, essex, alice, bob, charlie, kent_world, essex_world):
    mike = make_person(kent, "mike@kent.police.uk", first="Mike", last="Sergeant", staff_number="K5")
    dan = make_person(
        kent, "dan@kent.police.uk", first="Dan", last="Detective", staff_number="K6", line_manager=mike
    )
    tina = make_person(kent, "tina@kent.police.uk", first="Tina", last="Trainer", staff_number="K7")
    role_grant(
        actor=None,
        person=tina,
        role="training_admin",
        organisation=kent,
        unit=kent_world["east"],
        as_operator=True,
    )
    adam = make_person(national, "adam@national.example", first="Adam", last="Adviser", roles=["cc_adviser"])
    return {
        "mike": mike,
        "dan": dan,
        "tina": tina,
        "adam": adam,
        "carol": kent_world["carol"],
        "dave": essex_world["dave"],
        "licence": kent_world["licence"],
        "national_course": publish_course(national, None, "NAT-1", title="Stop and search", tags=["law"]),
        "kent_course": publish_course(kent, alice, "KENT-1", title="Kent custody", tags=["custody"]),
        "kent_closed": publish_course(kent, alice, "KENT-2", title="Kent firearms", self_enrolment=False),
        "kent_draft": course_create(actor=alice, owner=kent, code="KENT-3", title="Kent draft"),
        "essex_course": publish_course(essex, charlie, "ESX-1", title="Essex boats"),
    }


@pytest.fixture
def api(api_as):
    """`api_as`, one token per person however often a test asks."""
    clients = {}

    def client_for(person):
        if person.pk not in clients:
            clients[person.pk] = api_as(person)
        return clients[person.pk]

    return client_for


def codes(items) -> list[str]:
    return sorted(item["course_code"] if "course_code" in item else item["code"] for item in items)


# --- courses ---------------------------------------------------------------------------------


def test_catalogue_is_the_learners_own_with_its_filters(api, bob, world):
    client = api(bob)
    assert codes(results(client.get("/api/v1/courses/"))) == ["KENT-1", "KENT-2", "NAT-1"]
    assert codes(results(client.get("/api/v1/courses/?owner=national"))) == ["NAT-1"]
    assert codes(results(client.get("/api/v1/courses/?owner=own"))) == ["KENT-1", "KENT-2"]
    assert codes(results(client.get("/api/v1/courses/?tag=custody"))) == ["KENT-1"]
    assert codes(results(client.get("/api/v1/courses/?q=firearms"))) == ["KENT-2"]
    course = results(client.get("/api/v1/courses/?q=custody"))[0]
    assert course == {
        "uuid": str(world["kent_course"].uuid),
        "code": "KENT-1",
        "title": "Kent custody",
        "summary": "All about KENT-1.",
        "owner": "kent",
        "status": "published",
        "tags": ["custody"],
        "duration_minutes": 20,
        "self_enrolment": True,
        "current_version": 1,
        "updated_at": course["updated_at"],
    }
    refused = client.get("/api/v1/courses/?owner=essex")
    assert refused.status_code == 400
    assert refused.json()["owner"] == ["“essex” is not accepted for owner. Use one of: national, own."]
    # Bob manages no courses.
    assert results(client.get("/api/v1/courses/?managed=true")) == []


def test_managed_courses_include_drafts_for_their_managers_only(api, alice, charlie, world):
    assert codes(results(api(alice).get("/api/v1/courses/?managed=true"))) == [
        "KENT-1",
        "KENT-2",
        "KENT-3",
    ]
    drafts = results(api(alice).get("/api/v1/courses/?managed=true&status=draft"))
    assert [(c["code"], c["current_version"]) for c in drafts] == [("KENT-3", None)]
    assert codes(results(api(charlie).get("/api/v1/courses/?managed=true"))) == ["ESX-1"]
    mixed = api(alice).get("/api/v1/courses/?managed=true&tag=custody")
    assert mixed.status_code == 400 and "managed=true" in mixed.json()["tag"][0]


def test_course_detail_has_the_current_version_and_its_activities(api, bob, world):
    course = world["kent_course"]
    response = api(bob).get(f"/api/v1/courses/{course.uuid}/")
    assert response.status_code == 200
    body = response.json()
    assert body["current_version"] == 1
    assert body["completion_rule"] == "all"
    assert [(a["order"], a["kind"], a["title"], a["required"]) for a in body["activities"]] == [
        (1, "page", "Page 1", True),
        (2, "page", "Page 2", True),
    ]


def test_outsiders_cannot_see_kents_courses(api, charlie, world):
    for person in (charlie, world["dave"]):
        client = api(person)
        assert "KENT-1" not in codes(results(client.get("/api/v1/courses/")))
        for course in ("kent_course", "kent_draft"):
            refused = client.get(f"/api/v1/courses/{world[course].uuid}/")
            missing = client.get(f"/api/v1/courses/{MISSING_UUID}/")
            assert refused.status_code == missing.status_code == 404
            assert refused.json() == missing.json()


# --- enrolling -------------------------------------------------------------------------------


def test_a_learner_enrols_themselves_once(api, bob, world):
    client = api(bob)
    course = world["national_course"]
    first = client.post("/api/v1/enrolments/", {"course": str(course.uuid)}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["method"] == "self" and first.json()["person"] == bob.pk
    again = client.post("/api/v1/enrolments/", {"course": str(course.uuid), "person": bob.pk}, format="json")
    assert again.status_code == 200 and again.json()["uuid"] == first.json()["uuid"]
    assert Enrolment.objects.filter(person=bob, course=course).count() == 1

    closed = client.post("/api/v1/enrolments/", {"course": str(world["kent_closed"].uuid)}, format="json")
    assert closed.status_code == 400
    assert "ask your training administrator" in closed.json()["non_field_errors"][0]
    dated = client.post(
        "/api/v1/enrolments/",
        {"course": str(world["kent_course"].uuid), "due_on": "2099-01-01"},
        format="json",
    )
    assert dated.status_code == 400 and "leave it out" in dated.json()["due_on"][0]
    typo = client.post("/api/v1/enrolments/", {"course": str(course.uuid), "persn": 1}, format="json")
    assert typo.status_code == 400 and "persn" in typo.json()


def test_an_administrator_enrols_someone_in_scope_with_a_due_date(api, alice, bob, world):
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = api(alice).post(
        "/api/v1/enrolments/",
        {"course": str(world["kent_closed"].uuid), "person": bob.pk, "due_on": due},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person"], body["course_code"], body["method"], body["due_on"]) == (
        bob.pk,
        "KENT-2",
        "api",
        due,
    )
    assert body["enrolled_by"] == alice.pk
    past = api(alice).post(
        "/api/v1/enrolments/",
        {"course": str(world["kent_course"].uuid), "person": bob.pk, "due_on": "2001-01-01"},
        format="json",
    )
    assert past.status_code == 400 and past.json()["due_on"] == [
        "The due date must be today or in the future."
    ]


def test_a_line_manager_enrols_their_reports_and_no_one_else(api, bob, world):
    client = api(world["mike"])
    course = str(world["kent_closed"].uuid)
    mine = client.post("/api/v1/enrolments/", {"course": course, "person": world["dan"].pk}, format="json")
    assert mine.status_code == 201 and mine.json()["person"] == world["dan"].pk
    not_mine = client.post("/api/v1/enrolments/", {"course": course, "person": bob.pk}, format="json")
    nobody = client.post("/api/v1/enrolments/", {"course": course, "person": 999999}, format="json")
    assert not_mine.status_code == nobody.status_code == 400
    assert not_mine.json()["person"][0] == nobody.json()["person"][0].replace("999999", str(bob.pk))
    assert not Enrolment.objects.filter(person=bob).exists()


def test_outsider_cannot_enrol_on_kents_courses_or_enrol_kents_people(api, charlie, bob, world):
    client = api(charlie)
    kent_course = str(world["kent_course"].uuid)
    on_kent = client.post("/api/v1/enrolments/", {"course": kent_course}, format="json")
    on_nothing = client.post("/api/v1/enrolments/", {"course": MISSING_UUID}, format="json")
    assert on_kent.status_code == on_nothing.status_code == 400
    assert on_kent.json()["course"][0] == on_nothing.json()["course"][0].replace(MISSING_UUID, kent_course)

    national = str(world["national_course"].uuid)
    kents = client.post("/api/v1/enrolments/", {"course": national, "person": bob.pk}, format="json")
    nobodys = client.post("/api/v1/enrolments/", {"course": national, "person": 999999}, format="json")
    assert kents.status_code == 400
    assert kents.json()["person"][0] == nobodys.json()["person"][0].replace("999999", str(bob.pk))
    assert not Enrolment.objects.filter(person=bob).exists()


def test_someone_the_course_is_not_available_to_is_refused_by_name(api, alice, bob, world):
    # Alice still sees the course she retired (she manages it), but no one can be enrolled on it.
    course_set_status(actor=alice, course=world["kent_closed"], status="retired")
    response = api(alice).post(
        "/api/v1/enrolments/", {"course": str(world["kent_closed"].uuid), "person": bob.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["person"] == [
        "Bob Officer cannot be enrolled on KENT-2: the course is not available to their organisation "
        "(licence or status)."
    ]
    assert not Enrolment.objects.filter(person=bob).exists()


# --- listing, progress, unenrolling ----------------------------------------------------------


@pytest.fixture
def enrolled(world, alice, bob):
    """Bob on KENT-1 (by Alice) and NAT-1 (himself), Carol and Dan on KENT-1 (by Alice)."""
    result = enrol_people(
        actor=alice, course=world["kent_course"], people=[bob, world["carol"], world["dan"]]
    )
    by_person = {e.person_id: e for e in result.enrolled}
    return {
        "bob": by_person[bob.pk],
        "bob_self": enrol_self(person=bob, course=world["national_course"]),
        "carol": by_person[world["carol"].pk],
        "dan": by_person[world["dan"].pk],
    }


def test_lists_are_scoped_like_the_pages(api, alice, bob, charlie, world, enrolled):
    kent_course = world["kent_course"].uuid
    mine = results(api(bob).get("/api/v1/enrolments/"))
    assert codes(mine) == ["KENT-1", "NAT-1"] and {e["person"] for e in mine} == {bob.pk}
    assert results(api(bob).get(f"/api/v1/enrolments/?course={kent_course}")) == []

    names = lambda items: sorted(e["person_name"] for e in items)  # noqa: E731
    everyone = ["Bob Officer", "Carol Constable", "Dan Detective"]
    assert names(results(api(alice).get(f"/api/v1/enrolments/?course={kent_course}"))) == everyone
    # The line manager sees his report; the unit's training administrator, her unit.
    assert names(results(api(world["mike"]).get(f"/api/v1/enrolments/?course={kent_course}"))) == [
        "Dan Detective"
    ]
    assert names(results(api(world["tina"]).get(f"/api/v1/enrolments/?course={kent_course}"))) == [
        "Carol Constable"
    ]
    assert codes(results(api(world["mike"]).get(f"/api/v1/enrolments/?person={world['dan'].pk}"))) == [
        "KENT-1"
    ]
    assert results(api(world["mike"]).get(f"/api/v1/enrolments/?person={bob.pk}")) == []
    assert codes(results(api(alice).get(f"/api/v1/enrolments/?person={bob.pk}&status=active"))) == [
        "KENT-1",
        "NAT-1",
    ]
    # Outsiders, including the national desk adviser who may see every person, see none of it.
    for outsider in (charlie, world["dave"], world["adam"]):
        client = api(outsider)
        assert results(client.get(f"/api/v1/enrolments/?course={kent_course}")) == []
        assert results(client.get(f"/api/v1/enrolments/?person={bob.pk}")) == []
        assert results(client.get("/api/v1/enrolments/")) == []
    bad = api(alice).get("/api/v1/enrolments/?course=KENT-1")
    assert bad.status_code == 400 and "is not a course uuid" in bad.json()["course"][0]


def test_progress_shows_each_activity_and_the_course(api, alice, bob, world, enrolled):
    enrolment = enrolled["bob"]
    first = enrolment.version.activities.get(order=1)
    activity_open(enrolment=enrolment, activity=first)
    for reader in (bob, alice):
        response = api(reader).get(f"/api/v1/enrolments/{enrolment.uuid}/progress/")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["enrolment"], body["course_code"], body["version"], body["status"]) == (
            str(enrolment.uuid),
            "KENT-1",
            1,
            "active",
        )
        assert (body["activities_completed"], body["activities_total"]) == (1, 2)
        assert [(a["title"], a["status"], a["score"]) for a in body["activities"]] == [
            ("Page 1", "completed", None),
            ("Page 2", "not_started", None),
        ]
        assert body["activities"][0]["completed_at"] is not None
        assert body["activities"][1]["completed_at"] is None

    complete(enrolment)
    body = api(bob).get(f"/api/v1/enrolments/{enrolment.uuid}/progress/").json()
    assert body["status"] == "completed" and body["completed_at"] is not None


def test_enrolments_and_progress_are_refused_to_outsiders_as_missing(api, bob, charlie, world, enrolled):
    bobs = enrolled["bob"].uuid
    for outsider in (charlie, world["dave"], world["adam"], world["mike"], world["tina"]):
        client = api(outsider)
        for suffix in ("", "progress/"):
            refused = client.get(f"/api/v1/enrolments/{bobs}/{suffix}")
            missing = client.get(f"/api/v1/enrolments/{MISSING_UUID}/{suffix}")
            assert refused.status_code == missing.status_code == 404, (outsider.email, suffix)
            assert refused.json() == missing.json()
        assert client.delete(f"/api/v1/enrolments/{bobs}/").status_code == 404
        assert (
            client.post(f"/api/v1/enrolments/{bobs}/withdraw/", {"reason": "x"}, format="json").status_code
            == 404
        )
    # Dan's line manager reads Dan's progress.
    assert api(world["mike"]).get(f"/api/v1/enrolments/{enrolled['dan'].uuid}/progress/").status_code == 200
    assert Enrolment.objects.get(uuid=bobs).status == "active"


def test_unenrolling_keeps_the_history(api, alice, bob, world, enrolled):
    bob_client = api(bob)
    # Bob may leave what he chose himself, not what his organisation enrolled him on.
    own = bob_client.post(
        f"/api/v1/enrolments/{enrolled['bob_self'].uuid}/withdraw/", {"reason": "Wrong course"}, format="json"
    )
    assert own.status_code == 200, own.content
    assert (own.json()["status"], own.json()["withdrawn_reason"]) == ("withdrawn", "Wrong course")
    theirs = bob_client.delete(f"/api/v1/enrolments/{enrolled['bob'].uuid}/")
    assert (
        theirs.status_code == 400
        and "ask your training administrator" in theirs.json()["non_field_errors"][0]
    )

    gone = api(alice).delete(f"/api/v1/enrolments/{enrolled['bob'].uuid}/?reason=Left+the+unit")
    assert gone.status_code == 204
    withdrawn = Enrolment.objects.get(uuid=enrolled["bob"].uuid)
    assert (withdrawn.status, withdrawn.withdrawn_by, withdrawn.withdrawn_reason) == (
        "withdrawn",
        alice,
        "Left the unit",
    )
    # Still there as history, for Bob and for Alice.
    assert codes(results(bob_client.get("/api/v1/enrolments/?status=withdrawn"))) == ["KENT-1", "NAT-1"]
    assert api(alice).get(f"/api/v1/enrolments/{withdrawn.uuid}/").json()["status"] == "withdrawn"
    long = api(alice).post(
        f"/api/v1/enrolments/{enrolled['carol'].uuid}/withdraw/", {"reason": "x" * 501}, format="json"
    )
    assert long.status_code == 400 and "reason" in long.json()


# --- the learner record ----------------------------------------------------------------------

TRANSCRIPT_KEYS = {"person", "name", "completions"}
COMPLETION_KEYS = {
    "uuid",
    "course",
    "course_code",
    "course_title",
    "version",
    "completed_on",
    "completed_at",
    "score",
    "hours",
    "source",
    "provider",
    "organisation",
}


def test_transcript_json_shape(api, bob, world, enrolled):
    complete(enrolled["bob"])
    completion = Completion.objects.get(person=bob)
    response = api(bob).get(f"/api/v1/people/{bob.pk}/transcript/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == TRANSCRIPT_KEYS
    assert (body["person"], body["name"]) == (bob.pk, "Bob Officer")
    assert len(body["completions"]) == 1
    line = body["completions"][0]
    assert set(line) == COMPLETION_KEYS
    assert line == {
        "uuid": str(completion.uuid),
        "course": str(world["kent_course"].uuid),
        "course_code": "KENT-1",
        "course_title": "Kent custody",
        "version": 1,
        "completed_on": completion.completed_on.isoformat(),
        "completed_at": line["completed_at"],
        "score": None,
        "hours": None,
        "source": "platform",
        "provider": "",
        "organisation": "kent",
    }
    assert dt.datetime.fromisoformat(line["completed_at"]) == completion.completed_at


def test_transcript_shape_is_in_the_openapi_document(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert set(components["Transcript"]["properties"]) == TRANSCRIPT_KEYS
    assert set(components["Completion"]["properties"]) == COMPLETION_KEYS
    assert components["Completion"]["properties"]["score"]["type"] == "number"
    transcript = schema["paths"]["/api/v1/people/{id}/transcript/"]["get"]
    assert transcript["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Transcript"
    }


def test_transcript_keeps_the_organisation_at_the_time_after_a_transfer(
    api, platform_admin, essex, bob, charlie, world, enrolled
):
    complete(enrolled["bob"])
    person_transfer(actor=platform_admin, person=bob, to_organisation=essex)
    # Bob's record went with him: Essex's administrator reads it now, Kent's line still says Kent.
    body = api(charlie).get(f"/api/v1/people/{bob.pk}/transcript/").json()
    assert [(c["course_code"], c["organisation"]) for c in body["completions"]] == [("KENT-1", "kent")]


def test_transcript_readers(api, alice, bob, charlie, world, enrolled):
    complete(enrolled["bob"])
    complete(enrolled["carol"])
    complete(enrolled["dan"])
    carol, dan = world["carol"], world["dan"]
    allowed = [(bob, bob), (alice, bob), (world["mike"], dan), (world["tina"], carol), (dan, dan)]
    for reader, person in allowed:
        response = api(reader).get(f"/api/v1/people/{person.pk}/transcript/")
        assert response.status_code == 200, (reader.email, person.email)
        assert codes(response.json()["completions"]) == ["KENT-1"]
    refused = [
        (charlie, bob),
        (world["dave"], bob),
        (world["adam"], bob),  # national people.view, but no learning.manage
        (world["mike"], bob),  # not his manager
        (world["tina"], bob),  # outside her unit
        (bob, carol),
    ]
    for reader, person in refused:
        client = api(reader)
        response = client.get(f"/api/v1/people/{person.pk}/transcript/")
        missing = client.get("/api/v1/people/999999/transcript/")
        assert response.status_code == missing.status_code == 404, (reader.email, person.email)
        assert response.json() == missing.json()


def test_lapsed_digital_services_licence_refuses_the_learning_api_and_keeps_the_record(
    api, platform_admin, bob, world, enrolled
):
    complete(enrolled["bob"])
    client = api(bob)
    licence_update(actor=platform_admin, licence=world["licence"], status="suspended")
    for url in [
        "/api/v1/courses/",
        f"/api/v1/courses/{world['kent_course'].uuid}/",
        "/api/v1/enrolments/",
        f"/api/v1/enrolments/{enrolled['bob'].uuid}/progress/",
        f"/api/v1/people/{bob.pk}/transcript/",
    ]:
        response = client.get(url)
        assert response.status_code == 403, (url, response.status_code)
        assert "PL-P-101" in response.json()["detail"]
    assert (
        client.post("/api/v1/enrolments/", {"course": str(world["national_course"].uuid)}).status_code == 403
    )
    licence_update(actor=platform_admin, licence=world["licence"], status="active")
    assert codes(client.get(f"/api/v1/people/{bob.pk}/transcript/").json()["completions"]) == ["KENT-1"]


def test_anonymous_requests_are_refused(client, bob, world, enrolled):
    for url in ["/api/v1/courses/", "/api/v1/enrolments/", f"/api/v1/people/{bob.pk}/transcript/"]:
        assert client.get(url).status_code in (401, 403)


# --- query counts ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_lists_and_the_transcript_do_not_grow_with_rows(api, alice, bob, kent, world):
    client = api(alice)
    course = world["kent_course"]
    urls = [
        "/api/v1/courses/",
        "/api/v1/courses/?managed=true",
        f"/api/v1/enrolments/?course={course.uuid}",
        f"/api/v1/people/{bob.pk}/transcript/",
    ]

    def add(n, start):
        people = [
            make_person(kent, f"p{i}@kent.police.uk", staff_number=f"P{i}") for i in range(start, start + n)
        ]
        for i in range(start, start + n):
            publish_course(kent, alice, f"Q-{i}", pages=1, tags=[f"t{i}"])
        enrolled = enrol_people(actor=alice, course=course, people=[bob, *people]).enrolled
        for enrolment in enrolled:
            if enrolment.person_id == bob.pk:
                complete(enrolment)
        extra = publish_course(kent, alice, f"B-{start}", pages=1)
        complete(enrol_people(actor=alice, course=extra, people=[bob]).enrolled[0])

    add(2, 0)
    few = [_queries(client, url) for url in urls]
    add(5, 10)
    many = [_queries(client, url) for url in urls]
    assert few == many
