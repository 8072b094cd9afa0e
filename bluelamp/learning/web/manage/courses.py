"""Courses and their versions: the list, create, edit, retire or publish again, and a draft's
life from start to publication."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.learning import courses as course_services
from bluelamp.learning import selectors
from bluelamp.learning.kinds import registered_kinds
from bluelamp.learning.models import Activity, Course, Enrolment
from bluelamp.learning.text import render_markdown
from bluelamp.learning.web.forms_manage import CourseCreateForm, CourseFilterForm, CourseForm, VersionForm
from bluelamp.learning.web.manage._common import (
    courses_visible_q,
    crumbs,
    draft_of,
    managed_course,
    require_admin,
)
from bluelamp.organisations.api import LicenceType, Organisation, licensed_organisation_ids

PAGE_SIZE = 25


def _owners_for_new(access) -> list[Organisation]:
    """Organisations the admin may create courses for: the national body, or a licensed one."""
    organisations = Organisation.objects.all()
    if not access.national:
        organisations = organisations.filter(pk__in=access.organisation_ids)
    licensed = licensed_organisation_ids(LicenceType.DIGITAL_SERVICES)
    owners = [o for o in organisations.order_by("name") if o.is_national_body or o.pk in licensed]
    return sorted(owners, key=lambda o: (not o.is_national_body, o.name))


def _problem_form(error: ValidationError) -> forms.Form:
    """An empty form carrying a service's errors, so the layout shows the GOV.UK error summary."""
    form = forms.Form(data={})
    form.is_valid()
    add_service_errors(form, error)
    return form


@login_required
def course_list(request):
    access = require_admin(request.user)
    form = CourseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = Course.objects.filter(courses_visible_q(access))
    if filters.get("status"):
        courses = courses.filter(status=filters["status"])
    for word in filters.get("q", "").split():
        courses = courses.filter(
            Q(title__icontains=word) | Q(code__icontains=word) | Q(tags__name__iexact=word)
        )
    courses = (
        courses.distinct()
        .select_related("owner", "current_version")
        .prefetch_related("tags")
        .order_by("title", "pk")
    )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/manage/course_list.html",
        {
            "title": "Manage courses",
            "filter_form": form,
            "page": page,
            "manages": lambda course: access.covers_organisation(course.owner_id),
            "can_create": bool(_owners_for_new(access)),
        },
    )


@login_required
def course_new(request):
    access = require_admin(request.user)
    owners = _owners_for_new(access)
    if not owners:
        raise Http404("No such page")
    form = CourseCreateForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            course = course_services.course_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            raise Http404("No such page") from None
        else:
            messages.success(request, f"Course {course.code} created. Add its activities, then publish it.")
            return redirect("learning:manage_course", course.uuid)
    return render(
        request,
        "learning/manage/course_form.html",
        {
            "title": "Create a course",
            "form": form if form.errors else None,
            "course_form": form,
            "breadcrumbs": crumbs(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def course_edit(request, course_uuid):
    course = managed_course(request.user, course_uuid)
    initial = {
        "title": course.title,
        "summary": course.summary,
        "audience": course.audience,
        "duration_minutes": course.duration_minutes,
        "tags": ", ".join(tag.name for tag in course.tags.all()),
        "self_enrolment": course.self_enrolment,
    }
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            course_services.course_update(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Course details saved.")
            return redirect("learning:manage_course", course.uuid)
    return render(
        request,
        "learning/manage/course_form.html",
        {
            "title": f"Edit {course.code}",
            "form": form if form.errors else None,
            "course_form": form,
            "course": course,
            "breadcrumbs": crumbs(course),
        },
        status=400 if form.errors else 200,
    )


def _course_page(request, course: Course, *, form=None, version_form=None, status=200):
    versions = list(selectors.versions_of(course))
    draft = next((v for v in versions if not v.is_published), None)
    if draft is not None and version_form is None:
        version_form = VersionForm(initial={"completion_rule": draft.completion_rule, "notes": draft.notes})
    enrolled = dict(
        Enrolment.objects.filter(course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("version_id")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "learning/manage/course.html",
        {
            "title": f"{course.code} {course.title}",
            "course": course,
            "versions": versions,
            "draft": draft,
            "version_form": version_form,
            "form": form,
            "enrolled": enrolled,
            "kinds": [
                (reverse("learning:manage_activity_new", args=[course.uuid, value]), label)
                for value, label in Activity.Kind.choices
            ]
            + ([(kind.add_url(course, draft), kind.label) for kind in registered_kinds()] if draft else []),
            "summary_html": render_markdown(course.summary),
            "tags": [tag.name for tag in course.tags.all()],
            "breadcrumbs": crumbs(),
        },
        status=status,
    )


@login_required
def course_detail(request, course_uuid):
    course = managed_course(request.user, course_uuid)
    return _course_page(request, course)


@login_required
@require_POST
def course_status(request, course_uuid):
    course = managed_course(request.user, course_uuid)
    status = request.POST.get("status", "")
    try:
        course_services.course_set_status(actor=request.user, course=course, status=status)
    except ValidationError as error:
        return _course_page(request, course, form=_problem_form(error), status=400)
    if status == Course.Status.RETIRED:
        messages.success(
            request, f"{course.code} is retired: no one new can enrol. Enrolments and records are kept."
        )
    else:
        messages.success(request, f"{course.code} is published again.")
    return redirect("learning:manage_course", course.uuid)


@login_required
@require_POST
def version_start(request, course_uuid):
    course = managed_course(request.user, course_uuid)
    draft = course_services.version_start(actor=request.user, course=course)
    messages.success(
        request,
        f"Version {draft.number} is a draft: change it, then publish it. "
        "People already enrolled stay on the version they started.",
    )
    return redirect(reverse("learning:manage_course", args=[course.uuid]) + "#draft")


@login_required
@require_POST
def version_update(request, course_uuid):
    course = managed_course(request.user, course_uuid)
    draft = draft_of(course)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            course_services.version_update(actor=request.user, version=draft, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {draft.number} saved.")
            return redirect(reverse("learning:manage_course", args=[course.uuid]) + "#draft")
    return _course_page(request, course, form=form, version_form=form, status=400)


@login_required
@require_POST
def version_publish(request, course_uuid):
    course = managed_course(request.user, course_uuid)
    draft = draft_of(course)
    try:
        course_services.version_publish(actor=request.user, version=draft)
    except ValidationError as error:
        return _course_page(request, course, form=_problem_form(error), status=400)
    messages.success(
        request,
        f"Version {draft.number} is published: new enrolments take it. "
        "Completions of earlier versions are kept.",
    )
    return redirect("learning:manage_course", course.uuid)
