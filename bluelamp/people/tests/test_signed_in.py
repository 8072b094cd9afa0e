"""The signed-in person and their role assignments come from the shared cache (people/signed_in.py,
organisations/cache.py), and every write to them is seen on the next request. The suite turns the
cache off; these tests turn it on."""

from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from bluelamp.organisations.api import (
    Perm,
    RoleAssignment,
    has_perm_anywhere,
    role_grant,
    role_revoke,
)
from bluelamp.organisations.services import unit_create, unit_rename
from bluelamp.people import signed_in as signed_in_module
from bluelamp.people.api import Person, forget_signed_in, person_update
from conftest import make_person

pytestmark = pytest.mark.django_db

PAGE = "/accessibility/"  # any page; it asks who is signed in (the header) and what they hold


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.ACCESS_CACHE_SECONDS = 60


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def ask(client):
    """The request's person (or AnonymousUser) and the SQL it sent."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PAGE)
    assert response.status_code in (200, 302)  # 302: an administrator sent to set up MFA
    user = response.wsgi_request.user
    user.is_authenticated  # noqa: B018 (evaluates the lazy object inside no other request)
    return user, [q["sql"] for q in captured]


def person_queries(sql):
    return [s for s in sql if 'FROM "people_person"' in s]


def role_queries(sql):
    return [s for s in sql if 'FROM "organisations_roleassignment"' in s]


def test_the_second_request_reads_neither_the_person_nor_their_roles(alice):
    client = signed_in(alice)
    user, sql = ask(client)
    assert user == alice and person_queries(sql) and role_queries(sql)
    user, sql = ask(client)
    assert user == alice and user.is_authenticated
    assert person_queries(sql) == [] and role_queries(sql) == []


def test_the_person_and_their_roles_come_back_in_one_round_trip(alice, bob, kent):
    unit = unit_create(actor=alice, organisation=kent, name="Training")
    role_grant(actor=alice, person=bob, role="tutor", unit=unit)
    client = signed_in(bob)
    ask(client)
    store = caches["default"]
    with (
        mock.patch.object(store, "get", wraps=store.get) as get,
        mock.patch.object(store, "get_many", wraps=store.get_many) as get_many,
    ):
        user, sql = ask(client)
    assert user == bob and [a.unit.name for a in user._bluelamp_all_assignments] == ["Training"]
    assert person_queries(sql) == [] and role_queries(sql) == []
    # The session too (people/sessions.py): it named Bob on the previous request here.
    assert [
        sorted(k.split(":")[1] if ":" in k else "session" for k in c.args[0]) for c in get_many.call_args_list
    ] == [["access-version", "roles", "session", "signed-in"]]
    assert (
        get_many.call_args_list[0].args[0][0]
        == "django.contrib.sessions.cached_db" + client.session.session_key
    )
    # (the local-memory cache's get_many asks get() for each key: no other read of any of them)
    read = [
        c.args[0]
        for c in get.call_args_list
        if c.args[0].startswith(("organisations:", "people:", "django.contrib.sessions"))
    ]
    assert sorted(read) == sorted(get_many.call_args_list[0].args[0])


def test_a_session_signed_out_elsewhere_is_seen_at_once(alice):
    """The session is read with the person it named before; signing out (in another process, say)
    deletes it, and the next request is nobody's, though this process remembered whose it was."""
    from django.contrib.sessions.backends.cached_db import SessionStore

    client = signed_in(alice)
    ask(client)
    user, _ = ask(client)
    assert user == alice
    SessionStore(client.session.session_key).delete()
    user, _ = ask(client)
    assert not user.is_authenticated


def test_a_session_now_someone_elses_reads_that_person(alice, bob):
    """The person remembered for a session is only a guess of which keys to read with it."""
    client = signed_in(alice)
    ask(client)
    session = client.session
    store = caches["default"]
    data = store.get("django.contrib.sessions.cached_db" + session.session_key)
    data["_auth_user_id"] = str(bob.pk)
    data["_auth_user_hash"] = bob.get_session_auth_hash()
    store.set("django.contrib.sessions.cached_db" + session.session_key, data)
    user, _ = ask(client)
    assert user == bob


