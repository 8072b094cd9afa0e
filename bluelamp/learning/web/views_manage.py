"""Pages for training administrators (learning.manage) and line managers.

Training administrators manage the courses of the organisations they administer in full (the
national body's for national courses) and enrol the people in their scope on any course those
people may take. Line managers see and enrol their direct reports. To anyone else these pages
do not exist (404), and "not yours" looks exactly like "missing".
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.learning import courses as course_services
from bluelamp.learning import enrolments as enrolment_services
from bluelamp.learning import selectors
from bluelamp.learning.models import Activity, ActivityProgress, Course, CourseVersion, Enrolment
from bluelamp.learning.scorm import storage
from bluelamp.learning.scorm.package import PackageError
from bluelamp.learning.text import render_markdown
from bluelamp.learning.web.forms_manage import (
    ACTIVITY_FORMS,
    CourseCreateForm,
    CourseFilterForm,
    CourseForm,
    EnrolCsvForm,
    EnrolPeopleForm,
    EnrolUnitForm,
    PeopleSearchForm,
    TeamEnrolForm,
    UnenrolForm,
    VersionForm,
)
from bluelamp.organisations.api import (
    LicenceType,
    Organisation,
    Perm,
    licensed_organisation_ids,
    units_in_scope,
)
from bluelamp.people.api import Person

PAGE_SIZE = 25
ENROLMENTS_PAGE_SIZE = 50
SEARCH_LIMIT = 50
ENROLMENT_FILTERS = [
    ("", "Enrolled or completed"),
    (Enrolment.Status.ACTIVE, "Enrolled, not yet completed"),
    (Enrolment.Status.COMPLETED, "Completed"),
    (Enrolment.Status.WITHDRAWN, "Unenrolled"),
]


# --- access -----------------------------------------------------------------------------------------


def _require_admin(person):
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


def _courses_visible_q(access) -> Q:
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


def _managed_course(person, course_uuid) -> Course:
    course = Course.objects.select_related("owner", "current_version").filter(uuid=course_uuid).first()
    if course is None or not selectors.may_manage_course(person, course):
        raise Http404("No such course")
    return course


def _enrolment_course(person, course_uuid):
    access = _require_admin(person)
    course = (
        Course.objects.select_related("owner", "current_version")
        .filter(_courses_visible_q(access), uuid=course_uuid)
        .first()
    )
    if course is None:
        raise Http404("No such course")
    return access, course


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


def _with_progress(enrolments):
    return enrolments.annotate(
        activities_total=Count("version__activities", distinct=True),
        activities_done=Count(
            "progress", filter=Q(progress__status=ActivityProgress.Status.COMPLETED), distinct=True
        ),
    )


def _crumbs(course: Course | None = None) -> list[dict]:
    crumbs = [{"text": "Manage courses", "href": reverse("learning:manage_courses")}]
    if course is not None:
        crumbs.append({"text": course.code, "href": reverse("learning:manage_course", args=[course.uuid])})
    return crumbs


# --- courses ----------------------------------------------------------------------------------------


@login_required
def course_list(request):
    access = _require_admin(request.user)
    form = CourseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = Course.objects.filter(_courses_visible_q(access))
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
    access = _require_admin(request.user)
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
            "breadcrumbs": _crumbs(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def course_edit(request, course_uuid):
    course = _managed_course(request.user, course_uuid)
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
            "breadcrumbs": _crumbs(course),
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
            "kinds": Activity.Kind.choices,
            "summary_html": render_markdown(course.summary),
            "tags": [tag.name for tag in course.tags.all()],
            "breadcrumbs": _crumbs(),
        },
        status=status,
    )


@login_required
def course_detail(request, course_uuid):
    course = _managed_course(request.user, course_uuid)
    return _course_page(request, course)


@login_required
@require_POST
def course_status(request, course_uuid):
    course = _managed_course(request.user, course_uuid)
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
    course = _managed_course(request.user, course_uuid)
    draft = course_services.version_start(actor=request.user, course=course)
    messages.success(
        request,
        f"Version {draft.number} is a draft: change it, then publish it. "
        "People already enrolled stay on the version they started.",
    )
    return redirect(reverse("learning:manage_course", args=[course.uuid]) + "#draft")


def _draft(course: Course) -> CourseVersion:
    draft = course_services.draft_version(course)
    if draft is None:
        raise Http404("No draft version")
    return draft


@login_required
@require_POST
def version_update(request, course_uuid):
    course = _managed_course(request.user, course_uuid)
    draft = _draft(course)
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
    course = _managed_course(request.user, course_uuid)
    draft = _draft(course)
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


# --- activities -------------------------------------------------------------------------------------


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
    label = dict(Activity.Kind.choices)[kind]
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
            "breadcrumbs": _crumbs(course),
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
    course = _managed_course(request.user, course_uuid)
    form_class = ACTIVITY_FORMS.get(kind)
    if form_class is None:
        raise Http404("No such kind of activity")
    draft = _draft(course)
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
    course = _managed_course(request.user, course_uuid)
    activity = _draft_activity(course, activity_id)
    form_class = ACTIVITY_FORMS[activity.kind]
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
    course = _managed_course(request.user, course_uuid)
    activity = _draft_activity(course, activity_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise Http404("No such direction")
    course_services.activity_move(actor=request.user, activity=activity, up=direction == "up")
    return redirect(reverse("learning:manage_course", args=[course.uuid]) + f"#activity-{activity.pk}")


@login_required
def activity_remove(request, course_uuid, activity_id):
    course = _managed_course(request.user, course_uuid)
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
            "breadcrumbs": _crumbs(course),
        },
    )


# --- enrolments -------------------------------------------------------------------------------------


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
    page = Paginator(_with_progress(enrolments), ENROLMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
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
            "breadcrumbs": _crumbs(course) if selectors.may_manage_course(actor, course) else _crumbs(),
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
            "breadcrumbs": _crumbs(course)
            if selectors.may_manage_course(request.user, course)
            else _crumbs(),
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
    return _unenrol(request, enrolment, back=back, breadcrumbs=_crumbs(course))


def _unenrol(request, enrolment, *, back, breadcrumbs):
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


# --- line managers ----------------------------------------------------------------------------------


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
    enrolments = _with_progress(
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
    return _unenrol(
        request,
        enrolment,
        back=reverse("learning:manage_team"),
        breadcrumbs=[{"text": "My team’s learning", "href": reverse("learning:manage_team")}],
    )
