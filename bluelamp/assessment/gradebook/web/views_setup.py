"""Setting up a course's gradebook, for its managers: the settings (how the course grade is worked
out, the pass grade, whether learners see the total), categories and their weights and order,
items' weights, categories, order and visibility, and items graded by hand. Anyone else is told
"not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bluelamp.assessment.gradebook import selectors, services
from bluelamp.assessment.gradebook.models import GradeItem
from bluelamp.assessment.gradebook.web.common import crumbs, plain
from bluelamp.assessment.gradebook.web.common import page as _page
from bluelamp.assessment.gradebook.web.forms import CategoryForm, ItemForm, SettingsForm
from bluelamp.core.forms import add_service_errors


def _setup_url(course) -> str:
    return reverse("assessment:gradebook_setup", args=[course.uuid])


def _crumbs(course, *more) -> list[dict]:
    return crumbs(course, ("Set up", _setup_url(course)), *more)


def _refused(what: str):
    return Http404(f"No such {what}")


@login_required
@require_GET
def gradebook_setup(request, course_uuid) -> HttpResponse:
    course = selectors.access_setup(request.user, course_uuid)
    structure = selectors.structure_of(course)
    counts: dict[int | None, int] = {}
    for item in structure.items:
        counts[item.category_id] = counts.get(item.category_id, 0) + 1
    return _page(
        request,
        "assessment/gradebook/setup.html",
        {
            "title": f"Set up the gradebook: {course.code} {course.title}",
            "course": course,
            "structure": structure,
            "settings": structure.settings,
            "counts": counts,
            "breadcrumbs": crumbs(course),
        },
    )


@login_required
def gradebook_settings(request, course_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    current = selectors.settings_of(course)
    form = SettingsForm(
        request.POST or None,
        initial={
            "aggregation": current.aggregation,
            "missing": current.missing,
            "pass_percent": plain(current.pass_percent),
            "learners_see_total": current.learners_see_total,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.settings_update(
                actor=request.user,
                course=course,
                aggregation=data["aggregation"],
                missing=data["missing"],
                pass_percent=data["pass_percent"],
                learners_see_total=data["learners_see_total"],
            )
        except PermissionDenied:
            raise _refused("gradebook") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the gradebook's settings.")
            return redirect(_setup_url(course))
    return _page(
        request,
        "assessment/gradebook/form.html",
        {
            "title": "How the course grade is worked out",
            "course": course,
            "the_form": form,
            "form": form if form.errors else None,
            "button": "Save the settings",
            "cancel": _setup_url(course),
            "breadcrumbs": _crumbs(course),
        },
        status=400 if form.errors else 200,
    )


# --- categories --------------------------------------------------------------------------------


def _category_page(request, course, form, *, title: str, button: str):
    return _page(
        request,
        "assessment/gradebook/form.html",
        {
            "title": title,
            "course": course,
            "the_form": form,
            "form": form if form.errors else None,
            "button": button,
            "cancel": _setup_url(course),
            "breadcrumbs": _crumbs(course),
        },
        status=400 if form.errors else 200,
    )


@login_required
def gradebook_category_new(request, course_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    form = CategoryForm(request.POST or None, initial={"weight": "1"})
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(
                actor=request.user,
                course=course,
                name=form.cleaned_data["name"],
                weight=form.cleaned_data["weight"],
            )
        except PermissionDenied:
            raise _refused("gradebook") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Added the category “{category.name}”. Put items in it from their “Change” links."
            )
            return redirect(_setup_url(course))
    return _category_page(request, course, form, title="Add a category", button="Add the category")


@login_required
def gradebook_category_edit(request, course_uuid, category_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    category = selectors.access_category(course, category_uuid)
    form = CategoryForm(
        request.POST or None, initial={"name": category.name, "weight": plain(category.weight)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(
                actor=request.user,
                category=category,
                name=form.cleaned_data["name"],
                weight=form.cleaned_data["weight"],
            )
        except PermissionDenied:
            raise _refused("category") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the category “{category.name}”.")
            return redirect(_setup_url(course))
    return _category_page(
        request, course, form, title=f"Change the category “{category.name}”", button="Save"
    )


@login_required
@require_POST
def gradebook_category_move(request, course_uuid, category_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    category = selectors.access_category(course, category_uuid)
    try:
        services.category_move(
            actor=request.user, category=category, direction=request.POST.get("direction", "")
        )
    except PermissionDenied:
        raise _refused("category") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_setup_url(course) + "#categories")


@login_required
def gradebook_category_delete(request, course_uuid, category_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    category = selectors.access_category(course, category_uuid)
    if request.method == "POST":
        try:
            moved = services.category_delete(actor=request.user, category=category)
        except PermissionDenied:
            raise _refused("category") from None
        messages.success(
            request,
            f"Deleted the category “{category.name}”."
            + (
                f" Its {moved} {'item is' if moved == 1 else 'items are'} now in no category."
                if moved
                else ""
            ),
        )
        return redirect(_setup_url(course))
    items = list(category.items.order_by("order", "pk"))
    return _page(
        request,
        "assessment/gradebook/confirm.html",
        {
            "title": f"Delete the category “{category.name}”?",
            "course": course,
            "lines": [
                "Its items stay, with their grades, in no category: each then counts with its own weight "
                "beside the other categories."
            ]
            + (
                [f"Items in it: {', '.join(item.title for item in items)}."]
                if items
                else ["It has no items."]
            ),
            "button": "Delete the category",
            "cancel": _setup_url(course),
            "breadcrumbs": _crumbs(course),
        },
    )


# --- items -------------------------------------------------------------------------------------


def _item_page(request, course, form, *, title: str, button: str, item=None, status=None):
    return _page(
        request,
        "assessment/gradebook/form.html",
        {
            "title": title,
            "course": course,
            "item": item,
            "the_form": form,
            "form": form if form.errors else None,
            "button": button,
            "cancel": _setup_url(course),
            "breadcrumbs": _crumbs(course),
        },
        status=400 if form.errors else 200,
    )


@login_required
def gradebook_item_new(request, course_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    structure = selectors.structure_of(course)
    form = ItemForm(
        request.POST or None, categories=structure.categories, manual=True, initial={"weight": "1"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.manual_item_create(
                actor=request.user,
                course=course,
                title=data["title"],
                max_grade=data["max_grade"],
                pass_grade=data["pass_grade"],
                category=data["category"],
                weight=data["weight"],
                hidden=data["hidden"],
            )
        except PermissionDenied:
            raise _refused("gradebook") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added “{item.title}”: grade learners in it from the grader report.")
            return redirect(_setup_url(course))
    return _item_page(request, course, form, title="Add an item graded by hand", button="Add the item")


@login_required
def gradebook_item_edit(request, course_uuid, item_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    item = selectors.access_item(course, item_uuid)
    structure = selectors.structure_of(course)
    manual = item.source == GradeItem.Source.MANUAL
    form = ItemForm(
        request.POST or None,
        categories=structure.categories,
        manual=manual,
        initial={
            "title": item.title,
            "max_grade": plain(item.max_grade),
            "pass_grade": plain(item.pass_grade),
            "category": str(item.category.uuid) if item.category else "",
            "weight": plain(item.weight),
            "hidden": item.hidden,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra = (
            {"title": data["title"], "max_grade": data["max_grade"], "pass_grade": data["pass_grade"]}
            if manual
            else {}
        )
        try:
            services.item_update(
                actor=request.user,
                item=item,
                weight=data["weight"],
                category=data["category"],
                hidden=data["hidden"],
                **extra,
            )
        except PermissionDenied:
            raise _refused("item") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved “{item.title}”.")
            return redirect(_setup_url(course))
    return _item_page(request, course, form, title=f"Change “{item.title}”", button="Save", item=item)


@login_required
@require_POST
def gradebook_item_move(request, course_uuid, item_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    item = selectors.access_item(course, item_uuid)
    try:
        services.item_move(actor=request.user, item=item, direction=request.POST.get("direction", ""))
    except PermissionDenied:
        raise _refused("item") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_setup_url(course) + "#items")


@login_required
def gradebook_item_delete(request, course_uuid, item_uuid):
    course = selectors.access_setup(request.user, course_uuid)
    item = selectors.access_item(course, item_uuid)
    if item.source != GradeItem.Source.MANUAL:
        raise _refused("item")
    if request.method == "POST":
        try:
            gone = services.manual_item_delete(actor=request.user, item=item)
        except PermissionDenied:
            raise _refused("item") from None
        messages.success(
            request,
            f"Deleted “{item.title}”"
            + (f" and its {gone} {'grade' if gone == 1 else 'grades'}." if gone else "."),
        )
        return redirect(_setup_url(course))
    graded = selectors.grades_in(item)
    return _page(
        request,
        "assessment/gradebook/confirm.html",
        {
            "title": f"Delete “{item.title}”?",
            "course": course,
            "lines": [
                f"Its grades go with it: {graded} {'learner has' if graded == 1 else 'learners have'} a grade in it."
                if graded
                else "No learner has a grade in it yet.",
                "The deletion is recorded in the audit log, with how many grades went.",
            ],
            "button": "Delete the item",
            "warning": bool(graded),
            "cancel": _setup_url(course),
            "breadcrumbs": _crumbs(course),
        },
    )
