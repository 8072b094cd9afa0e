"""Reading question banks, and who may see and change them.

A bank is managed (its questions written) by people who manage learning (Perm.LEARNING_MANAGE) for
its whole owner organisation; the national body's banks are also *usable* (read, previewed and
drawn into quizzes) by managers of forces that hold national content (PL-P-200) in force. Anything
else is "not found", like a bank that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bluelamp.assessment.banks.models import Bank, Category, Question, QuestionVersion, Tag
from bluelamp.audit.api import AuditEvent
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


def banks_listed(actor) -> QuerySet[Bank]:
    """The banks the actor may use, with how many questions each holds (hidden ones apart)."""
    return (
        banks_usable(actor)
        .select_related("owner")
        .annotate(
            question_count=Count("questions", filter=Q(questions__hidden=False), distinct=True),
            hidden_count=Count("questions", filter=Q(questions__hidden=True), distinct=True),
        )
        .order_by("owner__name", "name", "pk")
    )


def access_category(bank: Bank, category_uuid) -> Category:
    """A category of a bank the caller has already reached (else 404)."""
    category = bank.categories.filter(uuid=category_uuid).first()
    if category is None:
        raise Http404("No such category")
    return category


@dataclass
class CategoryNode:
    """A category in its bank's tree: how many questions it holds itself and with everything
    below it."""

    category: Category
    depth: int
    count: int = 0
    total: int = 0
    children: list[CategoryNode] = field(default_factory=list)


def category_tree(bank: Bank) -> list[CategoryNode]:
    """The bank's categories depth first (the top first, children by name), each with its counts
    (two queries whatever the size of the bank)."""
    categories = list(bank.categories.all())
    counts = dict(
        Question.objects.filter(bank=bank)
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
        .order_by()
    )
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    flat: list[CategoryNode] = []

    def visit(category: Category, depth: int) -> CategoryNode:
        node = CategoryNode(category=category, depth=depth, count=counts.get(category.pk, 0))
        flat.append(node)
        for child in sorted(children.get(category.pk, []), key=lambda c: (c.name.lower(), c.pk)):
            node.children.append(visit(child, depth + 1))
        node.total = node.count + sum(child.total for child in node.children)
        return node

    for root in sorted(children.get(None, []), key=lambda c: (c.path, c.pk)):
        visit(root, 0)
    return flat


def question_audit(question: Question) -> QuerySet[AuditEvent]:
    """What has been done to the question, newest first."""
    return AuditEvent.objects.filter(
        object_type=Question._meta.label_lower, object_id=str(question.pk)
    ).order_by("-occurred_at", "-pk")


def version_of(question: Question, number: int | None) -> QuestionVersion | None:
    """The version numbered `number` (None: the current one)."""
    if number is None:
        return question.current
    return question.versions.select_related("created_by").filter(number=number).first()