def test_a_changed_password_signs_other_sessions_out_at_once(alice):
    client = signed_in(alice)
    ask(client)
    alice.set_password("another long pass phrase")
    alice.save()
    user, _ = ask(client)
    assert not user.is_authenticated


def test_a_deactivated_person_is_signed_out_at_once(alice):
    client = signed_in(alice)
    ask(client)
    Person.objects.filter(pk=alice.pk).update(is_active=False)
    user, _ = ask(client)
    assert user.is_authenticated  # a bulk write without forget_signed_in: the row is still cached
    forget_signed_in([alice.pk])
    user, _ = ask(client)
    assert not user.is_authenticated

    Person.objects.filter(pk=alice.pk).update(is_active=True)
    client = signed_in(alice)
    ask(client)
    alice.refresh_from_db()
    alice.is_active = False
    alice.save()  # save() drops it itself
    user, _ = ask(client)
    assert not user.is_authenticated


def test_forgetting_everyone_reads_everyone_again(alice, bob):
    alice_client, bob_client = signed_in(alice), signed_in(bob)
    ask(alice_client)
    ask(bob_client)
    Person.objects.filter(pk__in=[alice.pk, bob.pk]).update(first_name="Changed")
    forget_signed_in()
    assert ask(alice_client)[0].first_name == "Changed"
    assert ask(bob_client)[0].first_name == "Changed"


def test_an_edit_through_the_service_is_seen_on_the_next_request(alice, bob):
    client = signed_in(bob)
    ask(client)
    person_update(actor=alice, person=bob, first_name="Robert")
    assert ask(client)[0].first_name == "Robert"


def test_the_hr_import_drops_every_cached_person(alice, bob, kent):
    from bluelamp.people.api import run_import

    client = signed_in(bob)
    ask(client)
    csv = (
        "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
        "K2,bob@kent.police.uk,Bob,Officer,,,,,,leaver\n"
    )
    result = run_import(actor=alice, organisation=kent, data=csv.encode(), file_name="hr.csv", dry_run=False)
    assert result.ok, result.errors
    assert Person.objects.get(pk=bob.pk).is_active is False
    user, _ = ask(client)
    assert not user.is_authenticated


def test_a_session_for_someone_deleted_is_anonymous(kent):
    gone = make_person(kent, "gone@kent.police.uk")
    client = signed_in(gone)
    ask(client)
    gone.emailaddress_set.all().delete()
    gone.delete()
    user, _ = ask(client)
    assert not user.is_authenticated


def test_a_session_signed_with_an_old_secret_key_is_left_to_django(alice):
    """A key rotation: the session's hash matches a fallback key only. Django's get_user rotates
    the session; the cached person is not taken on the hash it cannot verify."""
    with override_settings(SECRET_KEY="an old secret key that is long enough to be a real one, 50+"):
        client = signed_in(alice)
    with override_settings(
        SECRET_KEY_FALLBACKS=["an old secret key that is long enough to be a real one, 50+"]
    ):
        ask(signed_in(alice))  # alice's row cached through another session
        user, _ = ask(client)
        assert user == alice  # verified by Django with the fallback, session rotated
        user, _ = ask(client)
        assert user == alice
    assert settings.SECRET_KEY not in str(client.session.items())


def test_a_role_granted_or_revoked_is_seen_on_the_next_request(alice, bob, kent):
    client = signed_in(bob)
    user, _ = ask(client)
    assert not has_perm_anywhere(user, Perm.PEOPLE_MANAGE)
    assignment = role_grant(actor=alice, person=bob, role="organisation_admin", organisation=kent)
    user, _ = ask(client)
    assert has_perm_anywhere(user, Perm.PEOPLE_MANAGE)
    role_revoke(actor=alice, assignment=assignment)
    user, _ = ask(client)
    assert not has_perm_anywhere(user, Perm.PEOPLE_MANAGE)


