"""Who is enrolled on a course, and enrolling people chosen by name, a unit or a CSV file;
unenrolling one person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.learning import enrolments as enrolment_services
from bluelamp.learning import selectors
from bluelamp.learning.models import Course, Enrolment
from bluelamp.learning.web.forms_manage import EnrolCsvForm, EnrolPeopleForm, EnrolUnitForm, PeopleSearchForm
from bluelamp.learning.web.manage._common import (
    confirm_unenrol,
    courses_visible_q,
    crumbs,
    require_admin,
    with_progress,
)
from bluelamp.organisations.api import Perm, units_in_scope

ENROLMENTS_PAGE_SIZE = 50
SEARCH_LIMIT = 50
ENROLMENT_FILTERS = [
    ("", "Enrolled or completed"),
    (Enrolment.Status.ACTIVE, "Enrolled, not yet completed"),
    (Enrolment.Status.COMPLETED, "Completed"),
    (Enrolment.Status.WITHDRAWN, "Unenrolled"),
]


def _enrolment_course(person, course_uuid):
    access = require_admin(person)
    course = (
        Course.objects.select_related("owner", "current_version")
        .filter(courses_visible_q(access), uuid=course_uuid)
        .first()
    )
    if course is None:
        raise Http404("No such course")
    return access, course


def _search_people(actor, query: str):
    people = selectors.people_enrollable_by(actor).select_related("organisation", "unit")
    for word in query.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(staff_number__iexact=word)
        )
    return list(people.order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT])


def _units_for(actor, course: Course):
    units = units_in_scope(actor, Perm.LEARNING_MANAGE)
    if not course.owner.is_national_body:
        # An organisation's own courses reach its own people only.
        units = units.filter(organisation_id=course.owner_id)
    return list(units)


def _enrolments_page(
    request,
    course: Course,
    *,
    form=None,
    people_form=None,
    unit_form=None,
    csv_form=None,
    csv_problems=None,
    status=200,
):
    actor = request.user
    shown = request.GET.get("status", "")
    shown = shown if shown in dict(ENROLMENT_FILTERS) else ""
    enrolments = selectors.enrolments_of_course(actor, course)
    if shown:
        enrolments = enrolments.filter(status=shown)
    else:
        enrolments = enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
    page = Paginator(with_progress(enrolments), ENROLMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    search_form = PeopleSearchForm(request.GET or None)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    candidates = _search_people(actor, query) if query else []
    enrolled_ids = set(
        Enrolment.objects.filter(course=course, person__in=[p.pk for p in candidates])
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("person_id", flat=True)
    )
    units = _units_for(actor, course)
    return render(
        request,
        "learning/manage/enrolments.html",
        {
            "title": f"Enrolments: {course.code} {course.title}",
            "course": course,
            "manages": selectors.may_manage_course(actor, course),
            "available": course.status == Course.Status.PUBLISHED and course.current_version_id is not None,
            "page": page,
            "shown": shown,
            "filters": ENROLMENT_FILTERS,
            "search_form": search_form,
            "query": query,
            "candidates": candidates,
            "enrolled_ids": enrolled_ids,
            "search_limit": SEARCH_LIMIT,
            "people_form": people_form or EnrolPeopleForm(prefix="people"),
            "unit_form": unit_form or EnrolUnitForm(units=units, prefix="unit"),
            "has_units": bool(units),
            "csv_form": csv_form or EnrolCsvForm(prefix="csv"),
            "csv_problems": csv_problems,
            "form": form,
            "today": timezone.localdate(),
            "breadcrumbs": crumbs(course) if selectors.may_manage_course(actor, course) else crumbs(),
        },
        status=status,
    )


@login_required
def enrolments(request, course_uuid):
    _, course = _enrolment_course(request.user, course_uuid)
    return _enrolments_page(request, course)


def _result_page(request, course: Course, result, *, how: str, unknown: int = 0):
    refused = list(result.refused)
    if unknown:
        refused.append(
            (
                f"{unknown} {'person' if unknown == 1 else 'people'}",
                "not someone you can enrol (or no longer)",
            )
        )
    return render(
        request,
        "learning/manage/enrol_result.html",
        {
            "title": f"Enrolment on {course.code}: results",
            "course": course,
            "result": result,
            "refused": refused,
            "how": how,
            "breadcrumbs": crumbs(course) if selectors.may_manage_course(request.user, course) else crumbs(),
        },
    )


@login_required
@require_POST
def enrol_people(request, course_uuid):
    _, course = _enrolment_course(request.user, course_uuid)
    form = EnrolPeopleForm(request.POST, prefix="people")
    ids = {int(value) for value in request.POST.getlist("person") if value.isdigit()}
    if form.is_valid() and not ids:
        form.add_error(None, "Select at least one person to enrol.")
    if not form.is_valid():
        return _enrolments_page(request, course, form=form, people_form=form, status=400)
    people = list(
        selectors.people_enrollable_by(request.user)
        .filter(pk__in=ids)
        .select_related("organisation", "unit")
        .order_by("last_name", "first_name", "pk")
    )
    try:
        result = enrolment_services.enrol_people(
            actor=request.user, course=course, people=people, due_on=form.cleaned_data["due_on"]
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _enrolments_page(request, course, form=form, people_form=form, status=400)
    return _result_page(request, course, result, how="individuals", unknown=len(ids) - len(people))


@login_required
@require_POST
def enrol_unit(request, course_uuid):
    _, course = _enrolment_course(request.user, course_uuid)
    form = EnrolUnitForm(request.POST, units=_units_for(request.user, course), prefix="unit")
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            result = enrolment_services.enrol_unit(
                actor=request.user,
                course=course,
                unit=unit,
                include_below=form.cleaned_data["include_below"],
                due_on=form.cleaned_data["due_on"],
            )
        except PermissionDenied:
            raise Http404("No such unit") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _result_page(request, course, result, how=f"the unit {unit.full_path}")
    return _enrolments_page(request, course, form=form, unit_form=form, status=400)


@login_required
@require_POST
def enrol_csv(request, course_uuid):
    _, course = _enrolment_course(request.user, course_uuid)
    form = EnrolCsvForm(request.POST, request.FILES, prefix="csv")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result, problems = enrolment_services.enrol_csv(
                actor=request.user, course=course, data=upload.read(), due_on=form.cleaned_data["due_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not problems:
                return _result_page(request, course, result, how=f"the file {upload.name}")
            form.add_error(
                "file",
                f"“{upload.name}” has {len(problems)} {'problem' if len(problems) == 1 else 'problems'}; "
                "no one was enrolled. Correct the file and upload it again.",
            )
            return _enrolments_page(
                request, course, form=form, csv_form=form, csv_problems=problems, status=400
            )
    return _enrolments_page(request, course, form=form, csv_form=form, status=400)


@login_required
def unenrol(request, course_uuid, enrolment_uuid):
    _, course = _enrolment_course(request.user, course_uuid)
    enrolment = (
        selectors.enrolments_of_course(request.user, course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .filter(uuid=enrolment_uuid)
        .select_related("course")
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment")
    back = reverse("learning:manage_enrolments", args=[course.uuid])
    return confirm_unenrol(request, enrolment, back=back, breadcrumbs=crumbs(course))
