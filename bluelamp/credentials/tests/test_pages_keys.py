"""The signing keys' page: each organisation's keys and the addresses verifiers fetch, rotating,
and withdrawing a key (everything it signed is signed again, so nothing issued stops
verifying); for those who edit the organisation, "not found" for everyone else."""

import pytest

from bluelamp.audit.api import AuditEvent
from bluelamp.credentials import addresses
from bluelamp.credentials import keys as issuer_keys
from bluelamp.credentials.models import IssuerKey
from bluelamp.credentials.openbadges import proofs
from bluelamp.credentials.tests.helpers import course_template
from bluelamp.credentials.tests.pages_helpers import NOW, errors, fixed_clock, issue, text  # noqa: F401
from bluelamp.organisations.api import role_grant
from conftest import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

KEYS = "/certificates/keys/"


@pytest.fixture
def certificate(alice, bob, course):
    """Bob's certificate, signed with Kent's first key (made as it signed)."""
    return issue(course_template(alice, course, issue_automatically=False), bob, actor=alice)


@pytest.fixture
def first_key(certificate):
    return certificate.signed_with


def test_the_page_shows_each_key_and_where_verifiers_find_it(signed_in, kent, alice, first_key):
    response = signed_in(alice).get(KEYS)

    assert response.status_code == 200
    words = text(response)
    assert (
        f"Issuer profile (what verifiers fetch): https://learn.example/credentials/issuers/{kent.uuid}"
        in words
    )
    key_url = f"https://learn.example/credentials/issuers/{kent.uuid}/keys/key-1"
    assert f"key-1 2 November 2026 Signing 1 {key_url} Withdraw key-1 of Kent Police" in words
    assert (
        "Credentials signed with a retired key keep verifying; a withdrawn key is no longer published, "
        in words
    )
    assert "and everything it signed is signed again with the current key." in words
    html = response.content.decode()
    assert f'action="/certificates/keys/{kent.slug}/rotate/"' in html
    assert f'href="/certificates/keys/{first_key.uuid}/withdraw/"' in html


def test_an_organisation_without_keys_is_told_when_it_gets_one(signed_in, alice):
    words = text(signed_in(alice).get(KEYS))
    assert "No keys yet: the first is made when Kent Police first issues a badge." in words
    assert "Make a signing key" in words


def test_others_see_only_their_own_organisation(signed_in, charlie, first_key):
    response = signed_in(charlie).get(KEYS)
    assert response.status_code == 200
    words = text(response)
    assert "Essex Police" in words
    assert "Kent Police" not in words and "key-1" not in words


def test_a_national_administrator_sees_the_organisations_that_issue(
    signed_in, essex, platform_admin, first_key
):
    words = text(signed_in(platform_admin).get(KEYS))
    assert "Kent Police" in words and "key-1" in words
    assert "Essex Police" not in words  # it has neither keys nor certificates


def test_those_who_do_not_edit_an_organisation_are_told_not_found(signed_in, kent, bob, first_key):
    trainer = make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", staff_number="K5")
    role_grant(actor=None, person=trainer, role="training_admin", organisation=kent, as_operator=True)
    for person in (bob, trainer):
        client = signed_in(person)
        assert client.get(KEYS).status_code == 404
        assert client.post(f"{KEYS}kent/rotate/").status_code == 404
        assert client.get(f"{KEYS}{first_key.uuid}/withdraw/").status_code == 404
    assert IssuerKey.objects.count() == 1


# --- rotating -------------------------------------------------------------------------------------


def test_rotating_makes_a_new_signing_key_and_retires_the_old(signed_in, kent, alice, first_key):
    response = signed_in(alice).post(f"{KEYS}kent/rotate/", follow=True)

    first_key.refresh_from_db()
    second = IssuerKey.objects.get(organisation=kent, key_id="key-2")
    assert (first_key.state, first_key.retired_at, second.state) == ("retired", NOW, "signing")
    assert response.redirect_chain[-1][0] == f"{KEYS}#organisation-kent"
    words = text(response)
    assert "Kent Police now signs with key-2. Its keys before stay published" in words
    assert "key-2 9 November 2026 Signing 0" in words
    assert "key-1 2 November 2026 Retired 9 November 2026 1" in words
    assert AuditEvent.objects.filter(action="credentials.key.rotate").count() == 1


