"""Reading question banks, and who may see and change them.

A bank is managed (its questions written) by people who manage learning (Perm.LEARNING_MANAGE) for
its whole owner organisation; the national body's banks are also *usable* (read, previewed and
drawn into quizzes) by managers of forces that hold national content (PL-P-200) in force. Anything
else is "not found", like a bank that does not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from bluelamp.assessment.banks.models import Bank, Category, Question, QuestionVersion, Tag
from bluelamp.organisations.api import LicenceType, Organisation, Perm, access_for, licensed_organisation_ids


def _access(actor):
    return access_for(actor, Perm.LEARNING_MANAGE)


def _national_ids() -> list[int]:
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_BODY).values_list("pk", flat=True)
    )


def may_manage_bank(actor, bank: Bank) -> bool:
    return _access(actor).covers_organisation(bank.owner_id)


def may_own_banks(actor, organisation_id: int) -> bool:
    """The actor may create banks owned by the organisation."""
    return _access(actor).covers_organisation(organisation_id)


def banks_managed(actor) -> QuerySet[Bank]:
    access = _access(actor)
    if access.national:
        return Bank.objects.all()
    return Bank.objects.filter(owner_id__in=access.organisation_ids)


def banks_usable(actor) -> QuerySet[Bank]:
    """Banks whose questions the actor may see and use in quizzes: those they manage and, when an
    organisation they manage holds national content, the national body's."""
    access = _access(actor)
    if access.national:
        return Bank.objects.all()
    if not access.organisation_ids:
        return Bank.objects.none()
    q = Q(owner_id__in=access.organisation_ids)
    if access.organisation_ids & licensed_organisation_ids(LicenceType.DIGITAL_CONTENT_ACCESS):
        q |= Q(owner_id__in=_national_ids())
    return Bank.objects.filter(q)


def access_bank(actor, bank_uuid, *, manage: bool = False) -> Bank:
    """The bank, if the actor may use it (or, with `manage`, change it); else 404."""
    banks = banks_managed(actor) if manage else banks_usable(actor)
    bank = banks.select_related("owner").filter(uuid=bank_uuid).first()
    if bank is None:
        raise Http404("No such question bank")
    return bank


def access_question(actor, question_uuid, *, manage: bool = False) -> Question:
    banks = banks_managed(actor) if manage else banks_usable(actor)
    question = (
        Question.objects.select_related("bank__owner", "category", "current")
        .filter(uuid=question_uuid, bank__in=banks)
        .first()
    )
    if question is None:
        raise Http404("No such question")
    return question


def categories_of(bank: Bank) -> QuerySet[Category]:
    return bank.categories.order_by("path")


def tags_of(bank: Bank) -> QuerySet[Tag]:
    return bank.tags.order_by("name")


def questions_of(
    bank: Bank,
    *,
    category: Category | None = None,
    subcategories: bool = True,
    tags: list[str] | tuple[str, ...] = (),
    qtype: str = "",
    query: str = "",
    hidden: bool = False,
) -> QuerySet[Question]:
    """The bank's questions, filtered: in `category` (and, with `subcategories`, below it), with
    every tag of `tags`, of type `qtype`, whose name holds `query`; hidden ones only if asked."""
    questions = bank.questions.select_related("category", "current").prefetch_related("tags")
    if not hidden:
        questions = questions.filter(hidden=False)
    if category is not None:
        if subcategories:
            questions = questions.filter(
                Q(category=category)
                | Q(category__bank=bank, category__path__startswith=category.path + " / ")
            )
        else:
            questions = questions.filter(category=category)
    for tag in tags:
        questions = questions.filter(tags__name=tag)
    if qtype:
        questions = questions.filter(qtype=qtype)
    if query:
        questions = questions.filter(name__icontains=query)
    return questions.distinct().order_by("category__path", "name", "pk")


def versions_of(question: Question) -> QuerySet[QuestionVersion]:
    return question.versions.select_related("created_by").order_by("-number")
