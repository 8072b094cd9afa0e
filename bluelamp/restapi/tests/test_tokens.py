"""The API token page: create (shown once, stored hashed), list, revoke; all audited."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from bluelamp.audit.models import AuditEvent
from bluelamp.restapi.models import ApiToken
from bluelamp.restapi.services import api_token_create

PAGE = "/api/tokens/"


def create_on_page(client, name="HR nightly sync", expires="90"):
    """Create a token on the page, confirming the password first as allauth asks (and then
    carries on with the same request)."""
    response = client.post(PAGE, {"name": name, "expires_in_days": expires})
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        response = client.post(response["Location"], {"password": "correct horse battery staple"})
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'id="new-token"[^>]*value="([0-9a-f]{64})"', html)
    return response, (match.group(1) if match else None)


def api(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_page_needs_sign_in(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_shows_the_token_once_and_stores_only_a_hash(signed_in, alice, bob):
    client = signed_in(alice)
    response, token = create_on_page(client)
    assert token, response.content.decode()[:2000]
    assert response["Cache-Control"] == "no-store"
    record = ApiToken.objects.get(name="HR nightly sync")
    auth_token = record.auth_token
    assert auth_token.user == alice
    assert token not in auth_token.digest and auth_token.digest != token
    assert 89 <= (auth_token.expiry - timezone.now()).days <= 90
    # Shown once: the next view of the page lists it by name only.
    page = client.get(PAGE).content.decode()
    assert "HR nightly sync" in page and token not in page and token[:8] in page

    # It works, as Alice, and its use is noted.
    assert api(token).get(f"/api/v1/people/{bob.pk}/").status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None

    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == alice and event.object_label == "HR nightly sync"
    assert event.organisation == alice.organisation
    stored = f"{event.before} {event.after} {event.object_id} {event.object_label}"
    assert token not in stored and token[:15] not in stored and auth_token.digest not in stored


def test_revoke_stops_the_token_and_is_audited(signed_in, alice, bob):
    client = signed_in(alice)
    _, token = create_on_page(client, expires="never")
    record = ApiToken.objects.get()
    assert record.auth_token.expiry is None
    response = client.post(f"{PAGE}{record.uuid}/revoke/")
    assert response.status_code == 302
    assert "has been revoked" in client.get(PAGE).content.decode()
    assert not AuthToken.objects.exists() and not ApiToken.objects.exists()
    assert api(token).get(f"/api/v1/people/{bob.pk}/").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == alice and event.before["name"] == "HR nightly sync"
    assert token not in str(event.before)


def test_outsider_cannot_see_or_revoke_someone_elses_token(signed_in, alice, charlie):
    record, token = api_token_create(actor=alice, name="Alice's sync", expires_in_days=30)
    client = signed_in(charlie)
    assert "Alice's sync" not in client.get(PAGE).content.decode()
    assert client.post(f"{PAGE}{record.uuid}/revoke/").status_code == 404
    assert client.get(f"{PAGE}{record.uuid}/revoke/").status_code in (404, 405)
    assert ApiToken.objects.filter(pk=record.pk).exists()
    assert api(token).get("/api/v1/organisations/kent/").status_code == 200


def test_names_are_required_and_unique_per_person(signed_in, bob, charlie):
    api_token_create(actor=charlie, name="Sync", expires_in_days=None)  # another person's name is no clash
    client = signed_in(bob)
    _, token = create_on_page(client, name="Sync")
    assert token
    response, token = create_on_page(client, name=" sync ")
    assert token is None
    assert "You already have a token called “sync”" in response.content.decode()
    response, token = create_on_page(client, name="")
    assert token is None and "Enter a name" in response.content.decode()
    response, token = create_on_page(client, name="Other", expires="7")
    assert token is None and ApiToken.objects.filter(auth_token__user=bob).count() == 1


def test_expired_token_is_refused_and_shown_as_expired(signed_in, alice):
    record, token = api_token_create(actor=alice, name="Old", expires_in_days=30)
    AuthToken.objects.filter(pk=record.auth_token.pk).update(expiry=timezone.now() - dt.timedelta(days=1))
    page = signed_in(alice).get(PAGE).content.decode()
    assert "Expired" in page
    assert api(token).get("/api/v1/people/").status_code == 401


def test_administrators_set_up_mfa_before_creating_tokens(signed_in, alice):
    client = signed_in(alice, mfa=False)
    response = client.post(PAGE, {"name": "Sneaky", "expires_in_days": "30"})
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_anyone_signed_in_may_have_a_token_for_their_own_scope(signed_in, bob, alice):
    client = signed_in(bob)
    _, token = create_on_page(client, name="My own")
    assert api(token).get(f"/api/v1/people/{bob.pk}/").status_code == 200
    assert api(token).get(f"/api/v1/people/{alice.pk}/").status_code == 404


def test_creating_a_token_needs_a_recent_sign_in(client, bob):
    """A session signed in an hour ago must confirm the password before minting a token;
    allauth then carries on with the same request."""
    import time

    from conftest import force_sign_in

    force_sign_in(client, bob, at=time.time() - 3600)
    assert client.get(PAGE).status_code == 200  # looking is fine
    response = client.post(PAGE, {"name": "Quiet one", "expires_in_days": "30"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.exists()

    confirmed = client.post(response["Location"], {"password": "correct horse battery staple"})
    assert confirmed.status_code == 200
    assert re.search(r'id="new-token"[^>]*value="([0-9a-f]{64})"', confirmed.content.decode())
    assert ApiToken.objects.get().name == "Quiet one"


def test_token_names_with_control_characters_are_refused(alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        api_token_create(actor=alice, name="nightly\x1b[8m sync", expires_in_days=30)
    assert refused.value.message_dict["name"][0].startswith("This contains a control character (U+001B")
