"""Single sign-on per organisation: configuration, who may configure it, and a real OIDC flow.

The flow tests run a real OpenID Connect provider (django-oauth-toolkit, see oidc_idp.py) in the
live server and drive Bluelamp's sign-in against it over HTTP: nothing in allauth or the adapter
is mocked. Kent's provider may sign in Kent's people only.
"""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.models import SingleSignOn
from bluelamp.organisations.services import single_sign_on_save
from bluelamp.organisations.tests.conftest import bluelamp_cookie, sign_in_with_sso, start_sso
from bluelamp.people.models import Person
from bluelamp.people.services import person_update
from conftest import make_person

SECRET = "kent-client-secret-4f9a1c"


def _configure(organisation, issuer, *, actor=None, **options):
    options.setdefault("allowed_email_domains", f"{organisation.slug}.police.uk")
    return single_sign_on_save(
        actor=actor,
        organisation=organisation,
        server_url=issuer,
        client_id=f"bluelamp-{organisation.slug}",
        client_secret=SECRET,
        **options,
    )


def oidc_idp_directory() -> dict:
    from bluelamp.organisations.tests import oidc_idp  # only importable once oauth2_provider is installed

    return oidc_idp.DIRECTORY


def _signed_in_person(session, bluelamp_url):
    key = bluelamp_cookie(session, "sessionid")
    if not key:
        return None
    person_id = SessionStore(session_key=key).get("_auth_user_id")
    return Person.objects.filter(pk=person_id).first() if person_id else None


# --- configuration --------------------------------------------------------------------------


def test_saving_creates_an_openid_connect_app_and_audits_without_the_secret(kent, alice):
    sso = _configure(kent, "https://login.microsoftonline.com/tenant-id/v2.0/", actor=alice)
    app = SocialApp.objects.get(pk=sso.social_app_id)
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "openid_connect",
        "sso-kent",
        "bluelamp-kent",
        SECRET,
    )
    assert app.settings["server_url"] == "https://login.microsoftonline.com/tenant-id/v2.0"
    assert sso.allowed_email_domains == ["kent.police.uk"] and not sso.create_unknown_people
    event = AuditEvent.objects.get(action="single_sign_on.create")
    assert event.actor == alice and event.organisation == kent
    assert event.after["client_id"] == "bluelamp-kent" and event.after["new_client_credential"] is True
    assert SECRET not in str(event.before) + str(event.after)

    # An empty secret keeps the old one; the change is audited, still without it.
    single_sign_on_save(
        actor=alice,
        organisation=kent,
        server_url="https://login.microsoftonline.com/tenant-id/v2.0",
        client_id="bluelamp-kent-2",
        allowed_email_domains="kent.police.uk, KENT.pnn.police.uk",
        create_unknown_people=True,
    )
    app.refresh_from_db()
    assert app.secret == SECRET and app.client_id == "bluelamp-kent-2"
    assert SocialApp.objects.count() == 1
    update = AuditEvent.objects.get(action="single_sign_on.update")
    assert update.before["client_id"] == "bluelamp-kent" and update.after["new_client_credential"] is False
    assert update.after["allowed_email_domains"] == ["kent.police.uk", "kent.pnn.police.uk"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"server_url": "http://idp.example.com/"}, "server_url", "must start with https://"),
        ({"server_url": "not a url"}, "server_url", "is not a web address"),
        ({"allowed_email_domains": ""}, "allowed_email_domains", "at least one e-mail domain"),
        ({"allowed_email_domains": "kent police"}, "allowed_email_domains", "“kent” is not an e-mail domain"),
        ({"client_secret": ""}, "client_secret", "Enter the client secret"),
        ({"client_id": " "}, "client_id", "Enter the application (client) ID"),
    ],
)
def test_bad_settings_are_refused_with_the_field_and_nothing_is_written(kent, changes, field, message):
    values = {
        "server_url": "https://login.microsoftonline.com/t/v2.0",
        "client_id": "bluelamp-kent",
        "client_secret": SECRET,
        "allowed_email_domains": "kent.police.uk",
        **changes,
    }
    with pytest.raises(ValidationError) as caught:
        single_sign_on_save(actor=None, organisation=kent, **values)
    assert message in " ".join(caught.value.message_dict[field])
    assert not SingleSignOn.objects.exists() and not SocialApp.objects.exists()


