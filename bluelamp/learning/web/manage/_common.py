"""What the training administrators' and line managers' pages share: who may see what, the
breadcrumbs, progress counts, the draft version and the unenrol confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from bluelamp.core.forms import add_service_errors
from bluelamp.learning import courses as course_services
from bluelamp.learning import enrolments as enrolment_services
from bluelamp.learning import selectors
from bluelamp.learning.models import ActivityProgress, Course, CourseVersion
from bluelamp.learning.web.forms_manage import UnenrolForm


def require_admin(person):
    access = selectors.manage_access(person)
    if not access.anything:
        raise Http404("No such page")
    return access


def _owners_enrollable(access) -> set[int] | None:
    """Owners whose published courses some people in the admin's scope may take (None: all)."""
    touched = access.organisation_ids_touched()
    if touched is None:
        return None
    owners: set[int] = set()
    for organisation_id in touched:
        owners.update(selectors.owners_available_to(organisation_id))
    return owners


def courses_visible_q(access) -> Q:
    """Courses the admin manages (any status), and those of other owners their people may take:
    published ones to enrol on, and retired ones to see (and unenrol) who is still on them."""
    owners = _owners_enrollable(access)
    if owners is None:
        return Q()
    return Q(owner_id__in=access.organisation_ids) | Q(
        status__in=[Course.Status.PUBLISHED, Course.Status.RETIRED],
        current_version__isnull=False,
        owner_id__in=owners,
    )


def managed_course(person, course_uuid) -> Course:
    course = Course.objects.select_related("owner", "current_version").filter(uuid=course_uuid).first()
    if course is None or not selectors.may_manage_course(person, course):
        raise Http404("No such course")
    return course


def with_progress(enrolments):
    return enrolments.annotate(
        activities_total=Count("version__activities", distinct=True),
        activities_done=Count(
            "progress", filter=Q(progress__status=ActivityProgress.Status.COMPLETED), distinct=True
        ),
    )


def crumbs(course: Course | None = None) -> list[dict]:
    trail = [{"text": "Manage courses", "href": reverse("learning:manage_courses")}]
    if course is not None:
        trail.append({"text": course.code, "href": reverse("learning:manage_course", args=[course.uuid])})
    return trail


def draft_of(course: Course) -> CourseVersion:
    draft = course_services.draft_version(course)
    if draft is None:
        raise Http404("No draft version")
    return draft


def _unenrol_page(request, enrolment, form, *, back: str, breadcrumbs):
    return render(
        request,
        "learning/manage/unenrol.html",
        {
            "title": f"Unenrol {enrolment.person.get_full_name()} from {enrolment.course.code}?",
            "enrolment": enrolment,
            "form": form if form.errors else None,
            "unenrol_form": form,
            "back": back,
            "breadcrumbs": breadcrumbs,
        },
        status=400 if form.errors else 200,
    )


def confirm_unenrol(request, enrolment, *, back, breadcrumbs):
    form = UnenrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_services.unenrol(
                actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise Http404("No such enrolment") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{enrolment.person.get_full_name()} is unenrolled from {enrolment.course.code}. "
                "Their progress and any completion are kept.",
            )
            return redirect(back)
    return _unenrol_page(request, enrolment, form, back=back, breadcrumbs=breadcrumbs)
