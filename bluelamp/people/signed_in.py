"""Who is signed in, read from the shared cache rather than PostgreSQL on every request.

Every signed-in request reads its person (Django's `get_user`): a query, and the SQL built for
it, each time; a SCORM runtime commits every few seconds per learner. So the person row is kept
in the shared cache for ACCESS_CACHE_SECONDS (60; 0 turns it off, as the test suite does but for
this module's own tests), with the person's access version (organisations/cache.py) it was read
under. Every `save()` or delete of the person replaces that version (at once and again on
commit), so the copy is no longer used, even one stored by a request that read the row just
before the write committed; writes that bypass `save()` (the HR import's bulk updates, a
manager's reports handed back) call `forget_signed_in()`, for some people or everyone.

A cached person is only ever used where Django's own `get_user` would accept the session: the
session names the person and a backend still configured, the backend still lets the person in
(`is_active`), and the session's hash matches the person's password hash with the current
SECRET_KEY. Anything else (no session, a hash made with a fallback key, a changed password) is
left to Django's `get_user` itself, which signs the session out or rotates it as it always does.

From a session's second request in a process on, the session itself is read in the same round
trip as the person (sessions.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from bluelamp.core.sharedcache import Generation
from bluelamp.organisations.api import (
    access_keys,
    cached_role_assignments,
    current_access_version,
    kept_under_version,
    new_access_versions,
    prime_role_assignments,
    remember_access_version,
)
from bluelamp.people.models import Person
from bluelamp.people.sessions import SessionStore, remember_signed_in_as, signed_in_as

_PERSON = "people:signed-in:v2:{generation}:{shared}:{pk}"
_everyone = Generation("people-signed-in")
# Part of every key: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with `request.user` from `signed_in_person`."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = signed_in_person(request)
    return request._cached_user


def signed_in_person(request):
    """The person this request's session is signed in as, or AnonymousUser: Django's
    `auth.get_user`, with the person read from the shared cache when the session verifies."""
    seconds = settings.ACCESS_CACHE_SECONDS
    session = request.session
    # The session and, if it names the person it named before here, their entries: one round trip.
    guess = signed_in_as(session) if seconds and isinstance(session, SessionStore) else None
    along = session.load_with([_key(guess), *access_keys(guess)]) if guess is not None else None
    try:
        pk = Person._meta.pk.to_python(session[auth.SESSION_KEY])
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except (KeyError, ValueError):
        pk = backend_path = None
    session_hash = session.get(auth.HASH_SESSION_KEY) if pk is not None else None
    if not seconds or pk is None or not session_hash or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    key = _key(pk)
    # The person's role assignments and access version in the same round trip: nearly every page
    # asks for the roles (MFA for administrators, the navigation, access), and both are kept
    # under the version, which every write to the person or their roles replaces.
    roles_key, version_key = access_keys(pk)
    found = along if along is not None and pk == guess else cache.get_many([key, roles_key, version_key])
    version = found.get(version_key)
    person = kept_under_version(found.get(key), version)
    if person is None:
        version = version or current_access_version(pk)  # before the row is read
        user = auth.get_user(request)  # reads the person (and verifies the session)
        if user.is_authenticated and user.pk == pk:
            cache.set(key, (version, user), seconds)
            person = user
    elif not (
        auth.load_backend(backend_path).user_can_authenticate(person)
        and constant_time_compare(session_hash, person.get_session_auth_hash())
    ):
        return auth.get_user(request)
    else:
        user = person
    if person is not None:
        remember_signed_in_as(session, pk)
        remember_access_version(person, version)
        roles = cached_role_assignments(pk, found)
        if roles is not None:
            prime_role_assignments(person, roles)
    return user


def _key(pk: int) -> str:
    return _PERSON.format(generation=_generation, shared=_everyone.current(), pk=pk)


def forget_signed_in(pks=None) -> None:
    """Drop the cached rows of these people (ids), or of everyone (None); now and on commit.
    Writes to people that bypass `save()` call it."""
    if pks is None:
        _everyone.bump()
    else:
        new_access_versions(pks)


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1
    _everyone.forget_local()


@receiver([post_save, post_delete], sender=Person, dispatch_uid="people-signed-in-person")
def _person_changed(sender, instance: Person, **kwargs) -> None:
    forget_signed_in([instance.pk])
