from bluelamp.audit.api import audit_record
from bluelamp.organisations.models import Licence
from bluelamp.organisations.services import licence_update


def test_public_licence_check_page(client, kent, essex):
    page = client.get("/licence-check/?organisation=kent&type=PL-P-200").content.decode()
    assert "Kent Police holds a PL-P-200 Digital Content Access Licence" in page
    assert "31 December 2099" in page
    assert "KENT-" not in page  # references and contacts are not revealed
    licence_update(
        actor=None,
        licence=Licence.objects.get(organisation=essex, type="PL-P-200"),
        status=Licence.Status.SUSPENDED,
    )
    page = client.get("/licence-check/?organisation=essex&type=PL-P-200").content.decode()
    assert "does not currently hold" in page
    page = client.get("/licence-check/?organisation=nowhere&type=PL-P-200").content.decode()
    assert "Select a valid choice" in page


def test_home_pages(client, signed_in, alice, bob):
    assert "Sign in" in client.get("/").content.decode()
    page = signed_in(bob).get("/").content.decode()
    assert "Hello, Bob" in page and "Audit log" not in page
    page = signed_in(alice).get("/").content.decode()
    assert "Audit log" in page and "Recent HR imports" in page


def test_admin_without_mfa_must_set_it_up(signed_in, alice):
    client = signed_in(alice, mfa=False)
    response = client.get("/people/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate/" in response["Location"]


def test_audit_log_is_scoped(signed_in, alice, charlie, kent, essex):
    audit_record(actor=alice, action="test.kent", organisation=kent, object_label="Kent secret")
    audit_record(actor=charlie, action="test.essex", organisation=essex, object_label="Essex thing")
    page = signed_in(charlie).get("/audit/").content.decode()
    assert "Essex thing" in page and "Kent secret" not in page
    csv = signed_in(charlie).get("/audit/?format=csv").content.decode()
    assert "Kent secret" not in csv and "Essex thing" in csv


def test_audit_log_refused_to_learners(signed_in, bob):
    assert signed_in(bob).get("/audit/").status_code == 404


def test_organisation_branding_by_host_and_query(client, kent):
    kent.brand_colour = "#123456"
    kent.save()
    assert "#123456" in client.get("/", HTTP_HOST="kent.learn.example").content.decode()
    assert "Kent Police" in client.get("/?org=kent").content.decode()
    assert "Kent Police" in client.get("/licence-check/").content.decode()  # remembered in the session
    assert "Kent Police" not in client.get("/?org=").content.decode().split("<main")[0]


def test_error_pages_wear_the_site_chrome(client, signed_in, bob, settings):
    settings.DEBUG = False
    response = signed_in(bob).get("/people/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and "govuk-template" in page and "Sign out" in page

    from django.template.loader import render_to_string

    assert "Sorry, there is a problem with the service" in render_to_string("500.html")
