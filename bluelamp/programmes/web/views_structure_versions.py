"""A programme's structure, under /programmes/manage/<programme>/: the draft version (its sets in
order with their rules and units), starting a new draft from the current version, adding,
changing, moving and removing sets and units, and publishing the draft. For the programme's
administrators (selectors.access_programme_to_manage); anyone else is told "not found".

Published versions never change (people on them keep them): a set or unit of a published version
is not changed here, and whoever reaches one (a page left open while someone published) is sent
to the structure with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bluelamp.core.forms import add_service_errors
from bluelamp.learning.api import Course
from bluelamp.organisations.api import Organisation
from bluelamp.programmes import selectors
from bluelamp.programmes.models import Programme, ProgrammeUnit, ProgrammeVersion, UnitSet
from bluelamp.programmes.structure import (
    draft_of,
    publish_problems,
    set_add,
    set_move,
    set_remove,
    set_update,
    unit_add,
    unit_move,
    unit_remove,
    unit_update,
    version_publish,
    version_start,
)
from bluelamp.programmes.web import views_structure as common
from bluelamp.programmes.web.forms_structure import PublishForm, SetForm, UnitForm

PUBLISHED_ALREADY = "That version is published now, so it cannot change: start a new version to change it."


def _structure_url(programme: Programme, anchor: str = "") -> str:
    url = reverse("programmes:structure", args=[programme.uuid])
    return f"{url}#{anchor}" if anchor else url


def courses_to_add(programme: Programme, version: ProgrammeVersion) -> list[Course]:
    """Published courses of the programme's owner and national ones, not yet units of the version."""
    used = ProgrammeUnit.objects.filter(unit_set__version=version).values("course_id")
    return list(
        Course.objects.filter(status=Course.Status.PUBLISHED, current_version__isnull=False)
        .filter(Q(owner_id=programme.owner_id) | Q(owner__kind=Organisation.Kind.NATIONAL_BODY))
        .exclude(pk__in=used)
        .select_related("owner")
        .order_by("code", "pk")
    )


# --- the draft -------------------------------------------------------------------------------------


