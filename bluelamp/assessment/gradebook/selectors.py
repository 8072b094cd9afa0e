"""Reading the gradebook, and who may see what of it.

- A course's gradebook (the grader report, a learner's row, a grade, the exports, the API): the
  course's managers, for everyone on it, and those who may mark some of its learners (tutors and
  learning managers over the learner: shared/access.py), for those learners only. Anyone else is
  told "not found", as for a course that does not exist.
- Its set-up (settings, categories, items): the course's managers only (`may_set_up`).
- A learner's own grades: their own, in items not hidden, with the course total when the course
  shows it (and no hidden item of theirs is graded: a total would give the hidden grade away).

Pages read plain values (`.values()`), not model instances, where a course may have thousands of
learners; each table is one query, however many rows it shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from bluelamp.assessment.gradebook import calculation
from bluelamp.assessment.gradebook.models import (
    Grade,
    GradebookSettings,
    GradeCategory,
    GradeChange,
    GradeItem,
)
from bluelamp.assessment.shared.access import learners_q, markable_q, may_mark_anyone, may_set_up
from bluelamp.learning.api import Course, Enrolment, courses_managed
from bluelamp.organisations.api import Unit
from bluelamp.people.api import Person

LIVE = ~Q(status=Enrolment.Status.WITHDRAWN)


def _uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


# --- which courses ---------------------------------------------------------------------------


def courses_with_gradebooks(actor, *, query: str = "") -> QuerySet[Course]:
    """Courses whose gradebook the actor may see: those they manage, and those with a learner
    (enrolled, not withdrawn) they may mark. Each with `items` (how many graded items it has)."""
    courses = Q(pk__in=courses_managed(actor).values("pk"))
    markable = markable_q(actor)
    if markable is not None:
        courses |= Q(pk__in=Enrolment.objects.filter(LIVE, markable).values("course_id"))
    rows = Course.objects.filter(courses).select_related("owner")
    for word in query.split():
        rows = rows.filter(Q(title__icontains=word) | Q(code__icontains=word))
    counted = (
        GradeItem.objects.filter(course_id=OuterRef("pk"))
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
    )
    return rows.annotate(items=Coalesce(Subquery(counted.values("n")[:1]), 0)).order_by("title", "code", "pk")


def access_gradebook(actor, course_uuid) -> Course:
    """The course, if the actor may see its gradebook (its managers; those who may mark one of its
    learners); 404 otherwise."""
    wanted = _uuid(course_uuid)
    course = Course.objects.select_related("owner").filter(uuid=wanted).first() if wanted else None
    if course is None:
        raise Http404("No such gradebook")
    if may_set_up(actor, course):
        return course
    if may_mark_anyone(actor, course) and (
        Enrolment.objects.filter(LIVE, learners_q(actor, course), course=course).exists()
    ):
        return course
    raise Http404("No such gradebook")


def access_setup(actor, course_uuid) -> Course:
    """The course, if the actor may set up its gradebook; 404 otherwise (a tutor who may see the
    gradebook gets 404 too: there is nothing for them here)."""
    wanted = _uuid(course_uuid)
    course = Course.objects.select_related("owner").filter(uuid=wanted).first() if wanted else None
    if course is None or not may_set_up(actor, course):
        raise Http404("No such gradebook")
    return course


# --- a course's structure ----------------------------------------------------------------------


def settings_of(course) -> GradebookSettings:
    """The course's settings, or the defaults (unsaved) when it has none."""
    return GradebookSettings.objects.filter(course=course).first() or GradebookSettings(course=course)


def rules_of(settings: GradebookSettings) -> calculation.Rules:
    return calculation.Rules(aggregation=settings.aggregation, missing=settings.missing)


@dataclass(frozen=True)
class Group:
    """A category (None: the items in no category) and its items, in order."""

    category: GradeCategory | None
    items: list[GradeItem]


