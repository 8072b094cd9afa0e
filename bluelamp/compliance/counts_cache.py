"""The dashboards' live counts from the shared cache, until the kept counts change.

A dashboard adds up the kept counts (`StatusCount`) over the level's subtree in one aggregate
query: for the Met's whole force that is 36,000 rows and about 30 ms in PostgreSQL on every visit,
though the counts change only when an assignment's status does. So each level's sums are kept in
the shared cache for COMPLIANCE_CACHE_SECONDS (300; 0 turns it off, as the test suite does but for
this module's own tests) under a version per organisation, which every change to that
organisation's counts replaces (evaluation.counts_apply; a retired requirement's counts replace
every organisation's; a month end's counts kept for the trend, everyone's). Another process sees
a change within a second (sharedcache.Generation).

What a dashboard draws of a level (its tables by requirement and by unit, the trend; kept as HTML
by web/views_reports.py) depends on more than the counts: the requirements' codes and titles, the
units' names and tree, the organisation's name. `tables_version` adds a generation that any write
to a requirement, unit or organisation moves (the receivers below), and so does any change to
people's audience facts (people.api's listeners: the HR import creates units in bulk, without
`save()`, for the people it moves into them).

The list of people by name shows each person's standing (status, due date) on each requirement,
which can change without any count changing (a renewal moves an expiry, an extension a due
date): `standings_version` adds a generation per organisation that every write of its
assignments moves (evaluation.py), and people's own version (names, units, leaving:
`people.api.people_version`, which the HR import's bulk writes move too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bluelamp.compliance.models import Requirement
from bluelamp.core.sharedcache import Generation
from bluelamp.organisations.api import Organisation, Unit
from bluelamp.people.api import Person
from bluelamp.people.api import people_version as _people_shown

_everyone = Generation("compliance-counts")
_tables = Generation("compliance-tables")
_organisations: dict[int, Generation] = {}
_standings_everyone = Generation("compliance-standings")
_standings: dict[int, Generation] = {}
# Part of every version: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0


def _per_organisation(family: dict[int, Generation], name: str, organisation_id: int) -> Generation:
    generation = family.get(organisation_id)
    if generation is None:
        generation = family.setdefault(organisation_id, Generation(f"compliance-{name}-{organisation_id}"))
    return generation


def _of(organisation_id: int) -> Generation:
    return _per_organisation(_organisations, "counts", organisation_id)


def _standings_of(organisation_id: int) -> Generation:
    return _per_organisation(_standings, "standings", organisation_id)


def counts_version(organisation_id: int) -> str:
    """Changes whenever the organisation's kept counts do."""
    return f"{_generation}.{_everyone.current()}.{_of(organisation_id).current()}"


def tables_version(organisation_id: int) -> str:
    """Changes whenever what a dashboard draws of the organisation's levels may: its counts, or
    any requirement, unit or organisation's name, or the unit tree."""
    return f"{counts_version(organisation_id)}.{_tables.current()}"


def people_version() -> str:
    """Changes whenever people's audience facts may have (their unit, line manager, leaving: the
    people.api listener below), whenever anything shown of people may have (their names, units:
    people.api's own version) and with every unit, requirement or organisation write."""
    return f"{_generation}.{_tables.current()}.{_people_shown()}"


def standings_version(organisation_id: int) -> str:
    """Changes whenever the list of the organisation's people by name may: any write of its
    assignments, of its counts, of people, requirements, units or organisations."""
    return (
        f"{tables_version(organisation_id)}.{_people_shown()}"
        f".{_standings_everyone.current()}.{_standings_of(organisation_id).current()}"
    )


def forget_counts(organisation_ids: Iterable[int] | None = None) -> None:
    """The organisations' counts changed (None: any organisation's); now and on commit."""
    if organisation_ids is None:
        _everyone.bump()
        return
    for organisation_id in set(organisation_ids):
        _of(organisation_id).bump()


def forget_standings(organisation_ids: Iterable[int] | None = None) -> None:
    """The organisations' assignments were written (None: any organisation's); now and on commit."""
    if organisation_ids is None:
        _standings_everyone.bump()
        return
    for organisation_id in set(organisation_ids):
        _standings_of(organisation_id).bump()


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1
    _everyone.forget_local()
    _tables.forget_local()
    _standings_everyone.forget_local()
    for generation in [*_organisations.values(), *_standings.values()]:
        generation.forget_local()


def forget_tables() -> None:
    """Requirements, units, organisations or people's audience facts changed: every dashboard's
    tables are drawn again (now and on commit)."""
    _tables.bump()


def people_changed(*, person_ids: list[int], at: dt.datetime) -> None:
    """people.api's listener: units the HR import created in bulk, people moved between units."""
    forget_tables()


@receiver([post_save, post_delete], sender=Requirement, dispatch_uid="compliance-tables-requirement")
@receiver([post_save, post_delete], sender=Unit, dispatch_uid="compliance-tables-unit")
@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="compliance-tables-organisation")
@receiver(post_delete, sender=Person, dispatch_uid="compliance-tables-person")  # removing is not told
def _changed(sender, **kwargs) -> None:
    forget_tables()
