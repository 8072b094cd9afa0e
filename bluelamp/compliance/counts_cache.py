"""The dashboards' live counts from the shared cache, until the kept counts change.

A dashboard adds up the kept counts (`StatusCount`) over the level's subtree in one aggregate
query: for the Met's whole force that is 36,000 rows and about 30 ms in PostgreSQL on every visit,
though the counts change only when an assignment's status does. So each level's sums are kept in
the shared cache for COMPLIANCE_CACHE_SECONDS (300; 0 turns it off, as the test suite does but for
this module's own tests) under a version per organisation, which every change to that
organisation's counts replaces (evaluation.counts_apply; a retired requirement's counts replace
every organisation's). Another process sees a change within a second (sharedcache.Generation).
"""

from __future__ import annotations

from collections.abc import Iterable

from bluelamp.core.sharedcache import Generation

_everyone = Generation("compliance-counts")
_organisations: dict[int, Generation] = {}
# Part of every version: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0


def _of(organisation_id: int) -> Generation:
    generation = _organisations.get(organisation_id)
    if generation is None:
        generation = _organisations.setdefault(
            organisation_id, Generation(f"compliance-counts-{organisation_id}")
        )
    return generation


def counts_version(organisation_id: int) -> str:
    """Changes whenever the organisation's kept counts do."""
    return f"{_generation}.{_everyone.current()}.{_of(organisation_id).current()}"


def forget_counts(organisation_ids: Iterable[int] | None = None) -> None:
    """The organisations' counts changed (None: any organisation's); now and on commit."""
    if organisation_ids is None:
        _everyone.bump()
        return
    for organisation_id in set(organisation_ids):
        _of(organisation_id).bump()


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1
    _everyone.forget_local()
    for generation in _organisations.values():
        generation.forget_local()