@dataclass
class Structure:
    course: Any
    settings: GradebookSettings
    categories: list[GradeCategory]
    items: list[GradeItem]
    groups: list[Group] = field(default_factory=list)

    # Worked out once per page, not once per learner.
    @cached_property
    def rules(self) -> calculation.Rules:
        return rules_of(self.settings)

    @cached_property
    def calc_items(self) -> list[calculation.Item]:
        return [
            calculation.Item(key=i.pk, max_grade=i.max_grade, weight=i.weight, category=i.category_id)
            for i in self.items
        ]

    @cached_property
    def calc_categories(self) -> list[calculation.Category]:
        return [calculation.Category(key=c.pk, weight=c.weight) for c in self.categories]

    def result(self, finals: dict[int, Decimal | None]) -> calculation.Result:
        return calculation.course_grade(self.calc_items, self.calc_categories, finals, self.rules)


def _groups(categories: list[GradeCategory], items: list[GradeItem]) -> list[Group]:
    by_category: dict[int | None, list[GradeItem]] = defaultdict(list)
    for item in items:
        by_category[item.category_id].append(item)
    groups = [Group(None, by_category[None])] if by_category[None] else []
    return groups + [Group(category, by_category[category.pk]) for category in categories]


def structure_of(course, *, visible_only: bool = False) -> Structure:
    """The course's settings, categories and items (items in each category's order; with
    `visible_only`, not hidden). Three queries."""
    settings = settings_of(course)
    categories = list(GradeCategory.objects.filter(course=course).order_by("order", "name"))
    items = GradeItem.objects.filter(course=course).order_by("order", "pk")
    if visible_only:
        items = items.filter(hidden=False)
    item_list = list(items)
    known = {c.pk: c for c in categories}
    for item in item_list:  # the category from the list, not a query per item
        if item.category_id is not None:
            item.category = known[item.category_id]
    return Structure(course, settings, categories, item_list, _groups(categories, item_list))


def access_item(course, item_uuid) -> GradeItem:
    wanted = _uuid(item_uuid)
    item = (
        GradeItem.objects.filter(course=course, uuid=wanted).select_related("category").first()
        if wanted
        else None
    )
    if item is None:
        raise Http404("No such item")
    return item


def access_category(course, category_uuid) -> GradeCategory:
    wanted = _uuid(category_uuid)
    category = GradeCategory.objects.filter(course=course, uuid=wanted).first() if wanted else None
    if category is None:
        raise Http404("No such category")
    return category


# --- learners ----------------------------------------------------------------------------------

PERSON_FIELDS = (
    "pk",
    "uuid",
    "first_name",
    "last_name",
    "email",
    "staff_number",
    "organisation__name",
    "unit__full_path",
)


def learners_of(
    actor,
    course,
    *,
    unit: Unit | None = None,
    query: str = "",
    include_unenrolled: bool = False,
) -> QuerySet[Person]:
    """The course's learners the actor may mark: enrolled (not withdrawn) or, with
    `include_unenrolled`, ever enrolled or graded; in `unit` and below it; whose name, e-mail
    address or staff number matches every word of `query`. By surname."""
    enrolments = Enrolment.objects.filter(course=course, person_id=OuterRef("pk"))
    on_course: Q | Exists = Exists(enrolments.filter(LIVE))
    if include_unenrolled:
        on_course = Exists(enrolments) | Exists(
            Grade.objects.filter(item__course=course, person_id=OuterRef("pk"))
        )
    people = Person.objects.filter(on_course).filter(learners_q(actor, course, prefix=""))
    if unit is not None:
        people = people.filter(organisation_id=unit.organisation_id, unit__path__startswith=unit.path)
    for word in query.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(staff_number__iexact=word)
        )
    return people.order_by("last_name", "first_name", "pk")


def units_of(learners: QuerySet[Person]) -> list[Unit]:
    """The units the learners are in, and the units above those: the choices of the unit filter.
    Two queries."""
    paths = set(
        Unit.objects.filter(pk__in=learners.order_by().values("unit_id")).values_list("path", flat=True)
    )
    step = Unit.steplen
    prefixes = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    if not prefixes:
        return []
    return list(
        Unit.objects.filter(path__in=prefixes)
        .select_related("organisation")
        .order_by("organisation__name", "full_path")
    )


def access_learner(actor, course, person_uuid) -> Person:
    """A learner of the course (enrolled now or before, or graded) whom the actor may mark; 404
    otherwise."""
    wanted = _uuid(person_uuid)
    person = (
        learners_of(actor, course, include_unenrolled=True)
        .select_related("organisation", "unit")
        .filter(uuid=wanted)
        .first()
        if wanted
        else None
    )
    if person is None:
        raise Http404("No such learner")
    return person


