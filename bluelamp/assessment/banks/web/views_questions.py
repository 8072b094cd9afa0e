"""A question's pages: its page (a preview as a learner would see it, with the right answers and
feedback marked; where it sits; its versions and the audit of its changes), create one of any
type, edit it (a new version), and hide or show it.

Those who may read the bank see the question; those who manage the bank change it. Anyone else
gets "not found", the same as a question that does not exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.assessment.banks import codec, selectors, services
from bluelamp.assessment.banks.models import Bank, Question
from bluelamp.assessment.banks.web.common import crumbs, require_bank_reader
from bluelamp.assessment.banks.web.preview import preview, rich
from bluelamp.assessment.banks.web.question_forms import FORMS, QuestionForm, row_counts
from bluelamp.assessment.banks.wording import TYPE_HINTS, TYPE_LABELS
from bluelamp.assessment.formats.questions import QUESTION_TYPES
from bluelamp.assessment.formats.questions import Question as Content
from bluelamp.core.forms import add_service_errors

AUDIT_SHOWN = 100
ACTIONS = {
    "assessment.question.create": "Created",
    "assessment.question.import": "Imported",
    "assessment.question.update": "Changed",
    "assessment.question.move": "Moved",
    "assessment.question.hide": "Hidden",
    "assessment.question.show": "Shown again",
}


def content_of(question: Question, version=None) -> Content | None:
    """The neutral question of a version (default: the current one), where the bank keeps it."""
    version = version or question.current
    if version is None:
        return None
    return codec.from_data(
        version.data,
        category=services.category_names(question.category),
        tags=[t.name for t in question.tags.all()],
        idnumber=question.idnumber,
    )


# --- a question's page ----------------------------------------------------------------------------


def _version_number(request) -> int | None:
    raw = request.GET.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


def _audit_line(event) -> dict:
    words = ACTIONS.get(event.action, event.action)
    before, after = event.before or {}, event.after or {}
    detail = ""
    if event.action == "assessment.question.update" and before.get("version") != after.get("version"):
        detail = f"version {after.get('version')} made"
    elif event.action == "assessment.question.update":
        detail = "category, tags or ID number"
    elif event.action == "assessment.question.import":
        detail = f"version {after.get('version')} from {after.get('source') or 'a file'}"
    elif event.action == "assessment.question.move":
        detail = f"from “{before.get('category', '')}” to “{after.get('category', '')}”"
    return {
        "when": event.occurred_at,
        "who": event.actor_label if event.actor_id else "The system",
        "what": words,
        "detail": detail,
    }


@login_required
def question_detail(request, question_uuid):
    require_bank_reader(request.user)
    question = selectors.access_question(request.user, question_uuid)
    bank = question.bank
    versions = list(selectors.versions_of(question))
    wanted = _version_number(request)
    version = selectors.version_of(question, wanted) if wanted is not None else question.current
    if version is None:
        raise Http404("No such version")
    content = content_of(question, version)
    assert content is not None
    return render(
        request,
        "assessment/banks/question.html",
        {
            "title": question.name,
            "question": question,
            "bank": bank,
            "version": version,
            "is_current": version.pk == question.current_id,
            "versions": versions,
            "shown": preview(content, seed=str(question.uuid)),
            "rich": rich,
            "tags": [t.name for t in question.tags.all()],
            "audit": [_audit_line(e) for e in selectors.question_audit(question)[:AUDIT_SHOWN]],
            "manages": selectors.may_manage_bank(request.user, bank),
            "type_label": TYPE_LABELS.get(question.qtype, question.qtype),
            "breadcrumbs": crumbs(bank),
        },
    )


# --- create ---------------------------------------------------------------------------------------


class TypeForm(forms.Form):
    type = forms.ChoiceField(
        label="Type of question",
        choices=[(t, TYPE_LABELS[t]) for t in QUESTION_TYPES],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the type of question",
            "invalid_choice": "Choose one of the types of question listed",
        },
    )
    category = forms.CharField(required=False, widget=forms.HiddenInput)


@login_required
def bank_question_new(request, bank_uuid):
    """Choose the type of a new question (a GET form: nothing is written)."""
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid, manage=True)
    form = TypeForm(
        request.GET if "type" in request.GET else None, initial={"category": request.GET.get("category", "")}
    )
    if form.is_bound and form.is_valid():
        url = reverse("assessment:bank_question_new_type", args=[bank.uuid, form.cleaned_data["type"]])
        category = form.cleaned_data["category"]
        return redirect(f"{url}?category={category}" if category else url)
    return render(
        request,
        "assessment/banks/question_type.html",
        {
            "title": "Add a question",
            "form": form if form.is_bound and form.errors else None,
            "type_form": form,
            "hints": TYPE_HINTS,
            "bank": bank,
            "breadcrumbs": crumbs(bank),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def bank_question_new_type(request, bank_uuid, qtype):
    require_bank_reader(request.user)
    bank = selectors.access_bank(request.user, bank_uuid, manage=True)
    if qtype not in FORMS:
        raise Http404("No such type of question")
    return _question_form(request, bank=bank, qtype=qtype, question=None)


@login_required
def question_edit(request, question_uuid):
    require_bank_reader(request.user)
    question = selectors.access_question(request.user, question_uuid, manage=True)
    return _question_form(request, bank=question.bank, qtype=question.qtype, question=question)


def _question_form(request, *, bank: Bank, qtype: str, question: Question | None):
    tree = selectors.category_tree(bank)
    form_class = FORMS[qtype]
    original = content_of(question) if question is not None else None
    status = 200
    form: QuestionForm
    if request.method == "POST":
        form = form_class(
            request.POST, categories=tree, original=original, rows=row_counts(form_class, request.POST)
        )
        if request.POST.get("more"):
            # More rows, everything typed kept, nothing checked or saved yet.
            form._errors = ErrorDict()  # type: ignore[attr-defined]
        elif form.is_valid():
            content = form.content
            if form.check_content(content):
                saved = _save(request, form, bank=bank, content=content, question=question)
                if saved is not None:
                    return redirect("assessment:question", saved.uuid)
            status = 400
        else:
            status = 400
    else:
        category = None
        wanted = request.GET.get("category", "")
        if question is not None:
            category = question.category
        elif wanted:
            category = next((n.category for n in tree if str(n.category.uuid) == wanted), None)
        form = form_class(categories=tree, category=category or tree[0].category, original=original)
    label = TYPE_LABELS[qtype]
    next_version = None
    if question is not None:
        next_version = (
            question.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
    return render(
        request,
        "assessment/banks/question_form.html",
        {
            "title": f"Edit {question.name}" if question is not None else f"Add a question: {label.lower()}",
            "form": form if status == 400 else None,
            "question_form": form,
            "bank": bank,
            "question": question,
            "qtype": qtype,
            "type_label": label,
            "type_hint": TYPE_HINTS[qtype],
            "next_version": next_version,
            "current_version": question.current.number if question is not None and question.current else None,
            "breadcrumbs": crumbs(bank, question),
        },
        status=status,
    )


def _save(request, form: QuestionForm, *, bank: Bank, content: Content, question: Question | None):
    try:
        if question is None:
            saved = services.question_create(
                actor=request.user, bank=bank, content=content, category=form.chosen_category()
            )
            messages.success(request, f"The question “{saved.name}” is added to {bank.name}.")
            return saved
        before = question.current_id
        version = services.question_update(
            actor=request.user,
            question=question,
            content=content,
            category=form.chosen_category(),
            tags=content.tags,
            idnumber=content.idnumber,
        )
        messages.success(
            request,
            f"Saved as version {version.number}. Earlier versions are kept for the attempts that used them."
            if version.pk != before
            else f"Saved. The question's content did not change, so it is still version {version.number}.",
        )
        return question
    except PermissionDenied:
        raise Http404("No such question bank") from None
    except ValidationError as error:
        add_service_errors(form, error)
        return None


# --- hide and show --------------------------------------------------------------------------------


@login_required
@require_POST
def question_hide(request, question_uuid):
    require_bank_reader(request.user)
    question = selectors.access_question(request.user, question_uuid, manage=True)
    hidden = request.POST.get("hidden") == "1"
    try:
        services.question_set_hidden(actor=request.user, question=question, hidden=hidden)
    except PermissionDenied:
        raise Http404("No such question") from None
    messages.success(
        request,
        f"“{question.name}” is hidden: new quizzes will not offer it. Attempts that used it keep it."
        if hidden
        else f"“{question.name}” is shown again: new quizzes may use it.",
    )
    return redirect("assessment:question", question.uuid)