def test_organisation_admin_configures_their_own_organisation(kent, alice, signed_in):
    client = signed_in(alice)
    page = client.get("/organisations/kent/single-sign-on/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "http://kent.learn.example/accounts/oidc/sso-kent/login/callback/" in html
    response = client.post(
        "/organisations/kent/single-sign-on/",
        {
            "server_url": "https://login.microsoftonline.com/kent-tenant/v2.0",
            "client_id": "bluelamp-kent",
            "client_secret": SECRET,
            "allowed_email_domains": "kent.police.uk",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    sso = SingleSignOn.objects.get(organisation=kent)
    assert sso.enabled and sso.social_app.secret == SECRET
    # The secret is never shown again, not even in the form.
    assert SECRET not in client.get("/organisations/kent/single-sign-on/").content.decode()


def test_form_errors_name_the_field_and_do_not_echo_the_secret(kent, alice, signed_in):
    client = signed_in(alice)
    response = client.post(
        "/organisations/kent/single-sign-on/",
        {"server_url": "ftp://nope", "client_id": "x", "client_secret": SECRET, "allowed_email_domains": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'href="#id_allowed_email_domains"' in html
    assert "Enter at least one e-mail domain" in html
    assert SECRET not in html
    # The service's own checks come back on the form the same way.
    response = client.post(
        "/organisations/kent/single-sign-on/",
        {
            "server_url": "ftp://nope",
            "client_id": "x",
            "client_secret": SECRET,
            "allowed_email_domains": "kent.police.uk",
        },
    )
    html = response.content.decode()
    assert 'href="#id_server_url"' in html and "is not a web address" in html
    assert SECRET not in html
    assert not SingleSignOn.objects.exists()


def test_outsider_gets_not_found_for_kents_single_sign_on(kent, charlie, bob, signed_in):
    _configure(kent, "https://login.microsoftonline.com/t/v2.0")
    client = signed_in(charlie)
    assert client.get("/organisations/kent/single-sign-on/").status_code == 404
    assert client.get("/organisations/no-such-force/single-sign-on/").status_code == 404
    response = client.post(
        "/organisations/kent/single-sign-on/",
        {
            "server_url": "https://evil.example/v2.0",
            "client_id": "x",
            "client_secret": "y",
            "allowed_email_domains": "evil.example",
        },
    )
    assert response.status_code == 404
    assert (
        SingleSignOn.objects.get(organisation=kent).server_url == "https://login.microsoftonline.com/t/v2.0"
    )
    # A Kent officer who is no administrator is refused the same way.
    assert signed_in(bob).get("/organisations/kent/single-sign-on/").status_code == 404


def test_platform_admin_may_configure_any_organisation(kent, platform_admin, signed_in):
    assert signed_in(platform_admin).get("/organisations/kent/single-sign-on/").status_code == 200


def test_django_admin_lists_single_sign_on_for_platform_admins_only(kent, platform_admin, alice, signed_in):
    # SAML providers are linked to their organisation here (docs/decisions/0003-single-sign-on.md).
    _configure(kent, "https://login.microsoftonline.com/t/v2.0")
    admin_client = signed_in(platform_admin)
    listing = admin_client.get("/django-admin/organisations/singlesignon/")
    assert listing.status_code == 200 and "Kent Police" in listing.content.decode()
    assert admin_client.get("/django-admin/organisations/singlesignon/add/").status_code == 200
    admin_client.logout()
    assert signed_in(alice).get("/django-admin/organisations/singlesignon/").status_code == 302


def test_sign_in_page_offers_the_organisations_own_account(kent, essex, client):
    _configure(kent, "https://login.microsoftonline.com/t/v2.0")
    kent_page = client.get("/accounts/login/?org=kent").content.decode()
    assert "Sign in with your Kent Police account" in kent_page
    assert 'action="/accounts/oidc/sso-kent/login/"' in kent_page
    # On Kent's own domain too.
    assert (
        "Sign in with your Kent Police account"
        in client.get("/accounts/login/", HTTP_HOST="kent.learn.example").content.decode()
    )
    # Essex has none; and Kent's button is never offered on Essex's page.
    essex_page = client.get("/accounts/login/?org=essex").content.decode()
    assert "Sign in with your" not in essex_page and "sso-kent" not in essex_page


def test_switched_off_single_sign_on_is_not_offered_and_cannot_be_used(kent, client):
    _configure(kent, "https://login.microsoftonline.com/t/v2.0", enabled=False)
    assert "Sign in with your" not in client.get("/accounts/login/?org=kent").content.decode()
    assert client.post("/accounts/oidc/sso-kent/login/").status_code == 404


def test_an_app_no_organisation_owns_cannot_be_used(db, client):
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="stray",
        name="Stray",
        client_id="x",
        secret="y",
        settings={"server_url": "https://idp.example.com"},
    )
    assert client.post("/accounts/oidc/stray/login/").status_code == 404


# --- the real flow, against django-oauth-toolkit --------------------------------------------


@pytest.fixture
def kent_idp(identity_provider, kent):
    identity_provider.register(kent, client_id="bluelamp-kent", client_secret=SECRET)
    _configure(kent, identity_provider.issuer)
    return identity_provider


def test_kent_officer_signs_in_with_kents_identity_provider(kent_idp, kent, bob):
    bob.emailaddress_set.all().delete()  # as imported from HR: address never confirmed
    session = kent_idp.browser(kent_idp.account(email="Bob@Kent.Police.UK", given_name="Bob"))
    page, hops = sign_in_with_sso(session, kent_idp.bluelamp_url, "kent")

    assert "Sign in with your Kent Police account" in page.text
    # Bluelamp → the provider's authorize endpoint → back to Bluelamp's callback → home.
    assert hops[0].headers["Location"].startswith(f"{kent_idp.issuer}/authorize/")
    assert "code_challenge=" in hops[0].headers["Location"]  # PKCE
    assert (
        hops[1]
        .headers["Location"]
        .startswith(f"{kent_idp.bluelamp_url}/accounts/oidc/sso-kent/login/callback/?code=")
    )
    assert hops[-1].status_code == 200
    assert _signed_in_person(session, kent_idp.bluelamp_url) == bob
    account = SocialAccount.objects.get(user=bob)
    assert account.provider == "sso-kent"
    assert bob.emailaddress_set.get().verified  # Kent's provider vouches for the address

    # The second time, the provider's subject identifier finds Bob, not the e-mail address.
    session.cookies.clear(domain="localhost.local")
    sign_in_with_sso(session, kent_idp.bluelamp_url, "kent")
    assert _signed_in_person(session, kent_idp.bluelamp_url) == bob
    assert SocialAccount.objects.count() == 1


def test_kents_identity_provider_cannot_sign_in_an_essex_person(kent_idp, kent, bob, charlie):
    session = kent_idp.browser(kent_idp.account(email="charlie@essex.police.uk"))
    # Even with Essex's domain allowed, the person must belong to Kent.
    _configure(kent, kent_idp.issuer, allowed_email_domains="kent.police.uk, essex.police.uk")
    _, hops = sign_in_with_sso(session, kent_idp.bluelamp_url, "kent")

    assert hops[-1].status_code == 403
    assert "belongs to another organisation" in hops[-1].text
    assert _signed_in_person(session, kent_idp.bluelamp_url) is None
    assert not SocialAccount.objects.exists()
    refused = AuditEvent.objects.get(action="sign_in.single_sign_on_refused")
    assert refused.organisation == kent and refused.after["reason"] == "other_organisation"


def test_an_address_outside_the_allowed_domains_is_refused(kent_idp, kent, charlie):
    session = kent_idp.browser(kent_idp.account(email="charlie@essex.police.uk"))
    _, hops = sign_in_with_sso(session, kent_idp.bluelamp_url, "kent")
    assert hops[-1].status_code == 403 and "not in one of the domains" in hops[-1].text
    assert _signed_in_person(session, kent_idp.bluelamp_url) is None


def test_an_address_the_provider_has_not_confirmed_is_refused(kent_idp, kent, alice):
    # A provider where people may type in their own address must not make Bob into Alice.
    account = kent_idp.account(email="alice@kent.police.uk")
    oidc_idp_directory()[account.pk]["email_verified"] = False
    session = kent_idp.browser(account)
    _, hops = sign_in_with_sso(session, kent_idp.bluelamp_url, "kent")
    assert hops[-1].status_code == 403 and "not confirmed your e-mail address" in hops[-1].text
    assert _signed_in_person(session, kent_idp.bluelamp_url) is None


def test_a_leaver_is_refused(kent_idp, kent, alice, bob):
    person_update(actor=alice, person=bob, status=Person.Status.LEAVER)
    session = kent_idp.browser(kent_idp.account(email="bob@kent.police.uk"))
    _, hops = sign_in_with_sso(session, kent_idp.bluelamp_url, "kent")
    assert hops[-1].status_code == 403 and "left the organisation" in hops[-1].text
    assert _signed_in_person(session, kent_idp.bluelamp_url) is None
    assert not SocialAccount.objects.exists()


def test_a_leaver_already_linked_to_the_provider_is_refused(kent_idp, kent, alice, bob):
    account = kent_idp.account(email="bob@kent.police.uk")
    first = kent_idp.browser(account)
    sign_in_with_sso(first, kent_idp.bluelamp_url, "kent")
    assert _signed_in_person(first, kent_idp.bluelamp_url) == bob

    person_update(actor=alice, person=bob, status=Person.Status.LEAVER)
    later = kent_idp.browser(account)
    _, hops = sign_in_with_sso(later, kent_idp.bluelamp_url, "kent")
    assert hops[-1].status_code == 403
    assert _signed_in_person(later, kent_idp.bluelamp_url) is None


def test_unknown_people_are_refused_unless_the_organisation_provisions_them(kent_idp, kent):
    account = kent_idp.account(email="new.starter@kent.police.uk", given_name="Nia", family_name="Starter")
    _, hops = sign_in_with_sso(kent_idp.browser(account), kent_idp.bluelamp_url, "kent")
    assert hops[-1].status_code == 403 and "has not given you a Bluelamp account" in hops[-1].text
    assert not Person.objects.filter(email="new.starter@kent.police.uk").exists()

    _configure(kent, kent_idp.issuer, create_unknown_people=True)
    session = kent_idp.browser(account)
    sign_in_with_sso(session, kent_idp.bluelamp_url, "kent")
    person = Person.objects.get(email="new.starter@kent.police.uk")
    assert (person.organisation, person.first_name, person.last_name) == (kent, "Nia", "Starter")
    assert not person.has_usable_password()
    assert _signed_in_person(session, kent_idp.bluelamp_url) == person
    assert AuditEvent.objects.filter(
        action="person.created_by_single_sign_on", object_id=str(person.pk)
    ).exists()


def test_provisioning_never_creates_someone_who_exists_elsewhere(kent_idp, kent, essex):
    make_person(essex, "transferee@kent.police.uk", staff_number="E9")
    _configure(kent, kent_idp.issuer, create_unknown_people=True)
    account = kent_idp.account(email="transferee@kent.police.uk")
    _, hops = sign_in_with_sso(kent_idp.browser(account), kent_idp.bluelamp_url, "kent")
    assert hops[-1].status_code == 403
    assert Person.objects.filter(email="transferee@kent.police.uk").get().organisation == essex


def test_a_signed_in_person_cannot_attach_someone_elses_identity(kent_idp, kent, alice, bob):
    # Alice, signed in to Bluelamp, asks to "connect" the identity Kent's provider gives Bob.
    session = kent_idp.browser(kent_idp.account(email="bob@kent.police.uk"))
    login_page = session.get(f"{kent_idp.bluelamp_url}/accounts/login/", timeout=10)
    assert login_page.status_code == 200
    session.post(
        f"{kent_idp.bluelamp_url}/accounts/login/",
        data={
            "csrfmiddlewaretoken": bluelamp_cookie(session, "csrftoken"),
            "login": alice.email,
            "password": "correct horse battery staple",
        },
        timeout=10,
    )
    assert _signed_in_person(session, kent_idp.bluelamp_url) == alice
    hops = start_sso(
        session,
        f"{kent_idp.bluelamp_url}/accounts/oidc/sso-kent/login/",
        kent_idp.bluelamp_url,
        process="connect",
    )
    assert hops[1].headers["Location"].startswith(kent_idp.bluelamp_url)  # the provider said yes...
    assert hops[-1].status_code == 403  # ...but Bluelamp links identities only by signing in
    assert not SocialAccount.objects.exists()