# --- grades ------------------------------------------------------------------------------------

GRADE_FIELDS = (
    "pk",
    "item_id",
    "person_id",
    "raw",
    "override",
    "override_reason",
    "overridden_at",
    "overridden_by__first_name",
    "overridden_by__last_name",
    "feedback",
    "graded_at",
)


@dataclass(frozen=True)
class Cell:
    """A learner's grade in one item, as the pages and exports show it (without `detail`, only
    the grades: the rest is blank)."""

    item_id: int
    raw: Decimal | None
    override: Decimal | None
    grade_id: int | None = None
    override_reason: str = ""
    overridden_at: Any = None
    overridden_by: str = ""
    feedback: str = ""
    graded_at: Any = None

    @property
    def final(self) -> Decimal | None:
        return self.override if self.override is not None else self.raw

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @classmethod
    def of(cls, row: dict) -> Cell:
        by = f"{row['overridden_by__first_name'] or ''} {row['overridden_by__last_name'] or ''}".strip()
        return cls(
            item_id=row["item_id"],
            raw=row["raw"],
            override=row["override"],
            grade_id=row["pk"],
            override_reason=row["override_reason"],
            overridden_at=row["overridden_at"],
            overridden_by=by,
            feedback=row["feedback"],
            graded_at=row["graded_at"],
        )


def grades_of(course, people, *, detail: bool = True) -> dict[int, dict[int, Cell]]:
    """Grades in the course's items of `people` (ids, or a queryset of people), by person id and
    item id: with `detail`, the override's reason, who and when, feedback and when graded; without,
    the grades only (an export of thousands of learners reads no text or times it does not show).
    One query."""
    if isinstance(people, QuerySet):
        people = people.order_by().values("pk")
    grades = Grade.objects.filter(item__course=course, person_id__in=people)
    cells: dict[int, dict[int, Cell]] = defaultdict(dict)
    if detail:
        for row in grades.values(*GRADE_FIELDS):
            cells[row["person_id"]][row["item_id"]] = Cell.of(row)
    else:
        for person_id, item_id, raw, override in grades.values_list(
            "person_id", "item_id", "raw", "override"
        ):
            cells[person_id][item_id] = Cell(item_id, raw, override)
    return cells


@dataclass(frozen=True)
class Row:
    """One learner's line of the grader report: who, their grades by item id, and their course
    and category grades."""

    person: dict
    cells: dict[int, Cell]
    result: calculation.Result
    passed: bool | None

    @property
    def name(self) -> str:
        return f"{self.person['first_name']} {self.person['last_name']}".strip()


def rows_of(structure: Structure, people: Iterable[dict], cells: dict[int, dict[int, Cell]]) -> list[Row]:
    rows = []
    pass_percent = structure.settings.pass_percent
    for person in people:
        mine = cells.get(person["pk"], {})
        result = structure.result({item_id: cell.final for item_id, cell in mine.items()})
        rows.append(Row(person, mine, result, result.passed(pass_percent)))
    return rows


def grades_in(item: GradeItem) -> int:
    """How many learners have a grade (or an override, or are waiting for one) in the item."""
    return Grade.objects.filter(item=item).count()


def grade_of(item: GradeItem, person) -> Grade | None:
    return Grade.objects.filter(item=item, person=person).select_related("overridden_by").first()


def changes_of(grades: Iterable[Grade]) -> QuerySet[GradeChange]:
    """Changes people made to these grades, newest first, with who made them."""
    return (
        GradeChange.objects.filter(grade__in=list(grades))
        .select_related("by", "grade")
        .order_by("-at", "-pk")
    )


def learner_grades(course, person) -> dict[int, Grade]:
    return {
        grade.item_id: grade
        for grade in Grade.objects.filter(item__course=course, person=person).select_related("overridden_by")
    }


# --- a learner's own grades --------------------------------------------------------------------


@dataclass
class OwnCourse:
    """A course's gradebook as its learner sees it: the items not hidden, their grades by item id,
    and the course total unless it is not shown (`total_note` says why)."""

    course: Any
    structure: Structure
    items: list[GradeItem]
    groups: list[Group]
    grades: dict[int, Grade]
    result: calculation.Result | None
    passed: bool | None
    total_note: str
    category_grades: dict[int, Decimal | None]

    @property
    def graded(self) -> int:
        return sum(1 for item in self.items if self._final(item.pk) is not None)

    def _final(self, item_id: int):
        grade = self.grades.get(item_id)
        return grade.final if grade is not None else None