def test_rotating_is_only_by_post_and_only_for_ones_own_organisation(
    signed_in, essex, alice, charlie, first_key
):
    assert signed_in(alice).get(f"{KEYS}kent/rotate/").status_code == 405
    assert signed_in(alice).post(f"{KEYS}essex/rotate/").status_code == 404
    assert signed_in(charlie).post(f"{KEYS}kent/rotate/").status_code == 404
    assert signed_in(charlie).post(f"{KEYS}nowhere/rotate/").status_code == 404
    assert list(IssuerKey.objects.values_list("key_id", flat=True)) == ["key-1"]


# --- withdrawing ----------------------------------------------------------------------------------


def test_the_withdraw_page_explains_what_happens(signed_in, alice, first_key):
    words = text(signed_in(alice).get(f"{KEYS}{first_key.uuid}/withdraw/"))
    assert "Withdraw the key key-1 of Kent Police" in words
    assert "Credentials it signed 1" in words
    assert (
        "everything it signed (1 credential, and the revocation lists) is signed again with the current key"
        in words
    )
    assert "(a new one is made, as this is the key that signs now)" in words


def test_withdrawing_signs_everything_again_with_a_new_key(
    signed_in, kent, alice, certificate, first_key, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the task that signs again (immediate backend)
        response = signed_in(alice).post(
            f"{KEYS}{first_key.uuid}/withdraw/", {"reason": "Leaked"}, follow=True
        )

    first_key.refresh_from_db()
    assert (first_key.state, first_key.withdrawn_at, first_key.withdrawn_by, first_key.withdrawn_reason) == (
        "withdrawn",
        NOW,
        alice,
        "Leaked",
    )
    certificate.refresh_from_db()
    current = issuer_keys.signing_key(kent)
    assert current.key_id == "key-2"
    assert certificate.signed_with == current
    assert certificate.credential["proof"]["verificationMethod"].endswith("/keys/key-2")
    published = {addresses.key_url(key): bytes(key.public_key) for key in issuer_keys.published_keys(kent)}
    assert proofs.verify(certificate.credential, resolve_key=published.get)
    words = text(response)
    assert (
        "Withdrew key-1 of Kent Police: it is no longer published. 1 credential it signed is being signed "
        "again with the current key: this takes a few minutes." in words
    )
    assert "It now signs with key-2." in words
    # The page after the redirect was drawn before the task ran: key-1 still counted its 1.
    assert "key-1 2 November 2026 Withdrawn 9 November 2026 1 Not published" in words


def test_withdrawing_needs_a_reason(signed_in, alice, certificate, first_key):
    response = signed_in(alice).post(f"{KEYS}{first_key.uuid}/withdraw/", {"reason": " "})

    assert response.status_code == 400
    assert errors(response) == ["Give the reason for withdrawing the key: the audit log keeps it"]
    first_key.refresh_from_db()
    certificate.refresh_from_db()
    assert first_key.withdrawn_at is None
    assert certificate.signed_with == first_key


def test_a_key_withdrawn_already_says_so_and_stays_as_it_is(signed_in, alice, first_key):
    client = signed_in(alice)
    client.post(f"{KEYS}{first_key.uuid}/withdraw/", {"reason": "Leaked"})

    response = client.post(f"{KEYS}{first_key.uuid}/withdraw/", {"reason": "Again"})

    assert "It was withdrawn on 9 November 2026: Leaked" in text(response)
    first_key.refresh_from_db()
    assert first_key.withdrawn_reason == "Leaked"


def test_another_organisations_key_is_not_found(signed_in, charlie, first_key):
    client = signed_in(charlie)
    assert client.get(f"{KEYS}{first_key.uuid}/withdraw/").status_code == 404
    assert client.post(f"{KEYS}{first_key.uuid}/withdraw/", {"reason": "Mine"}).status_code == 404
    first_key.refresh_from_db()
    assert first_key.withdrawn_at is None
