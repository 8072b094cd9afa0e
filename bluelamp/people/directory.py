"""A generation over what other people's pages show of people: names, staff numbers, units,
line managers, leaving. Domains that keep something drawn from people's rows in the shared cache
(the desk's staff list, the compliance dashboard's people by name) put `people_version()` in its
key, so that any such change drops it everywhere within a second (sharedcache.Generation).

It moves on every `save()` or delete of a person but one that writes `last_login` alone (signing
in, many times a day, shows nothing to others), and on the writes that bypass `save()` (the HR
import's bulk writes, a transferred manager's reports), which call `forget_people()`.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bluelamp.core.sharedcache import Generation
from bluelamp.people.models import Person

_people = Generation("people-directory")
# Part of every version: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0


def people_version() -> str:
    """Changes whenever what is shown of anyone may have."""
    return f"{_generation}.{_people.current()}"


def forget_people() -> None:
    """People were written in bulk (no `save()`, no signal): now and on commit."""
    _people.bump()


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1
    _people.forget_local()


@receiver([post_save, post_delete], sender=Person, dispatch_uid="people-directory-person")
def _person_changed(sender, instance: Person, update_fields=None, **kwargs) -> None:
    # Signing in saves last_login alone: nothing others see changes with it.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    forget_people()
