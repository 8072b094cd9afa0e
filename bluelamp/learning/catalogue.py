"""The catalogue's pages from the shared cache.

Everyone in an organisation sees the same catalogue: the published courses of the owners their
licences reach (selectors.catalogue). Counting them, reading a page of them with their owners
and tags, and listing every tag for the filter were three of the page's five queries and most of
its time in PostgreSQL (docs/performance.md, "Serving"). So each (owners, filters) gets its count
and tag list, and each page its rows, kept in the shared cache for CATALOGUE_CACHE_SECONDS (60; 0
turns it off, as the test suite does but for this module's own tests).

Any write to a course, a course version or its activities, a tag, a course's tags or an
organisation (an owner's name) drops every cached page at once and again on commit, through one generation. Licences are
part of the key (the owners a person's organisation reaches today), so a licence that starts or
lapses changes which pages are read, not what they hold. Whether the person is enrolled is not
cached: the view reads it for the page's courses.

Course pages read their course (with owner, current version and tags) and a version's activities
from here too, under the same generation; whether the person may see the course is decided on
every request (selectors.access_course), as is their enrolment and progress.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from bluelamp.core.sharedcache import Generation, LocalCopies, read_through
from bluelamp.learning import selectors
from bluelamp.learning.models import Activity, Course, CourseVersion, ScormPackage, Tag
from bluelamp.organisations.api import Organisation

_KEY = "learning:catalogue:v1:{generation}:{shared}:{digest}:{part}"
_everything = Generation("learning-catalogue")
# Part of every key: the test suite moves each test onto new keys (its rollbacks send no signal).
_generation = 0
# Counts and pages' course ids (under keys naming the generation and the whole query).
_local = LocalCopies(512)


class CoursesOfPage(Sequence):
    """A catalogue page's courses: their ids known at once (whether the person is enrolled on
    them, the key of the page's HTML), the courses themselves read only when iterated (a page
    whose HTML is kept never needs them)."""

    def __init__(self, pks: list[int], read: Callable[[], list[Course]]):
        self.pks = pks
        self._read = read
        self._rows: list[Course] | None = None

    def _courses(self) -> list[Course]:
        if self._rows is None:
            self._rows = self._read()
        return self._rows

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, index):  # type: ignore[override]
        return self._courses()[index]

    def __iter__(self) -> Iterator[Course]:
        return iter(self._courses())


def catalogue_page(
    person, *, query: str = "", owner: str = "", tag: str = "", duration: str = "", page, per_page: int
) -> Page:
    """The page `page` (any value a query string gives; as Paginator.get_page reads it) of the
    courses selectors.catalogue finds for the person, each with its owner and tags; its
    object_list is a CoursesOfPage."""

    def courses() -> QuerySet[Course]:
        return selectors.catalogue(person, query=query, owner=owner, tag=tag, duration=duration)

    seconds = settings.CATALOGUE_CACHE_SECONDS
    if not seconds:
        found = Paginator(courses(), per_page).get_page(page)
        rows = list(found.object_list)
        return Page(CoursesOfPage([c.pk for c in rows], lambda: rows), found.number, found.paginator)
    digest = _digest(person, query=query, owner=owner, tag=tag, duration=duration, per_page=per_page)
    count = read_through(seconds, lambda: _key(digest, "count"), lambda: courses().count(), local=_local)
    # Counted already: the queryset is built only if a page's courses must be read.
    paginator = Paginator(range(count), per_page)
    try:
        number = paginator.validate_number(page)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    bottom = (number - 1) * per_page
    rows_key, pks_key = _key(digest, f"page-{number}"), _key(digest, f"ids-{number}")

    def read() -> list[Course]:
        rows = cache.get(rows_key)
        if rows is None:
            rows = list(courses()[bottom : bottom + per_page])
            cache.set_many({rows_key: rows, pks_key: [c.pk for c in rows]}, seconds)
        return rows

    pks = _local.get(pks_key) or cache.get(pks_key)
    if pks is None:
        pks = [c.pk for c in read()]
    pks = tuple(pks)
    _local.put(pks_key, pks)
    return Page(CoursesOfPage(list(pks), read), number, paginator)


def catalogue_tags(person) -> list[str]:
    """Every tag of the courses the person's catalogue holds (the tag filter's choices)."""
    return read_through(
        settings.CATALOGUE_CACHE_SECONDS,
        lambda: _key(_digest(person), "tags"),
        lambda: selectors.catalogue_tags(person),
    )


def access_course(person, course_uuid) -> Course:
    """selectors.access_course, with the course (its owner, current version and tags) from the
    shared cache: every course page reads it, and it is the same for everyone."""
    seconds = settings.CATALOGUE_CACHE_SECONDS
    if not seconds:
        return selectors.access_course(person, course_uuid)

    def read() -> Course:
        course = (
            Course.objects.select_related("owner", "current_version")
            .prefetch_related("tags")
            .filter(uuid=course_uuid)
            .first()
        )
        if course is None:
            raise Http404("No such course")
        return course

    course = read_through(seconds, lambda: _key(str(course_uuid), "course"), read)
    return selectors.access_course(person, course_uuid, course=course)


def activities_of(version: CourseVersion) -> list[Activity]:
    """selectors.activities_of (in order, with their SCORM packages), from the shared cache."""
    return read_through(
        settings.CATALOGUE_CACHE_SECONDS,
        lambda: _key(str(version.pk), "activities"),
        lambda: list(selectors.activities_of(version)),
    )


def visibility(person) -> str:
    """What decides which courses the person's catalogue holds (the owners their organisation
    reaches today, and the organisation): part of the key of anything drawn from it."""
    return _digest(person)


def _digest(person, **filters) -> str:
    """What decides a catalogue page: the owners the person's organisation reaches today (and
    the organisation itself, which the "own" filter names), and the filters."""
    owners = sorted(selectors.owners_available_to(person.organisation_id))
    facts = {"owners": owners, "organisation": person.organisation_id, **filters}
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:32]


def _key(digest: str, part: str) -> str:
    return _KEY.format(generation=_generation, shared=_everything.current(), digest=digest, part=part)


def generation() -> str:
    """Changes whenever any cached catalogue page is dropped: part of other caches' keys that hold
    what courses say (My learning's titles and codes)."""
    return f"{_generation}.{_everything.current()}"


def forget_catalogue() -> None:
    """Drop every cached catalogue page (now and on commit). Bulk writes to courses call it."""
    _everything.bump()


def forget_all() -> None:
    """This process stops reading anything cached so far (the test suite, around every test)."""
    global _generation
    _generation += 1
    _everything.forget_local()


@receiver([post_save, post_delete], sender=Course, dispatch_uid="learning-catalogue-course")
@receiver([post_save, post_delete], sender=CourseVersion, dispatch_uid="learning-catalogue-version")
@receiver([post_save, post_delete], sender=Tag, dispatch_uid="learning-catalogue-tag")
@receiver([post_save, post_delete], sender=Activity, dispatch_uid="learning-catalogue-activity")
@receiver([post_save, post_delete], sender=ScormPackage, dispatch_uid="learning-catalogue-package")
@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="learning-catalogue-owner")
@receiver(m2m_changed, sender=Course.tags.through, dispatch_uid="learning-catalogue-course-tags")
def _changed(sender, **kwargs) -> None:
    forget_catalogue()
