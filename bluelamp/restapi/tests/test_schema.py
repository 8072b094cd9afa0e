"""The OpenAPI document is generated, valid without warnings, and lists every endpoint."""

import yaml
from django.core.management import call_command

EXPECTED = {
    "/api/v1/organisations/": {"get", "post"},
    "/api/v1/organisations/{slug}/": {"get", "patch"},
    "/api/v1/licences/": {"get", "post"},
    "/api/v1/licences/{id}/": {"get", "patch"},
    "/api/v1/units/": {"get", "post"},
    "/api/v1/units/{id}/": {"get"},
    "/api/v1/people/": {"get", "post"},
    "/api/v1/people/{id}/": {"get", "patch"},
    "/api/v1/people/{id}/roles/": {"get"},
    "/api/v1/licence-check/": {"get"},
    "/api/v1/courses/": {"get"},
    "/api/v1/courses/{uuid}/": {"get"},
    "/api/v1/enrolments/": {"get", "post"},
    "/api/v1/enrolments/{uuid}/": {"get", "delete"},
    "/api/v1/enrolments/{uuid}/withdraw/": {"post"},
    "/api/v1/enrolments/{uuid}/progress/": {"get"},
    "/api/v1/people/{id}/transcript/": {"get"},
    "/api/v1/requirements/": {"get", "post"},
    "/api/v1/requirements/{uuid}/": {"get", "patch"},
    "/api/v1/people/{person}/compliance/": {"get"},
    "/api/v1/units/{id}/compliance/": {"get"},
    "/api/v1/organisations/{slug}/compliance/": {"get"},
    "/api/v1/question-banks/": {"get"},
    "/api/v1/question-banks/{uuid}/": {"get"},
    "/api/v1/question-banks/{uuid}/categories/": {"get"},
    "/api/v1/question-banks/{uuid}/questions/": {"get"},
    "/api/v1/question-banks/{uuid}/import/": {"post"},
    "/api/v1/questions/{uuid}/": {"get"},
    "/api/v1/courses/{uuid}/quizzes/": {"get"},
    "/api/v1/quizzes/{uuid}/": {"get"},
    "/api/v1/quizzes/{uuid}/my-attempts/": {"get"},
    "/api/v1/quizzes/{uuid}/results/": {"get"},
    "/api/v1/quizzes/{uuid}/statistics/": {"get"},
    "/api/v1/assignments/": {"get"},
    "/api/v1/assignments/{uuid}/": {"get"},
    "/api/v1/assignment-submissions/": {"get"},
    "/api/v1/assignment-submissions/{uuid}/": {"get"},
    "/api/v1/marking-submissions/": {"get"},
    "/api/v1/marking-submissions/{uuid}/": {"get"},
    "/api/v1/moderation-samples/": {"get"},
    "/api/v1/moderation-samples/{uuid}/": {"get"},
    "/api/v1/courses/{uuid}/gradebook/": {"get"},
    "/api/v1/courses/{uuid}/gradebook/grades/": {"get"},
    "/api/v1/my-grades/": {"get"},
    "/api/v1/certificates/": {"get"},
    "/api/v1/certificates/verify/{code}": {"get"},
    "/api/v1/status/": {"get"},
    "/api/v1/event-sessions/": {"get"},
    "/api/v1/event-sessions/{uuid}/": {"get"},
    "/api/v1/bookings/": {"get", "post"},
    "/api/v1/bookings/{uuid}/": {"get", "delete"},
    "/api/v1/availability/{month}/": {"get"},
    "/api/v1/credentials/{credential_id}/": {"get"},
    "/api/v1/programmes/": {"get"},
    "/api/v1/programmes/{id}/": {"get"},
    "/api/v1/programme-places/": {"get"},
    "/api/v1/programme-places/{id}/": {"get"},
}


def test_schema_command_validates_without_warnings_and_lists_every_endpoint(db, tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert {url: set(ops) - {"parameters"} for url, ops in schema["paths"].items()} == EXPECTED
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    check = schema["components"]["schemas"]["LicenceCheck"]
    assert set(check["properties"]) == {"organisation", "type", "licensed", "valid_until", "open_ended"}


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert set(response.json()["paths"]) == set(EXPECTED)
    # The reference is our own page (test_docs.py), drawn from the schema on the server.
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn." not in html and "unpkg" not in html