def _own_course_ids(person) -> QuerySet:
    enrolled = Enrolment.objects.filter(LIVE, person=person).values("course_id")
    graded = Grade.objects.filter(person=person).values("item__course_id")
    return Course.objects.filter(Q(pk__in=enrolled) | Q(pk__in=graded)).values("pk")


def own_gradebooks(person, *, course_uuid=None) -> list[OwnCourse]:
    """The gradebooks of the person's courses (enrolled, or graded) that have items they may see,
    by course title; with `course_uuid`, that course's only. Four queries, however many courses."""
    items = (
        GradeItem.objects.filter(course_id__in=_own_course_ids(person))
        .select_related("course", "category")
        .order_by("course__title", "course_id", "order", "pk")
    )
    if course_uuid is not None:
        items = items.filter(course__uuid=course_uuid)
    by_course: dict[int, list[GradeItem]] = defaultdict(list)
    courses: dict[int, Any] = {}
    for item in items:
        by_course[item.course_id].append(item)
        courses[item.course_id] = item.course
    shown = [pk for pk, course_items in by_course.items() if any(not i.hidden for i in course_items)]
    if not shown:
        return []
    settings = {s.course_id: s for s in GradebookSettings.objects.filter(course_id__in=shown)}
    categories: dict[int, list[GradeCategory]] = defaultdict(list)
    for category in GradeCategory.objects.filter(course_id__in=shown).order_by("order", "name"):
        categories[category.course_id].append(category)
    course_of_item = {item.pk: pk for pk, course_items in by_course.items() for item in course_items}
    grades: dict[int, dict[int, Grade]] = defaultdict(dict)
    for grade in Grade.objects.filter(person=person, item_id__in=list(course_of_item)):
        grades[course_of_item[grade.item_id]][grade.item_id] = grade
    own = []
    for pk in shown:
        course = courses[pk]
        structure = Structure(
            course,
            settings.get(pk) or GradebookSettings(course=course),
            categories[pk],
            by_course[pk],
            _groups(categories[pk], by_course[pk]),
        )
        own.append(_own_course(structure, grades[pk]))
    return own


def _own_course(structure: Structure, grades: dict[int, Grade]) -> OwnCourse:
    visible = [item for item in structure.items if not item.hidden]
    hidden_graded = {
        item.pk
        for item in structure.items
        if item.hidden and item.pk in grades and grades[item.pk].final is not None
    }
    result = structure.result({item_id: grade.final for item_id, grade in grades.items()})
    note = ""
    if not structure.settings.learners_see_total:
        note = "This course does not show learners its total."
    elif hidden_graded:
        note = "The course total will show once all of your grades are released."
    hidden_categories = {item.category_id for item in structure.items if item.pk in hidden_graded}
    category_grades = {
        key: value for key, value in result.categories.items() if key not in hidden_categories and not note
    }
    shown_result = None if note else result
    return OwnCourse(
        course=structure.course,
        structure=structure,
        items=visible,
        groups=[
            Group(group.category, [item for item in group.items if not item.hidden])
            for group in structure.groups
            if any(not item.hidden for item in group.items)
        ],
        grades={item_id: grade for item_id, grade in grades.items() if item_id not in hidden_graded},
        result=shown_result,
        passed=shown_result.passed(structure.settings.pass_percent) if shown_result else None,
        total_note=note,
        category_grades=category_grades,
    )


def access_own_gradebook(person, course_uuid) -> OwnCourse:
    wanted = _uuid(course_uuid)
    found = own_gradebooks(person, course_uuid=wanted) if wanted else []
    if not found:
        raise Http404("No such gradebook")
    return found[0]


def has_own_grades(person) -> int:
    """In how many courses the person has a grade in an item they may see (0: none). One query."""
    counted = (
        Grade.objects.filter(person=person, item__hidden=False)
        .filter(Q(raw__isnull=False) | Q(override__isnull=False))
        .aggregate(courses=Count("item__course_id", distinct=True))
    )
    return counted["courses"] or 0
