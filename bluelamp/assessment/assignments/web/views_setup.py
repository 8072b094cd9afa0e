"""Setting assignments up, for a course's managers: the list, a new assignment added to the
course's draft, its settings, and its criteria (add, edit, reorder, remove, import). Anyone else
is told "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from bluelamp.assessment.assignments import selectors, services
from bluelamp.assessment.assignments.models import Assignment, Criterion
from bluelamp.assessment.assignments.web.forms import (
    SETTINGS_FIELDS,
    CriteriaImportForm,
    CriterionForm,
    SettingsForm,
)
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.core.forms import add_service_errors
from bluelamp.learning.api import draft_version

PAGE_SIZE = 50


def _service_errors(form, error: ValidationError, renames: dict[str, str] | None = None) -> None:
    if hasattr(error, "error_dict") and renames:
        error = ValidationError(
            {renames.get(name, name): messages_ for name, messages_ in error.message_dict.items()}
        )
    add_service_errors(form, error)


def crumbs(assignment: Assignment | None = None, course=None) -> list[dict]:
    course = course or (assignment.course if assignment else None)
    trail = [{"text": "Assignments", "href": reverse("assessment:assignment_list")}]
    if course is not None:
        trail.append({"text": course.code, "href": reverse("learning:manage_course", args=[course.uuid])})
    if assignment is not None:
        trail.append(
            {
                "text": assignment.title,
                "href": reverse("assessment:assignment_settings", args=[assignment.uuid]),
            }
        )
    return trail


def _marking_href(assignment: Assignment) -> str:
    """The marking side's page of the assignment, once it is there."""
    try:
        return reverse("assessment:assignment_marking", args=[assignment.uuid])
    except NoReverseMatch:
        return ""


@login_required
def assignment_list(request):
    rows = selectors.assignments_visible(request.user).select_related("course", "course__owner")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {"assignment": a, "set_up": may_set_up(request.user, a.course), "marking_href": _marking_href(a)}
        for a in page.object_list
    ]
    return render(
        request,
        "assessment/assignments/list.html",
        {"title": "Assignments", "page": page, "items": items, "breadcrumbs": []},
    )


def _settings_page(request, form, *, title: str, course, assignment: Assignment | None, draft=None):
    return render(
        request,
        "assessment/assignments/settings.html",
        {
            "title": title,
            "form": form if form.errors else None,
            "settings_form": form,
            "course": course,
            "assignment": assignment,
            "draft": draft,
            "breadcrumbs": crumbs(assignment, course),
        },
        status=400 if form.errors else 200,
    )


@login_required
def assignment_new(request, course_uuid):
    course = selectors.access_course_setup(request.user, course_uuid)
    draft = draft_version(course)
    form = SettingsForm(request.POST or None)
    if draft is None:
        return render(
            request,
            "assessment/assignments/no_draft.html",
            {"title": "Add an assignment", "course": course, "breadcrumbs": crumbs(course=course)},
        )
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(
                actor=request.user, course=course, version=draft, data=form.to_input()
            )
        except PermissionDenied:
            raise Http404("No such course") from None
        except ValidationError as error:
            _service_errors(form, error, SETTINGS_FIELDS)
        else:
            messages.success(
                request,
                f"“{assignment.title}” is added to version {draft.number} of {course.code}. "
                + (
                    "Now add its assessment criteria."
                    if assignment.grading in (Assignment.Grading.CRITERIA, Assignment.Grading.RUBRIC)
                    else "Publish the version when it is ready."
                ),
            )
            if assignment.grading in (Assignment.Grading.CRITERIA, Assignment.Grading.RUBRIC):
                return redirect("assessment:assignment_criteria", assignment.uuid)
            return redirect(reverse("learning:manage_course", args=[course.uuid]) + "#draft")
    return _settings_page(
        request, form, title="Add an assignment", course=course, assignment=None, draft=draft
    )


@login_required
def assignment_settings(request, assignment_uuid):
    assignment = selectors.access_assignment_setup(request.user, assignment_uuid)
    form = SettingsForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_update(
                actor=request.user, assignment=assignment, data=form.to_input()
            )
        except PermissionDenied:
            raise Http404("No such assignment") from None
        except ValidationError as error:
            _service_errors(form, error, SETTINGS_FIELDS)
        else:
            messages.success(request, f"The settings of “{assignment.title}” are saved.")
            return redirect("assessment:assignment_settings", assignment.uuid)
    return _settings_page(
        request, form, title=f"Settings: {assignment.title}", course=assignment.course, assignment=assignment
    )


# --- criteria ------------------------------------------------------------------------------------


def _levels_text(criterion: Criterion) -> str:
    return "\n".join(
        f"{level.label} | {level.points.normalize():f}"
        + (f" | {level.description}" if level.description else "")
        for level in criterion.levels.all()
    )


def _criteria_page(request, assignment: Assignment, form, status=200):
    criteria = list(assignment.criteria.prefetch_related("levels").order_by("order", "pk"))
    top, pass_grade = assignment.grade_range()
    return render(
        request,
        "assessment/assignments/criteria.html",
        {
            "title": f"Criteria: {assignment.title}",
            "assignment": assignment,
            "criteria": criteria,
            "rubric": assignment.grading == Assignment.Grading.RUBRIC,
            "top": top,
            "pass_grade": pass_grade,
            "form": form if form.errors else None,
            "criterion_form": form,
            "breadcrumbs": crumbs(assignment),
        },
        status=status,
    )


