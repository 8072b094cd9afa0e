"""The gradebook for those who mark: the courses whose gradebooks the reader may see, a course's
grader report (learners × items, category and course totals) and its CSV/XLSX export, a
learner's row with every item, feedback and history, and one grade with its override.

Only learners the reader may mark appear; a course, learner or item outside that is "not found".
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bluelamp.assessment.gradebook import selectors, services
from bluelamp.assessment.gradebook.models import GradeItem
from bluelamp.assessment.gradebook.web.common import crumbs, next_url, plain
from bluelamp.assessment.gradebook.web.common import page as _page
from bluelamp.assessment.gradebook.web.forms import (
    ClearOverrideForm,
    CourseSearchForm,
    FilterForm,
    GradeEntryForm,
    OverrideForm,
)
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.core.exports import dataset, dataset_download
from bluelamp.core.forms import add_service_errors
from bluelamp.organisations.api import Perm, access_for

PAGE_SIZE = 50
COURSES_PAGE_SIZE = 50
FORMATS = ("csv", "xlsx")


def _may_see_any(user) -> bool:
    return any(access_for(user, perm).anything for perm in (Perm.LEARNING_TUTOR, Perm.LEARNING_MANAGE))


# --- the list of gradebooks --------------------------------------------------------------------


@login_required
@require_GET
def gradebooks(request):
    if not _may_see_any(request.user):
        raise Http404("No such page")
    form = CourseSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    courses = selectors.courses_with_gradebooks(request.user, query=query)
    page = Paginator(courses, COURSES_PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        "assessment/gradebook/list.html",
        {
            "title": "Gradebooks",
            "page": page,
            "search_form": form,
            "query": query,
            "breadcrumbs": crumbs()[:-1],
        },
    )


# --- the grader report -------------------------------------------------------------------------


def _filtered(request, course):
    """The learners the filters choose (all the reader may mark, unfiltered), the filter form, and
    the units it offers."""
    actor = request.user
    units = selectors.units_of(selectors.learners_of(actor, course))
    form = FilterForm(request.GET or None, units=units)
    chosen = form.cleaned_data if form.is_valid() else {}
    learners = selectors.learners_of(
        actor,
        course,
        unit=chosen.get("unit"),
        query=chosen.get("q", ""),
        include_unenrolled=chosen.get("everyone", False),
    )
    return learners, form, units


def _grade_links(course, here: str):
    """A function (learner uuid, item uuid) → the grade's page, coming back to `here`: the report
    draws hundreds of links, so the URL is reversed once and filled in, not reversed per cell."""
    person, item = uuid.UUID(int=1), uuid.UUID(int=2)
    pattern = reverse("assessment:gradebook_grade", args=[course.uuid, person, item]) + "?next=" + quote(here)
    return lambda person_uuid, item_uuid: pattern.replace(str(person), str(person_uuid)).replace(
        str(item), str(item_uuid)
    )


def _columns(structure) -> list[dict]:
    """The report's columns after the learner's name: each group's items, then its category's
    total (the items in no category have none)."""
    columns = []
    for group in structure.groups:
        for item in group.items:
            columns.append({"kind": "item", "item": item, "category": group.category})
        if group.category is not None:
            columns.append({"kind": "category", "category": group.category})
    return columns


@login_required
@require_GET
def gradebook(request, course_uuid):
    course = selectors.access_gradebook(request.user, course_uuid)
    structure = selectors.structure_of(course)
    learners, form, units = _filtered(request, course)
    page = Paginator(learners.values(*selectors.PERSON_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    people = list(page.object_list)
    rows = selectors.rows_of(structure, people, selectors.grades_of(course, [p["pk"] for p in people]))
    return _page(
        request,
        "assessment/gradebook/report.html",
        {
            "title": f"Gradebook: {course.code} {course.title}",
            "course": course,
            "structure": structure,
            "columns": _columns(structure),
            "page": page,
            "rows": rows,
            "filter_form": form,
            "form": form if form.errors else None,
            "units": units,
            "filtered": bool(request.GET.get("q") or request.GET.get("unit") or request.GET.get("everyone")),
            "sets_up": may_set_up(request.user, course),
            "grade_href": _grade_links(course, request.get_full_path()),
            "query_string": request.GET.urlencode(),
            "breadcrumbs": crumbs(),
        },
        status=400 if form.errors else 200,
    )


def _header(structure) -> list[str]:
    header = ["Surname", "First name", "E-mail address", "Staff number", "Organisation", "Unit"]
    for column in _columns(structure):
        if column["kind"] == "item":
            item = column["item"]
            hidden = " [hidden from learners]" if item.hidden else ""
            header.append(f"{item.title} (out of {plain(item.max_grade)}){hidden}")
        else:
            header.append(f"{column['category'].name} total (%)")
    return header + ["Course total (%)", "Items graded", "Items counted", "Result", "Overridden"]


def _result_words(row) -> str:
    if row.result.percent is None:
        return "No grades yet"
    if not row.result.complete:
        return "Incomplete"
    if row.passed is None:
        return ""
    return "Passed" if row.passed else "Below the pass grade"


@login_required
@require_GET
def gradebook_export(request, course_uuid, fmt) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such format")
    course = selectors.access_gradebook(request.user, course_uuid)
    structure = selectors.structure_of(course)
    learners, form, _units = _filtered(request, course)
    people = list(learners.values(*selectors.PERSON_FIELDS))
    rows = selectors.rows_of(structure, people, selectors.grades_of(course, learners, detail=False))
    columns = _columns(structure)
    titles = {item.pk: item.title for item in structure.items}
    data = dataset(headers=_header(structure), title=course.code[:31])
    for row in rows:
        person = row.person
        values: list = [
            person["last_name"],
            person["first_name"],
            person["email"],
            person["staff_number"],
            person["organisation__name"],
            person["unit__full_path"] or "",
        ]
        for column in columns:
            if column["kind"] == "item":
                cell = row.cells.get(column["item"].pk)
                values.append(cell.final if cell is not None else None)
            else:
                values.append(row.result.categories.get(column["category"].pk))
        overridden = [titles[item_id] for item_id, cell in row.cells.items() if cell.overridden]
        values += [
            row.result.percent,
            row.result.graded,
            row.result.expected,
            _result_words(row),
            "; ".join(overridden),
        ]
        data.append(values)
    services.export_record(actor=request.user, course=course, fmt=fmt, rows=len(rows))
    day = timezone.localdate()
    return dataset_download(data, fmt=fmt, filename=f"gradebook-{course.code}-{day.isoformat()}.{fmt}")


# --- a learner's row ---------------------------------------------------------------------------


@login_required
@require_GET
def gradebook_learner(request, course_uuid, person_uuid) -> HttpResponse:
    course = selectors.access_gradebook(request.user, course_uuid)
    person = selectors.access_learner(request.user, course, person_uuid)
    structure = selectors.structure_of(course)
    grades = selectors.learner_grades(course, person)
    result = structure.result({item_id: grade.final for item_id, grade in grades.items()})
    changes: dict[int, list] = {}
    for change in selectors.changes_of(grades.values()):
        changes.setdefault(change.grade.item_id, []).append(change)
    return _page(
        request,
        "assessment/gradebook/learner.html",
        {
            "title": f"{person.get_full_name()}: grades in {course.code}",
            "course": course,
            "person": person,
            "structure": structure,
            "grades": grades,
            "result": result,
            "passed": result.passed(structure.settings.pass_percent),
            "changes": changes,
            "here": request.get_full_path(),
            "breadcrumbs": crumbs(course, (person.get_full_name(), request.path)),
        },
    )


# --- one grade ---------------------------------------------------------------------------------


def _grade_context(request, course_uuid, person_uuid, item_uuid):
    course = selectors.access_gradebook(request.user, course_uuid)
    person = selectors.access_learner(request.user, course, person_uuid)
    item = selectors.access_item(course, item_uuid)
    return course, person, item, selectors.grade_of(item, person)


def _grade_url(course, person, item) -> str:
    return reverse("assessment:gradebook_grade", args=[course.uuid, person.uuid, item.uuid])


def _grade_crumbs(course, person, item, current: str | None = None) -> list[dict]:
    learner = reverse("assessment:gradebook_learner", args=[course.uuid, person.uuid])
    trail = [(person.get_full_name(), learner)]
    if current:
        trail.append((item.title, _grade_url(course, person, item)))
    return crumbs(course, *trail)


@login_required
@require_GET
def gradebook_grade(request, course_uuid, person_uuid, item_uuid):
    course, person, item, grade = _grade_context(request, course_uuid, person_uuid, item_uuid)
    return _page(
        request,
        "assessment/gradebook/grade.html",
        {
            "title": f"{item.title}: {person.get_full_name()}",
            "course": course,
            "person": person,
            "item": item,
            "grade": grade,
            "manual": item.source == GradeItem.Source.MANUAL,
            "changes": list(selectors.changes_of([grade])) if grade else [],
            "next": next_url(request, ""),
            "breadcrumbs": _grade_crumbs(course, person, item),
        },
    )


def _grade_form_page(request, *, course, person, item, grade, form, title, intro, button, template_form):
    return _page(
        request,
        "assessment/gradebook/grade_form.html",
        {
            "title": title,
            "intro": intro,
            "button": button,
            "course": course,
            "person": person,
            "item": item,
            "grade": grade,
            "grade_form": template_form,
            "form": form if form.errors else None,
            "next": next_url(request, ""),
            "cancel": next_url(request, _grade_url(course, person, item)),
            "breadcrumbs": _grade_crumbs(course, person, item, current=title),
        },
        status=400 if form.errors else 200,
    )


@login_required
def gradebook_grade_enter(request, course_uuid, person_uuid, item_uuid):
    course, person, item, grade = _grade_context(request, course_uuid, person_uuid, item_uuid)
    if item.source != GradeItem.Source.MANUAL:
        raise Http404("Only items added by hand are graded here")
    initial = {"grade": plain(grade.raw), "feedback": grade.feedback} if grade else {}
    form = GradeEntryForm(request.POST or None, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.manual_grade_enter(
                actor=request.user,
                item=item,
                person=person,
                grade=form.cleaned_data["grade"],
                feedback=form.cleaned_data["feedback"],
            )
        except PermissionDenied:
            raise Http404("No such learner") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {person.get_full_name()}'s grade in {item.title}.")
            return redirect(next_url(request, _grade_url(course, person, item)))
    return _grade_form_page(
        request,
        course=course,
        person=person,
        item=item,
        grade=grade,
        form=form,
        template_form=form,
        title=f"Grade {person.get_full_name()} in {item.title}",
        intro="",
        button="Save the grade",
    )


@login_required
def gradebook_grade_override(request, course_uuid, person_uuid, item_uuid):
    course, person, item, grade = _grade_context(request, course_uuid, person_uuid, item_uuid)
    initial = {"grade": plain(grade.override), "reason": grade.override_reason} if grade else {}
    form = OverrideForm(request.POST or None, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_override(
                actor=request.user,
                item=item,
                person=person,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404("No such learner") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Overridden: {person.get_full_name()}'s grade in {item.title}.")
            return redirect(next_url(request, _grade_url(course, person, item)))
    source = item.get_source_display().lower()
    return _grade_form_page(
        request,
        course=course,
        person=person,
        item=item,
        grade=grade,
        form=form,
        template_form=form,
        title=f"Override {person.get_full_name()}'s grade in {item.title}",
        intro=f"The override counts instead of the grade from the {source}, which is kept and counts again "
        "if the override is removed.",
        button="Override the grade",
    )


@login_required
def gradebook_grade_clear(request, course_uuid, person_uuid, item_uuid):
    course, person, item, grade = _grade_context(request, course_uuid, person_uuid, item_uuid)
    if grade is None or grade.override is None:
        messages.info(request, f"{person.get_full_name()}'s grade in {item.title} is not overridden.")
        return redirect(_grade_url(course, person, item))
    form = ClearOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_override_clear(actor=request.user, grade=grade, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404("No such learner") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Override removed: {person.get_full_name()}'s grade in {item.title}.")
            return redirect(next_url(request, _grade_url(course, person, item)))
    source = "grade from the " + item.get_source_display().lower()
    kept = f"{source} ({plain(grade.raw)})" if grade.raw is not None else f"{source} (none yet)"
    return _grade_form_page(
        request,
        course=course,
        person=person,
        item=item,
        grade=grade,
        form=form,
        template_form=form,
        title=f"Remove the override of {person.get_full_name()}'s grade in {item.title}",
        intro=f"The override ({plain(grade.override)}) goes, and the {kept} counts again.",
        button="Remove the override",
    )
