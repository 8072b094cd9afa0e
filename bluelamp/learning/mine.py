"""My learning's pages from the shared cache.

A learner's enrolments change when they enrol, progress, complete or withdraw; in between they
open My learning again and again (it is the home of their learning). Each page of it (the
counts of each group and one page of rows with progress and where to resume) is kept in the
shared cache for MY_LEARNING_CACHE_SECONDS (60; 0 turns it off, as the test suite does but for
this module's own tests) under a version per person, which any write to one of their enrolments
or to its progress replaces: `save()` and delete through the receivers below, at once and again
on commit; writes that bypass them call `forget_my_learning()`. Course titles, codes and versions'
activities come from the catalogue, so the catalogue's generation is part of the key too.

Only data is cached, never HTML: "Overdue" is worked out from the due date when the page is drawn.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bluelamp.core.sharedcache import LocalCopies, now_and_on_commit, read_through
from bluelamp.learning import catalogue, selectors
from bluelamp.learning.models import ActivityProgress, Enrolment
from bluelamp.people.api import Person

_VERSION = "learning:mine-version:v1:{generation}:{person}"
_PAGE = "learning:mine:v1:{generation}:{person}:{version}:{show}:{page}"
_VERSION_SECONDS = 24 * 3600  # a version that expires is replaced: the person's pages are read again
# Part of every key: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0


@dataclass(frozen=True)
class MyLearningPage:
    counts: dict[str, int]  # live enrolments by group (selectors.LEARNING_GROUPS)
    show: str  # the group shown
    page: Page  # one page of it: selectors.LearningRow


def my_learning_page(person, *, show: str, page, per_page: int) -> MyLearningPage:
    """The group `show` (if it is one; else the person's default group) of the person's live
    enrolments, page `page` (any value a query string gives; as Paginator.get_page reads it)."""
    raw_page = str(page or "")[:12]

    def read() -> tuple[dict[str, int], str, int, list]:
        learning = selectors.my_learning(person)
        shown = show if show in selectors.LEARNING_GROUPS else learning.default_group
        # A LearningGroup pages like a sequence (len, slices) though it is typed as none.
        found: Page = Paginator(learning.group(shown), per_page).get_page(raw_page)  # type: ignore[arg-type]
        return learning.counts, shown, found.number, list(found.object_list)

    counts, shown, number, rows = read_through(
        settings.MY_LEARNING_CACHE_SECONDS,
        lambda: _PAGE.format(
            generation=_generation,
            person=person.pk,
            version=version(person.pk),
            show=show if show in selectors.LEARNING_GROUPS else "",
            page=f"{per_page}:{raw_page}",
        ),
        read,
    )
    paginator = Paginator(range(counts[shown]), per_page)  # its count; the rows are `rows`
    return MyLearningPage(counts=counts, show=shown, page=Page(rows, number, paginator))


def version(person_pk: int) -> str:
    """Changes whenever anything the person's My learning shows may have: their enrolments or
    progress, or a course (the catalogue's generation). Part of the key of anything drawn from it."""
    return f"{catalogue.generation()}.{_version(person_pk)}"


def enrolled_course_ids(person) -> frozenset[int]:
    """The courses the person has a live (not withdrawn) enrolment on (the catalogue's "Enrolled"
    marks), kept under their version."""

    def read() -> frozenset[int]:
        return frozenset(
            Enrolment.objects.filter(person=person)
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .values_list("course_id", flat=True)
        )

    return _kept(person, "enrolled", read)


def has_reports(person) -> bool:
    """selectors.has_reports (whether "Your team's learning" is linked), kept under the person's
    version, which a report's save replaces; a report moved to another manager is seen by the
    previous one within MY_LEARNING_CACHE_SECONDS."""
    return _kept(person, "has-reports", lambda: selectors.has_reports(person))


def _kept(person, name: str, read):
    """`read()` (a value no caller changes: a frozenset, a bool) under the person's version."""
    return read_through(
        settings.MY_LEARNING_CACHE_SECONDS,
        lambda: f"learning:mine-{name}:v1:{_generation}:{person.pk}:{version(person.pk)}",
        read,
        local=_local,
    )


_local = LocalCopies(1024)


def _version_key(person_pk: int) -> str:
    return _VERSION.format(generation=_generation, person=person_pk)


def _version(person_pk: int) -> str:
    key = _version_key(person_pk)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex[:12], _VERSION_SECONDS)
        version = cache.get(key) or "new"
    return version


def forget_my_learning(person_pk: int) -> None:
    """The person's My learning is read afresh (now and when the transaction commits)."""
    now_and_on_commit(lambda: cache.set(_version_key(person_pk), uuid.uuid4().hex[:12], _VERSION_SECONDS))


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1


@receiver([post_save, post_delete], sender=Enrolment, dispatch_uid="learning-mine-enrolment")
def _enrolment_changed(sender, instance: Enrolment, **kwargs) -> None:
    forget_my_learning(instance.person_id)


@receiver([post_save, post_delete], sender=Person, dispatch_uid="learning-mine-report")
def _report_changed(sender, instance: Person, **kwargs) -> None:
    if instance.line_manager_id is not None:
        forget_my_learning(instance.line_manager_id)  # whether they manage anyone


@receiver([post_save, post_delete], sender=ActivityProgress, dispatch_uid="learning-mine-progress")
def _progress_changed(sender, instance: ActivityProgress, **kwargs) -> None:
    person_id: int | None
    if ActivityProgress.enrolment.is_cached(instance):
        person_id = instance.enrolment.person_id
    else:
        person_id = (
            Enrolment.objects.filter(pk=instance.enrolment_id).values_list("person_id", flat=True).first()
        )
    if person_id is not None:
        forget_my_learning(person_id)