def test_a_renamed_unit_is_seen_in_everyones_roles(alice, bob, kent):
    unit = unit_create(actor=alice, organisation=kent, name="Training")
    role_grant(actor=alice, person=bob, role="tutor", unit=unit)
    client = signed_in(bob)
    user, _ = ask(client)
    assert [a.unit.name for a in user._bluelamp_all_assignments] == ["Training"]
    unit_rename(actor=alice, unit=unit, name="Learning and development")
    user, sql = ask(client)
    assert role_queries(sql)
    assert [a.unit.name for a in user._bluelamp_all_assignments] == ["Learning and development"]


def test_a_role_assignment_written_directly_is_seen(alice, bob, kent):
    client = signed_in(bob)
    ask(client)
    RoleAssignment.objects.create(
        person=bob, role="organisation_admin", organisation=kent, granted_at=timezone.now()
    )
    user, _ = ask(client)
    assert has_perm_anywhere(user, Perm.PEOPLE_MANAGE)


def test_a_row_read_just_before_a_password_change_committed_is_not_kept(alice, monkeypatch):
    """The race: a request reads the person, the password change commits (dropping the cached
    copy), then that request stores the row it read. Its copy carries the access version it was
    read under, which the change replaced: the next request reads the person again, and the
    session signed in with the old password is signed out."""
    old_session = signed_in(alice)
    other = signed_in(alice)
    real_get_user = signed_in_module.auth.get_user

    def get_user_then_change_password(request):
        user = real_get_user(request)  # the row as it was
        changed = Person.objects.get(pk=alice.pk)
        changed.set_password("a new password that is long enough")
        changed.save()  # commits (and drops the cache) before the old row is stored
        monkeypatch.setattr(signed_in_module.auth, "get_user", real_get_user)
        return user

    monkeypatch.setattr(signed_in_module.auth, "get_user", get_user_then_change_password)
    user, _ = ask(other)  # stores the old row after the change
    user, _ = ask(old_session)
    assert not user.is_authenticated


def test_roles_read_just_before_a_revocation_committed_are_not_kept(alice, bob, kent, monkeypatch):
    assignment = role_grant(actor=alice, person=bob, role="organisation_admin", organisation=kent)
    client = signed_in(bob)
    real_read = RoleAssignment.objects.current

    def read_then_revoke():
        rows = list(real_read().filter(person_id=bob.pk).select_related("organisation", "unit"))
        monkeypatch.setattr(RoleAssignment.objects, "current", real_read)
        role_revoke(actor=alice, assignment=assignment)  # commits before the old rows are stored
        return FakeQuerySet(rows)

    monkeypatch.setattr(RoleAssignment.objects, "current", read_then_revoke)
    ask(client)  # stores the roles read before the revocation
    user, _ = ask(client)
    assert not has_perm_anywhere(user, Perm.UNITS_MANAGE)


class FakeQuerySet(list):
    """What `RoleAssignment.objects.current()` is asked for by the roles' read: these rows."""

    def filter(self, **kwargs):
        return self

    def select_related(self, *fields):
        return self


def test_an_administrators_totp_is_read_once_and_its_removal_seen_at_once(alice):
    """Every page of an administrator asks whether they have TOTP (MFA); the answer is kept under
    their access version, which removing (or adding) an authenticator replaces."""
    from allauth.mfa.models import Authenticator

    from conftest import force_sign_in, with_mfa

    with_mfa(alice)
    client = force_sign_in(Client(), alice)
    assert client.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    assert not [q for q in captured if "mfa_authenticator" in q["sql"]]
    Authenticator.objects.filter(user=alice).delete()
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
