"""Control characters and absurd dates sent through the API are refused by the services with a
400 naming the field and what is accepted, never stored and never a 500 (security sweep, low
items: a licence starting in the year 336 was accepted)."""

from bluelamp.learning.api import enrol_self
from bluelamp.learning.tests.courses import publish_course

DATE_RANGE = "give a date from 1 January 1900 to 31 December 2200."
CONTROL = "This contains a control character (U+{}"


def test_enrolment_due_dates_and_reasons_are_checked(api_as, alice, bob, kent):
    course = publish_course(kent, alice, "KENT-9")
    client = api_as(alice)
    response = client.post(
        "/api/v1/enrolments/",
        {"course": str(course.uuid), "person": bob.pk, "due_on": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"due_on": [f"9999-12-31 is not a date that can be used here: {DATE_RANGE}"]}
    enrolment = enrol_self(person=bob, course=course)
    response = client.post(
        f"/api/v1/enrolments/{enrolment.uuid}/withdraw/", {"reason": "Left\x07"}, format="json"
    )
    assert response.status_code == 400 and response.json()["reason"][0].startswith(CONTROL.format("0007"))
    enrolment.refresh_from_db()
    assert enrolment.withdrawn_at is None
