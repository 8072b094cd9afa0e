"""Line managers: their direct reports' courses, enrolling one of them, and unenrolling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bluelamp.core.forms import add_service_errors
from bluelamp.learning import enrolments as enrolment_services
from bluelamp.learning import selectors
from bluelamp.learning.models import Course, Enrolment
from bluelamp.learning.web.forms_manage import TeamEnrolForm
from bluelamp.learning.web.manage._common import confirm_unenrol, with_progress
from bluelamp.people.api import Person


def _reports(manager) -> list:
    reports = list(
        Person.objects.filter(line_manager=manager, is_active=True)
        .select_related("organisation", "unit")
        .order_by("last_name", "first_name", "pk")
    )
    if not reports:
        raise Http404("No such page")
    return reports


def _courses_for_reports(reports) -> list[Course]:
    owners: set[int] = set()
    for organisation_id in {p.organisation_id for p in reports}:
        owners.update(selectors.owners_available_to(organisation_id))
    return list(
        Course.objects.filter(
            status=Course.Status.PUBLISHED, current_version__isnull=False, owner_id__in=owners
        )
        .select_related("owner")
        .order_by("title", "pk")
    )


@login_required
def team(request):
    reports = _reports(request.user)
    courses = _courses_for_reports(reports)
    form = TeamEnrolForm(request.POST or None, reports=reports, courses=courses)
    if request.method == "POST" and form.is_valid():
        person, course = form.cleaned_data["person"], form.cleaned_data["course"]
        try:
            result = enrolment_services.enrol_people(
                actor=request.user, course=course, people=[person], due_on=form.cleaned_data["due_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = person.get_full_name()
            if result.enrolled:
                messages.success(request, f"{name} is enrolled on {course.code} {course.title}.")
                return redirect("learning:manage_team")
            if result.already:
                form.add_error("course", f"{name} is already enrolled on {course.code}.")
            for _, reason in result.refused:
                form.add_error("person", f"{name} cannot be enrolled: {reason}.")
    enrolments = with_progress(
        Enrolment.objects.filter(person__in=[p.pk for p in reports])
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("course", "version")
        .order_by("due_on", "course__title", "pk")
    )
    by_person: dict[int, list[Enrolment]] = {p.pk: [] for p in reports}
    for enrolment in enrolments:
        by_person[enrolment.person_id].append(enrolment)
    return render(
        request,
        "learning/manage/team.html",
        {
            "title": "My team’s learning",
            "rows": [{"person": p, "enrolments": by_person[p.pk]} for p in reports],
            "team_form": form,
            "form": form if form.errors else None,
            "has_courses": bool(courses),
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def team_unenrol(request, enrolment_uuid):
    enrolment = (
        Enrolment.objects.filter(
            uuid=enrolment_uuid, person__line_manager=request.user, person__is_active=True
        )
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("person", "course")
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment")
    return confirm_unenrol(
        request,
        enrolment,
        back=reverse("learning:manage_team"),
        breadcrumbs=[{"text": "My team’s learning", "href": reverse("learning:manage_team")}],
    )
