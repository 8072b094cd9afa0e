"""Requests refused before the site knows who is asking still get the site's own error page."""


def test_a_host_we_do_not_serve_gets_a_plain_400(client, db):
    for method in (client.get, client.head):
        response = method("/", HTTP_HOST="evil.example")
        assert response.status_code == 400
    page = client.get("/accounts/login/", HTTP_HOST="evil.example").content.decode()
    assert "Sorry, there is a problem with that request" in page
    assert "Sign out" not in page
