"""A NUL in a query string gave a 500 on the licence check and four list operations (PostgreSQL
cannot hold it), as did one in an API token; it is a 400 naming the parameter or header, in DRF's
JSON shape (security sweep item 7)."""

import pytest

NUL = "The value of “{}” in the address contains a NUL character (U+0000), which is not accepted."


def test_licence_check_refuses_a_nul(client, kent):
    response = client.get("/api/v1/licence-check/", {"organisation": "kent\x00", "type": "PL-P-101"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith(NUL.format("organisation"))


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/licences/", "organisation"),
        ("/api/v1/units/", "organisation"),
        ("/api/v1/people/", "organisation"),
        ("/api/v1/people/", "q"),
        ("/api/v1/courses/", "q"),
        ("/api/v1/courses/", "tag"),
        ("/api/v1/enrolments/", "status"),
    ],
)
def test_list_operations_refuse_a_nul(api_as, alice, path, parameter):
    response = api_as(alice).get(path, {parameter: "\x00"})
    assert response.status_code == 400
    assert response.json() == {"detail": NUL.format(parameter) + " Remove it and try again."}


def test_a_nul_in_the_authorization_header_is_refused(client, alice):
    # Found while testing with schemathesis: it reached knox's token lookup (a 500 on PostgreSQL).
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request header “Authorization” contains a NUL character (U+0000), which is not accepted."
    }
