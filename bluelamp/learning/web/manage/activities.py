"""The activities of a course's draft version: add (SCORM packages, pages, media, files, links),
edit, move and remove."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.learning import courses as course_services
from bluelamp.learning.kinds import kind_label
from bluelamp.learning.models import Activity, Course, CourseVersion
from bluelamp.learning.scorm import storage
from bluelamp.learning.scorm.package import PackageError
from bluelamp.learning.text import render_markdown
from bluelamp.learning.web.forms_manage import ACTIVITY_FORMS, ActivityForm
from bluelamp.learning.web.manage._common import crumbs, draft_of, managed_course


def _draft_activity(course: Course, activity_id: int) -> Activity:
    activity = (
        Activity.objects.select_related("version", "scorm_package")
        .filter(pk=activity_id, version__course=course, version__published_at__isnull=True)
        .first()
    )
    if activity is None:
        raise Http404("No such activity")
    activity.version.course = course
    return activity


def _activity_page(request, course, form, *, kind, activity=None, preview=None):
    errors = form.is_bound and bool(form.errors)
    label = kind_label(kind)
    in_sentence = label[:1].lower() + label[1:]  # "e-learning (SCORM package)", not "(scorm package)"
    return render(
        request,
        "learning/manage/activity_form.html",
        {
            "title": f"Edit “{activity.title}”" if activity else f"Add an activity: {in_sentence}",
            "form": form if errors else None,
            "activity_form": form,
            "course": course,
            "activity": activity,
            "kind": kind,
            "kind_label": label,
            "preview": preview,
            "has_preview": kind in (Activity.Kind.PAGE, Activity.Kind.MEDIA),
            "breadcrumbs": crumbs(course),
        },
        status=400 if errors else 200,
    )


def _preview_form(form_class, request, **kwargs):
    """The form as typed, unbound (no errors shown), for the Markdown preview."""
    initial = {name: request.POST.get(name, "") for name in ("title", "body", "url")}
    initial["required"] = "required" in request.POST
    return form_class(initial=initial, **kwargs)


@login_required
def activity_new(request, course_uuid, kind):
    course = managed_course(request.user, course_uuid)
    form_class = ACTIVITY_FORMS.get(kind)
    if form_class is None:
        raise Http404("No such kind of activity")
    draft = draft_of(course)
    if request.method == "POST" and "preview" in request.POST:
        form = _preview_form(form_class, request)
        return _activity_page(
            request, course, form, kind=kind, preview=render_markdown(request.POST.get("body", ""))
        )
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == Activity.Kind.SCORM:
                _add_scorm(request.user, draft, data)
            else:
                course_services.activity_add(
                    actor=request.user,
                    version=draft,
                    kind=kind,
                    title=data["title"],
                    required=data["required"],
                    body=data.get("body", ""),
                    file=data.get("file"),
                    url=data.get("url", ""),
                )
        except PackageError as error:
            form.add_error("package", error.messages)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Activity added to version {draft.number}.")
            return redirect(reverse("learning:manage_course", args=[course.uuid]) + "#draft")
    return _activity_page(request, course, form, kind=kind)


def _add_scorm(actor, draft: CourseVersion, data) -> Activity:
    """Store the package and add the activity: both, or (on any problem) neither, files included."""
    upload = data["package"]
    stored: list[str] = []
    try:
        with transaction.atomic():
            package = course_services.package_upload(
                actor=actor, owner=draft.course.owner, upload=upload, file_name=upload.name
            )
            stored.append(package.storage_prefix)
            return course_services.activity_add(
                actor=actor,
                version=draft,
                kind=Activity.Kind.SCORM,
                title=data["title"] or package.title,
                required=data["required"],
                body=data.get("body", ""),
                scorm_package=package,
            )
    except BaseException:
        for prefix in stored:
            storage.delete_package(prefix)
        raise


@login_required
def activity_edit(request, course_uuid, activity_id):
    course = managed_course(request.user, course_uuid)
    activity = _draft_activity(course, activity_id)
    # A kind another domain added (a quiz): its title and "required" here, its settings on its
    # own pages (linked from the list of activities).
    form_class = ACTIVITY_FORMS.get(activity.kind, ActivityForm)
    if request.method == "POST" and "preview" in request.POST:
        form = _preview_form(form_class, request, editing=True)
        return _activity_page(
            request,
            course,
            form,
            kind=activity.kind,
            activity=activity,
            preview=render_markdown(request.POST.get("body", "")),
        )
    initial = {
        "title": activity.title,
        "required": activity.required,
        "body": activity.body,
        "url": activity.url,
    }
    form = form_class(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stored: list[str] = []
        try:
            with transaction.atomic():
                package = None
                if data.get("package"):
                    upload = data["package"]
                    package = course_services.package_upload(
                        actor=request.user, owner=course.owner, upload=upload, file_name=upload.name
                    )
                    stored.append(package.storage_prefix)
                course_services.activity_update(
                    actor=request.user,
                    activity=activity,
                    title=data["title"],
                    required=data["required"],
                    body=data.get("body", ""),
                    url=data.get("url", ""),
                    file=data.get("file") or None,
                    scorm_package=package,
                )
        except PackageError as error:
            form.add_error("package", error.messages)
        except ValidationError as error:
            for prefix in stored:
                storage.delete_package(prefix)
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{activity.title}” saved.")
            return redirect(reverse("learning:manage_course", args=[course.uuid]) + "#draft")
    return _activity_page(request, course, form, kind=activity.kind, activity=activity)


@login_required
@require_POST
def activity_move(request, course_uuid, activity_id):
    course = managed_course(request.user, course_uuid)
    activity = _draft_activity(course, activity_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise Http404("No such direction")
    course_services.activity_move(actor=request.user, activity=activity, up=direction == "up")
    return redirect(reverse("learning:manage_course", args=[course.uuid]) + f"#activity-{activity.pk}")


@login_required
def activity_remove(request, course_uuid, activity_id):
    course = managed_course(request.user, course_uuid)
    activity = _draft_activity(course, activity_id)
    if request.method == "POST":
        course_services.activity_remove(actor=request.user, activity=activity)
        messages.success(request, f"“{activity.title}” removed from version {activity.version.number}.")
        return redirect(reverse("learning:manage_course", args=[course.uuid]) + "#draft")
    return render(
        request,
        "learning/manage/activity_remove.html",
        {
            "title": f"Remove “{activity.title}”?",
            "course": course,
            "activity": activity,
            "breadcrumbs": crumbs(course),
        },
    )
