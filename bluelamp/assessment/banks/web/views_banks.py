"""The banks' pages, under /assessment/banks/: the list, create and edit a bank, a bank's page
(its category tree with counts and its questions, filtered and paginated, with a bulk move), and
a category's create, rename-and-move and delete.

Who may use them: those who manage learning (training administrators). A bank of their own
organisation they may change; the national body's banks they may read (preview, export) while
an organisation they manage holds national content (PL-P-200). Anything else is "not found",
the same as a bank that does not exist.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.assessment.banks import selectors, services
from bluelamp.assessment.banks.models import Bank
from bluelamp.assessment.banks.web.common import PAGE_SIZE, crumbs, owners_for_new, require_bank_reader
from bluelamp.assessment.banks.web.forms import BankForm, CategoryForm, FilterForm, MoveForm
from bluelamp.assessment.banks.wording import TYPE_LABELS
from bluelamp.core.forms import add_service_errors

FILTERS = ("category", "only", "tag", "qtype", "q", "hidden")
MOVE = "move"  # the prefix of the bulk move's fields (the filters have a "category" too)

# --- the list -------------------------------------------------------------------------------------


@login_required
def bank_list(request):
    require_bank_reader(request.user)
    page = Paginator(selectors.banks_listed(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/banks/list.html",
        {
            "title": "Question banks",
            "page": page,
            "manages": lambda bank: selectors.may_manage_bank(request.user, bank),
            "can_create": bool(owners_for_new(request.user)),
        },
    )


# --- create and edit ------------------------------------------------------------------------------


@login_required
def bank_new(request):
    require_bank_reader(request.user)
    owners = owners_for_new(request.user)
    if not owners:
        raise Http404("No such page")
    form = BankForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.bank_create(
                actor=request.user,
                owner=form.chosen_owner(),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except PermissionDenied:
            raise Http404("No such organisation") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The question bank “{bank.name}” is made. Add questions or import a file."
            )
            return redirect("assessment:bank", bank.uuid)
    return render(
        request,
        "assessment/banks/bank_form.html",
        {
            "title": "Create a question bank",
            "form": form if form.errors else None,
            "bank_form": form,
            "bank": None,
            "owner": owners[0] if len(owners) == 1 else None,
            "breadcrumbs": crumbs(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def bank_edit(request, bank_uuid):
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid, manage=True)
    form = BankForm(request.POST or None, initial={"name": bank.name, "description": bank.description})
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_update(
                actor=request.user,
                bank=bank,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except PermissionDenied:
            raise Http404("No such question bank") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The question bank “{bank.name}” is saved.")
            return redirect("assessment:bank", bank.uuid)
    return render(
        request,
        "assessment/banks/bank_form.html",
        {
            "title": f"Edit {bank.name}",
            "form": form if form.errors else None,
            "bank_form": form,
            "bank": bank,
            "owner": bank.owner,
            "breadcrumbs": crumbs(bank),
        },
        status=400 if form.errors else 200,
    )


# --- a bank's page --------------------------------------------------------------------------------


def _bank_page(
    request, bank: Bank, *, query: QueryDict, move_form: MoveForm | None = None, status: int = 200
):
    manages = selectors.may_manage_bank(request.user, bank)
    tree = selectors.category_tree(bank)
    tags = list(selectors.tags_of(bank))
    filter_form = FilterForm(query or None, categories=tree, tags=tags)
    filters = filter_form.filters()
    page = Paginator(selectors.questions_of(bank, **filters), PAGE_SIZE).get_page(query.get("page"))
    questions = list(page.object_list)
    if move_form is None and manages:
        move_form = MoveForm(
            initial={"next": query.urlencode()}, categories=tree, questions=questions, prefix=MOVE
        )
    chosen = filters.get("category")
    return render(
        request,
        "assessment/banks/bank.html",
        {
            "title": bank.name,
            "bank": bank,
            "manages": manages,
            "tree": tree,
            "roots": [node for node in tree if node.depth == 0],
            "total": sum(node.total for node in tree if node.depth == 0),
            "filter_form": filter_form,
            "filtered": any(query.get(key) for key in FILTERS),
            "chosen": chosen,
            "page": page,
            "questions": questions,
            "move_form": move_form,
            "form": move_form if move_form is not None and move_form.errors else None,
            "type_labels": TYPE_LABELS,
            "page_query": query,
            "breadcrumbs": crumbs(),
        },
        status=status,
    )


@login_required
def bank_detail(request, bank_uuid):
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid)
    return _bank_page(request, bank, query=request.GET)


def _query(text: str) -> QueryDict:
    """The list's filters as they were (from the move form's hidden field): only these keys."""
    given = QueryDict(text or "")
    kept = QueryDict(mutable=True)
    for key in (*FILTERS, "page"):
        if key in given:
            kept[key] = given[key]
    return kept


@login_required
@require_POST
def bank_questions_move(request, bank_uuid):
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid, manage=True)
    tree = selectors.category_tree(bank)
    chosen = bank.questions.filter(
        uuid__in=[u for u in request.POST.getlist(f"{MOVE}-questions") if _is_uuid(u)]
    )
    form = MoveForm(request.POST, categories=tree, questions=list(chosen), prefix=MOVE)
    query = _query(request.POST.get(f"{MOVE}-next", ""))
    if form.is_valid():
        category = form.categories[form.cleaned_data["category"]]
        questions = [form.question_uuids[u] for u in form.cleaned_data["questions"]]
        try:
            moved = services.questions_move(
                actor=request.user, bank=bank, questions=questions, category=category
            )
        except PermissionDenied:
            raise Http404("No such question bank") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Moved {moved} question{'s' if moved != 1 else ''} to “{category.path}”."
                if moved
                else f"The selected questions were already in “{category.path}”.",
            )
            url = reverse("assessment:bank", args=[bank.uuid])
            return redirect(f"{url}?{query.urlencode()}" if query else url)
    return _bank_page(request, bank, query=query, move_form=form, status=400)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# --- categories -----------------------------------------------------------------------------------


@login_required
def bank_category_new(request, bank_uuid):
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid, manage=True)
    tree = selectors.category_tree(bank)
    parent = request.GET.get("parent", "")
    form = CategoryForm(
        request.POST or None,
        categories=tree,
        initial={
            "parent": parent
            if any(str(n.category.uuid) == parent for n in tree)
            else str(tree[0].category.uuid)
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(
                actor=request.user,
                bank=bank,
                parent=form.chosen_parent(),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except PermissionDenied:
            raise Http404("No such question bank") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The category “{category.path}” is made.")
            return redirect(f"{reverse('assessment:bank', args=[bank.uuid])}?category={category.uuid}")
    return render(
        request,
        "assessment/banks/category_form.html",
        {
            "title": "Add a category",
            "form": form if form.errors else None,
            "category_form": form,
            "bank": bank,
            "category": None,
            "breadcrumbs": crumbs(bank),
        },
        status=400 if form.errors else 200,
    )


def _managed_category(request, bank_uuid, category_uuid):
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid, manage=True)
    category = selectors.access_category(bank, category_uuid)
    if category.parent_id is None:  # the top: not renamed, moved or deleted
        raise Http404("No such category")
    return bank, category


@login_required
def bank_category(request, bank_uuid, category_uuid):
    """Rename a category, change its description, or move it (with everything in it)."""
    bank, category = _managed_category(request, bank_uuid, category_uuid)
    tree = selectors.category_tree(bank)
    # Not into itself nor below it: those are left out of the choices (and refused by the service).
    inside = [
        n
        for n in tree
        if n.category.pk != category.pk and not n.category.path.startswith(category.path + " / ")
    ]
    form = CategoryForm(
        request.POST or None,
        categories=inside,
        initial={
            "name": category.name,
            "description": category.description,
            "parent": str(category.parent.uuid),
        },
    )
    node = next(n for n in tree if n.category.pk == category.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(
                actor=request.user,
                category=category,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                parent=form.chosen_parent(),
            )
        except PermissionDenied:
            raise Http404("No such question bank") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The category “{category.path}” is saved.")
            return redirect(f"{reverse('assessment:bank', args=[bank.uuid])}?category={category.uuid}")
    return render(
        request,
        "assessment/banks/category_form.html",
        {
            "title": f"Change the category {category.name}",
            "form": form if form.errors else None,
            "category_form": form,
            "bank": bank,
            "category": category,
            "node": node,
            "breadcrumbs": crumbs(bank),
        },
        status=400 if form.errors else 200,
    )


@login_required
def bank_category_delete(request, bank_uuid, category_uuid):
    bank, category = _managed_category(request, bank_uuid, category_uuid)
    node = next(n for n in selectors.category_tree(bank) if n.category.pk == category.pk)
    error = None
    if request.method == "POST":
        try:
            services.category_delete(actor=request.user, category=category)
        except PermissionDenied:
            raise Http404("No such question bank") from None
        except ValidationError as refused:
            error = refused
        else:
            messages.success(request, f"The category “{category.path}” is deleted.")
            return redirect("assessment:bank", bank.uuid)
    return render(
        request,
        "assessment/banks/category_delete.html",
        {
            "title": f"Delete the category {category.name}?",
            "bank": bank,
            "category": category,
            "node": node,
            "empty": not node.count and not node.children,
            "error": error.messages[0] if error else "",
            "breadcrumbs": crumbs(bank),
        },
        status=400 if error else 200,
    )