def _structure_page(
    request,
    programme: Programme,
    draft: ProgrammeVersion | None,
    *,
    set_form: SetForm | None = None,
    unit_form: tuple[UnitSet, UnitForm] | None = None,
):
    """The draft's page; `set_form`, or `unit_form` with its set, is the bound form of a failed
    add (shown with its errors and what was typed; the other forms are empty)."""
    context: dict = {
        "title": f"Structure of {programme.code}",
        "programme": programme,
        "draft": draft,
        "breadcrumbs": common.crumbs(programme),
        "form": None,
    }
    if draft is not None:
        sets = common.sets_of(draft)
        courses = courses_to_add(programme, draft)
        for entry in sets:
            unit_set = entry["set"]
            if unit_form is not None and unit_form[0].pk == unit_set.pk:
                entry["unit_form"] = unit_form[1]
            else:
                entry["unit_form"] = UnitForm(
                    courses=courses,
                    owner=programme.owner,
                    prefix=f"unit{unit_set.pk}",
                    initial={"credits": "0"},
                )
        context.update(
            sets=sets,
            courses=courses,
            problems=publish_problems(draft),
            set_form=set_form or SetForm(initial=SetForm.initial_of(None)),
        )
    for bound in (set_form, unit_form[1] if unit_form else None):
        if bound is not None and bound.errors:
            context["form"] = bound
    return render(
        request,
        "programmes/structure/structure.html",
        context,
        status=400 if context["form"] is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def structure(request, programme_uuid):
    programme = selectors.access_programme_to_manage(request.user, programme_uuid)
    draft = draft_of(programme)
    if request.method == "GET":
        return _structure_page(request, programme, draft)
    action = request.POST.get("action", "")
    try:
        if action == "start":
            started = version_start(actor=request.user, programme=programme, at=common.now())
            if draft is None:
                messages.success(
                    request,
                    f"Started version {started.number} of {programme.code}, a copy of the current one. Change it "
                    "here and publish it: people on earlier versions keep theirs.",
                )
            return redirect(_structure_url(programme))
        if draft is None:
            messages.error(request, PUBLISHED_ALREADY)
            return redirect(_structure_url(programme))
        if action == "add_set":
            return _add_set(request, programme, draft)
        if action == "add_unit":
            return _add_unit(request, programme, draft)
    except PermissionDenied:
        raise Http404("No such programme") from None
    return redirect(_structure_url(programme))


def _add_set(request, programme: Programme, draft: ProgrammeVersion):
    form = SetForm(request.POST)
    if form.is_valid():
        try:
            unit_set = set_add(actor=request.user, version=draft, data=form.set_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the set “{unit_set.title}”. Add its units below.")
            return redirect(_structure_url(programme, f"set-{unit_set.pk}"))
    return _structure_page(request, programme, draft, set_form=form)


def _add_unit(request, programme: Programme, draft: ProgrammeVersion):
    set_id = _int(request.POST.get("unit_set"))
    unit_set = draft.sets.filter(pk=set_id).first() if set_id is not None else None
    if unit_set is None:
        messages.error(
            request, "That set is no longer in the draft: it was removed. Add the unit to another set."
        )
        return redirect(_structure_url(programme))
    form = UnitForm(
        request.POST,
        courses=courses_to_add(programme, draft),
        owner=programme.owner,
        prefix=f"unit{unit_set.pk}",
    )
    if form.is_valid():
        try:
            unit = unit_add(actor=request.user, unit_set=unit_set, data=form.unit_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added {unit.course.code} {unit.course.title} to “{unit_set.title}”.")
            return redirect(_structure_url(programme, f"set-{unit_set.pk}"))
    return _structure_page(request, programme, draft, unit_form=(unit_set, form))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- a set -----------------------------------------------------------------------------------------


def _confirm_page(request, programme: Programme, *, title: str, what: str, warning: str, back: str):
    return render(
        request,
        "programmes/structure/remove.html",
        {
            "title": title,
            "programme": programme,
            "what": what,
            "warning": warning,
            "back": back,
            "breadcrumbs": common.crumbs(programme, {"text": "Structure", "href": _structure_url(programme)}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_edit(request, programme_uuid, set_id):
    programme = selectors.access_programme_to_manage(request.user, programme_uuid)
    unit_set = (
        UnitSet.objects.filter(pk=set_id, version__programme=programme).select_related("version").first()
    )
    if unit_set is None:
        raise Http404("No such set")
    if unit_set.version.published_at is not None:
        messages.error(request, PUBLISHED_ALREADY)
        return redirect(_structure_url(programme))
    back = _structure_url(programme, f"set-{unit_set.pk}")
    units = unit_set.units.count()
    if request.method == "GET" and request.GET.get("confirm") == "remove":
        return _confirm_page(
            request,
            programme,
            title=f"Remove the set “{unit_set.title}”?",
            what="set",
            warning=(f"Its {units} {'unit goes' if units == 1 else 'units go'} with it. " if units else "")
            + "Only the draft changes: people on published versions keep theirs.",
            back=back,
        )
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = SetForm(request.POST if action == "save" else None, initial=SetForm.initial_of(unit_set))
    try:
        if action in ("up", "down"):
            set_move(actor=request.user, unit_set=unit_set, up=action == "up")
            return redirect(back)
        if action == "remove":
            title = unit_set.title
            set_remove(actor=request.user, unit_set=unit_set)
            messages.success(request, f"Removed the set “{title}” from the draft.")
            return redirect(_structure_url(programme))
        if action == "save" and form.is_valid():
            try:
                set_update(actor=request.user, unit_set=unit_set, data=form.set_input())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the set “{unit_set.title}”.")
                return redirect(back)
    except PermissionDenied:
        raise Http404("No such set") from None
    if action == "save":
        unit_set.refresh_from_db()
    return render(
        request,
        "programmes/structure/set_edit.html",
        {
            "title": f"Change the set “{unit_set.title}”",
            "programme": programme,
            "unit_set": unit_set,
            "units": units,
            "form": form if form.errors else None,
            "set_form": form,
            "back": back,
            "breadcrumbs": common.crumbs(programme, {"text": "Structure", "href": _structure_url(programme)}),
        },
        status=400 if form.errors else 200,
    )


# --- a unit ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, programme_uuid, unit_id):
    programme = selectors.access_programme_to_manage(request.user, programme_uuid)
    unit = (
        ProgrammeUnit.objects.filter(pk=unit_id, unit_set__version__programme=programme)
        .select_related("unit_set", "unit_set__version", "course", "course__owner")
        .first()
    )
    if unit is None:
        raise Http404("No such unit")
    if unit.unit_set.version.published_at is not None:
        messages.error(request, PUBLISHED_ALREADY)
        return redirect(_structure_url(programme))
    back = _structure_url(programme, f"set-{unit.unit_set_id}")
    name = f"{unit.course.code} {unit.course.title}"
    if request.method == "GET" and request.GET.get("confirm") == "remove":
        return _confirm_page(
            request,
            programme,
            title=f"Remove the unit {name}?",
            what="unit",
            warning=f"It leaves the set “{unit.unit_set.title}” of the draft. The course itself stays, and people "
            "on published versions keep their units.",
            back=back,
        )
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = UnitForm(
        request.POST if action == "save" else None,
        initial={
            "credits": str(unit.credits),
            "due_after_days": "" if unit.due_after_days is None else str(unit.due_after_days),
        },
    )
    try:
        if action in ("up", "down"):
            unit_move(actor=request.user, unit=unit, up=action == "up")
            return redirect(back)
        if action == "remove":
            unit_remove(actor=request.user, unit=unit)
            messages.success(request, f"Removed the unit {name} from “{unit.unit_set.title}”.")
            return redirect(back)
        if action == "save" and form.is_valid():
            data = form.cleaned_data
            try:
                unit_update(
                    actor=request.user,
                    unit=unit,
                    credits=data["credits"],
                    due_after_days=data["due_after_days"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the unit {name}.")
                return redirect(back)
    except PermissionDenied:
        raise Http404("No such unit") from None
    if action == "save":
        unit.refresh_from_db()
    return render(
        request,
        "programmes/structure/unit_edit.html",
        {
            "title": f"Change the unit {name}",
            "programme": programme,
            "unit": unit,
            "form": form if form.errors else None,
            "unit_form": form,
            "back": back,
            "breadcrumbs": common.crumbs(programme, {"text": "Structure", "href": _structure_url(programme)}),
        },
        status=400 if form.errors else 200,
    )


# --- publishing ------------------------------------------------------------------------------------


def changes(current: ProgrammeVersion | None, draft: ProgrammeVersion) -> dict[str, list]:
    """What the draft changes from the current version: units added, removed, and those whose
    credits, due days or set changed (by course)."""

    def units(version: ProgrammeVersion | None) -> dict[int, ProgrammeUnit]:
        if version is None:
            return {}
        return {
            u.course_id: u
            for u in ProgrammeUnit.objects.filter(unit_set__version=version)
            .select_related("course", "unit_set")
            .order_by("unit_set__order", "order")
        }

    before, after = units(current), units(draft)
    changed = []
    for course_id, unit in after.items():
        old = before.get(course_id)
        if old is None:
            continue
        what = []
        if old.credits != unit.credits:
            what.append(f"credits {old.credits} → {unit.credits}")
        if old.due_after_days != unit.due_after_days:
            what.append(f"due after {_days(old.due_after_days)} → {_days(unit.due_after_days)}")
        if old.unit_set.title != unit.unit_set.title:
            what.append(f"set “{old.unit_set.title}” → “{unit.unit_set.title}”")
        if what:
            changed.append({"unit": unit, "what": "; ".join(what)})
    return {
        "added": [u for c, u in after.items() if c not in before],
        "removed": [u for c, u in before.items() if c not in after],
        "changed": changed,
    }


def _days(days: int | None) -> str:
    return "no due date" if days is None else f"{days} {'day' if days == 1 else 'days'}"


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, programme_uuid) -> HttpResponse:
    programme = selectors.access_programme_to_manage(request.user, programme_uuid)
    draft = draft_of(programme)
    if draft is None:
        messages.error(
            request, "There is no draft to publish: start a new version, change it, then publish it."
        )
        return redirect(_structure_url(programme))
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version_publish(
                actor=request.user, version=draft, notes=form.cleaned_data["notes"], at=common.now()
            )
        except PermissionDenied:
            raise Http404("No such programme") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Published version {draft.number} of {programme.code}. New places take it; people on earlier "
                "versions keep theirs.",
            )
            return redirect("programmes:programme_manage", programme.uuid)
    current = programme.current_version
    return render(
        request,
        "programmes/structure/publish.html",
        {
            "title": f"Publish version {draft.number} of {programme.code}",
            "programme": programme,
            "draft": draft,
            "current": current,
            "changes": changes(current, draft),
            "problems": publish_problems(draft),
            "sets": common.sets_of(draft),
            "form": form if form.errors else None,
            "publish_form": form,
            "breadcrumbs": common.crumbs(programme, {"text": "Structure", "href": _structure_url(programme)}),
        },
        status=400 if form.errors else 200,
    )