@login_required
def assignment_criteria(request, assignment_uuid):
    assignment = selectors.access_assignment_setup(request.user, assignment_uuid)
    rubric = assignment.grading == Assignment.Grading.RUBRIC
    form = CriterionForm(request.POST or None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            criterion = services.criterion_add(
                actor=request.user,
                assignment=assignment,
                code=data.get("code", ""),
                learning_outcome=data.get("learning_outcome", ""),
                text=data["text"],
                levels_text=data.get("levels", ""),
            )
        except PermissionDenied:
            raise Http404("No such assignment") from None
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"Criterion {criterion.code or criterion.order} added.")
            return redirect(reverse("assessment:assignment_criteria", args=[assignment.uuid]) + "#add")
    return _criteria_page(request, assignment, form, status=400 if form.errors else 200)


def _criterion(request, assignment_uuid, criterion_id) -> tuple[Assignment, Criterion]:
    assignment = selectors.access_assignment_setup(request.user, assignment_uuid)
    criterion = assignment.criteria.filter(pk=criterion_id).first()
    if criterion is None:
        raise Http404("No such criterion")
    return assignment, criterion


@login_required
def assignment_criterion(request, assignment_uuid, criterion_id):
    assignment, criterion = _criterion(request, assignment_uuid, criterion_id)
    rubric = assignment.grading == Assignment.Grading.RUBRIC
    form = CriterionForm(
        request.POST or None,
        rubric=rubric,
        initial={
            "code": criterion.code,
            "learning_outcome": criterion.learning_outcome,
            "text": criterion.text,
            "levels": _levels_text(criterion),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.criterion_update(
                actor=request.user,
                criterion=criterion,
                code=data.get("code", ""),
                learning_outcome=data.get("learning_outcome", ""),
                text=data["text"],
                levels_text=data.get("levels") if rubric else None,
            )
        except PermissionDenied:
            raise Http404("No such criterion") from None
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Criterion saved.")
            return redirect("assessment:assignment_criteria", assignment.uuid)
    return render(
        request,
        "assessment/assignments/criterion.html",
        {
            "title": f"Edit criterion {criterion.code or criterion.order}",
            "assignment": assignment,
            "criterion": criterion,
            "form": form if form.errors else None,
            "criterion_form": form,
            "breadcrumbs": crumbs(assignment)
            + [
                {
                    "text": "Criteria",
                    "href": reverse("assessment:assignment_criteria", args=[assignment.uuid]),
                }
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def assignment_criterion_move(request, assignment_uuid, criterion_id):
    assignment, criterion = _criterion(request, assignment_uuid, criterion_id)
    direction = request.POST.get("direction", "")
    try:
        services.criterion_move(actor=request.user, criterion=criterion, direction=direction)
    except PermissionDenied:
        raise Http404("No such criterion") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(
        reverse("assessment:assignment_criteria", args=[assignment.uuid]) + f"#criterion-{criterion.pk}"
    )


@login_required
def assignment_criterion_remove(request, assignment_uuid, criterion_id):
    assignment, criterion = _criterion(request, assignment_uuid, criterion_id)
    problem = ""
    if request.method == "POST":
        try:
            services.criterion_remove(actor=request.user, criterion=criterion)
        except PermissionDenied:
            raise Http404("No such criterion") from None
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"Criterion {criterion.code or ''} removed.".replace("  ", " "))
            return redirect("assessment:assignment_criteria", assignment.uuid)
    return render(
        request,
        "assessment/assignments/criterion_remove.html",
        {
            "title": "Remove a criterion",
            "assignment": assignment,
            "criterion": criterion,
            "problem": problem,
            "breadcrumbs": crumbs(assignment)
            + [
                {
                    "text": "Criteria",
                    "href": reverse("assessment:assignment_criteria", args=[assignment.uuid]),
                }
            ],
        },
        status=400 if problem else 200,
    )


@login_required
def assignment_criteria_import(request, assignment_uuid):
    assignment = selectors.access_assignment_setup(request.user, assignment_uuid)
    form = CriteriaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        data: bytes | str = upload.read() if upload else form.cleaned_data["pasted"]
        try:
            made = services.criteria_import(actor=request.user, assignment=assignment, data=data)
        except PermissionDenied:
            raise Http404("No such assignment") from None
        except ValidationError as error:
            problems = (
                error.message_dict.get("file", error.messages)
                if hasattr(error, "error_dict")
                else error.messages
            )
            target = "file" if upload else "pasted"
            for problem in problems:
                form.add_error(target, problem)
        else:
            messages.success(request, f"{len(made)} criteri{'a' if len(made) != 1 else 'on'} imported.")
            return redirect("assessment:assignment_criteria", assignment.uuid)
    return render(
        request,
        "assessment/assignments/criteria_import.html",
        {
            "title": f"Import criteria: {assignment.title}",
            "assignment": assignment,
            "rubric": assignment.grading == Assignment.Grading.RUBRIC,
            "form": form if form.errors else None,
            "import_form": form,
            "breadcrumbs": crumbs(assignment)
            + [
                {
                    "text": "Criteria",
                    "href": reverse("assessment:assignment_criteria", args=[assignment.uuid]),
                }
            ],
        },
        status=400 if form.errors else 200,
    )
