"""Writing question banks: banks, categories, questions and their versions, and importing a
file's questions whole.

Every edit of a question's content makes a new version (as Moodle 4 does): attempts point at the
version they saw, so an edit never changes a finished attempt, and regrading is an explicit
step of the quiz. Each write checks who may act and is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bluelamp.assessment.banks import codec
from bluelamp.assessment.banks.models import Bank, Category, Question, QuestionVersion, Tag
from bluelamp.assessment.banks.selectors import may_manage_bank, may_own_banks
from bluelamp.assessment.formats.questions import ParseResult, check
from bluelamp.assessment.formats.questions import Question as Content
from bluelamp.audit.api import audit_record, audit_record_many
from bluelamp.core.validation import text_errors

SEPARATOR = " / "
TOP = "Top"  # the category of questions a file puts at the bank's top


def path_of(names) -> str:
    """A category's path from its names, top first. A "/" inside a name is written "//", as
    Moodle writes it, so that "Rights / entitlements" (one category) and "Rights" › "entitlements"
    (two) have different paths."""
    return SEPARATOR.join(name.replace("/", "//") for name in names)


def names_of(path: str) -> tuple[str, ...]:
    """The names of a category's path, top first (path_of's reverse)."""
    return tuple(part.replace("//", "/") for part in path.split(SEPARATOR))


def category_names(category: Category) -> tuple[str, ...]:
    """The names below the top down to the category: () for the top, as files give them."""
    return names_of(category.path)[1:]


def _require_manager(actor, bank: Bank) -> None:
    if actor is not None and not may_manage_bank(actor, bank):
        raise PermissionDenied("You cannot change this question bank.")


def bank_create(*, actor, owner, name: str, description: str = "", at: dt.datetime | None = None) -> Bank:
    """A new bank owned by `owner` (actor None: the system, e.g. the demo)."""
    if actor is not None and not may_own_banks(actor, owner.pk):
        raise PermissionDenied("You cannot create question banks for this organisation.")
    name = (name or "").strip()
    errors = text_errors(name=name, description=description, multiline=("description",))
    if not name:
        errors["name"] = "Enter a name for the question bank."
    elif len(name) > 200:
        errors["name"] = f"The name is {len(name)} characters long; use 200 or fewer."
    elif Bank.objects.filter(owner=owner, name__iexact=name).exists():
        errors["name"] = f"{owner.name} already has a question bank called “{name}”; choose another name."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        bank = Bank.objects.create(
            owner=owner,
            name=name,
            description=description or "",
            created_by=actor,
            created_at=at or timezone.now(),
        )
        category_ensure(bank=bank, path=())
        audit_record(
            actor=actor, action="assessment.bank.create", organisation=owner, obj=bank, object_label=name
        )
    return bank


def bank_update(*, actor, bank: Bank, name: str, description: str = "") -> Bank:
    _require_manager(actor, bank)
    name = (name or "").strip()
    errors = text_errors(name=name, description=description, multiline=("description",))
    if not name:
        errors["name"] = "Enter a name for the question bank."
    elif Bank.objects.filter(owner_id=bank.owner_id, name__iexact=name).exclude(pk=bank.pk).exists():
        errors["name"] = f"There is already a question bank called “{name}”; choose another name."
    if errors:
        raise ValidationError(errors)
    before = {"name": bank.name, "description": bank.description}
    with transaction.atomic():
        bank.name, bank.description = name, description or ""
        bank.save(update_fields=["name", "description"])
        audit_record(
            actor=actor,
            action="assessment.bank.update",
            organisation=bank.owner,
            obj=bank,
            object_label=name,
            before=before,
            after={"name": name, "description": bank.description},
        )
    return bank


def _clean_path(path) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in path if part and part.strip())
    if parts and parts[0].lower() == TOP.lower():
        parts = parts[1:]
    return parts


def category_ensure(*, bank: Bank, path) -> Category:
    """The category at `path` (names from the top; () or ("Top",) is the top), made with any
    missing parents. Call inside the writer's transaction."""
    parts = _clean_path(path)
    full = (TOP, *parts)
    parent = None
    category = None
    for depth in range(1, len(full) + 1):
        text = path_of(full[:depth])
        category = Category.objects.filter(bank=bank, path=text).first()
        if category is None:
            category = Category.objects.create(bank=bank, parent=parent, name=full[depth - 1], path=text)
        parent = category
    assert category is not None
    return category


def category_create(
    *, actor, bank: Bank, parent: Category | None, name: str, description: str = ""
) -> Category:
    _require_manager(actor, bank)
    name = (name or "").strip()
    errors = text_errors(name=name, description=description, multiline=("description",))
    if not name:
        errors["name"] = "Enter a name for the category."
    elif len(name) > 200:
        errors["name"] = f"The name is {len(name)} characters long; use 200 or fewer."
    if parent is not None and parent.bank_id != bank.pk:
        errors["parent"] = "Choose a category of this bank."
    parent = parent or category_ensure(bank=bank, path=())
    path = parent.path + SEPARATOR + path_of([name])
    if not errors and Category.objects.filter(bank=bank, path=path).exists():
        errors["name"] = f"“{parent.path}” already has a category called “{name}”."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        category = Category.objects.create(
            bank=bank, parent=parent, name=name, path=path, description=description
        )
        audit_record(
            actor=actor,
            action="assessment.category.create",
            organisation=bank.owner,
            obj=category,
            object_label=path,
        )
    return category


def _is_top(category: Category) -> bool:
    return category.parent_id is None


def category_update(
    *, actor, category: Category, name: str, description: str = "", parent: Category | None = None
) -> Category:
    """Rename a category and move it under `parent` (None: where it is), carrying its
    subcategories along. The top category stays as it is; a category cannot move under itself."""
    bank = category.bank
    _require_manager(actor, bank)
    name = (name or "").strip()
    errors = text_errors(name=name, description=description, multiline=("description",))
    if _is_top(category):
        raise ValidationError({"name": "The top category of a bank cannot be renamed or moved."})
    if not name:
        errors["name"] = "Enter a name for the category."
    elif len(name) > 200:
        errors["name"] = f"The name is {len(name)} characters long; use 200 or fewer."
    parent = parent or category.parent
    assert parent is not None
    if parent.bank_id != bank.pk:
        errors["parent"] = "Choose a category of this bank."
    elif parent.pk == category.pk or parent.path.startswith(category.path + SEPARATOR):
        errors["parent"] = (
            f"“{category.path}” cannot move into “{parent.path}”: that is itself or one of its own "
            "subcategories. Choose a category outside it."
        )
    old_path = category.path
    new_path = parent.path + SEPARATOR + path_of([name])
    if (
        not errors
        and new_path != old_path
        and Category.objects.filter(bank=bank, path=new_path).exclude(pk=category.pk).exists()
    ):
        errors["name"] = f"“{parent.path}” already has a category called “{name}”."
    if errors:
        raise ValidationError(errors)
    before = {"name": category.name, "path": old_path, "description": category.description}
    with transaction.atomic():
        below = list(
            Category.objects.select_for_update().filter(bank=bank, path__startswith=old_path + SEPARATOR)
        )
        category.name, category.parent, category.path = name, parent, new_path
        category.description = description or ""
        category.save(update_fields=["name", "parent", "path", "description"])
        for child in below:
            child.path = new_path + child.path[len(old_path) :]
        Category.objects.bulk_update(below, ["path"])
        audit_record(
            actor=actor,
            action="assessment.category.update",
            organisation=bank.owner,
            obj=category,
            object_label=new_path,
            before=before,
            after={"name": name, "path": new_path, "description": category.description},
        )
    return category


def category_delete(*, actor, category: Category) -> None:
    """Delete a category that holds no questions and no subcategories (never the top)."""
    bank = category.bank
    _require_manager(actor, bank)
    if _is_top(category):
        raise ValidationError("The top category of a bank cannot be deleted.")
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        questions = category.questions.count()
        children = category.children.count()
        if questions or children:
            held = [
                f"{questions} question{'s' if questions != 1 else ''}" if questions else "",
                f"{children} subcategor{'ies' if children != 1 else 'y'}" if children else "",
            ]
            raise ValidationError(
                f"“{category.path}” holds {' and '.join(h for h in held if h)}: move or delete them first, "
                "then delete the category."
            )
        audit_record(
            actor=actor,
            action="assessment.category.delete",
            organisation=bank.owner,
            obj=category,
            object_label=category.path,
        )
        category.delete()


def questions_move(*, actor, bank: Bank, questions, category: Category) -> int:
    """Move questions of the bank to `category` (no new version: where a question sits is not its
    content). Returns how many moved."""
    _require_manager(actor, bank)
    if category.bank_id != bank.pk:
        raise ValidationError({"category": "Choose a category of this bank."})
    with transaction.atomic():
        moving = list(
            Question.objects.select_for_update(of=("self",))
            .filter(bank=bank, pk__in=[q.pk for q in questions])
            .exclude(category=category)
            .select_related("category")
        )
        for question in moving:
            audit_record(
                actor=actor,
                action="assessment.question.move",
                organisation=bank.owner,
                obj=question,
                object_label=f"{question.name} in {bank.name}",
                before={"category": question.category.path},
                after={"category": category.path},
            )
            question.category = category
        Question.objects.bulk_update(moving, ["category"])
    return len(moving)


def _check_content(content: Content) -> None:
    problems = check(content)
    if problems:
        raise ValidationError({"question": [f"The question {p}." if p[0].islower() else p for p in problems]})


def _check_idnumber(bank: Bank, idnumber: str, *, question: Question | None = None) -> None:
    idnumber = (idnumber or "").strip()
    errors = text_errors(idnumber=idnumber)
    if len(idnumber) > 100:
        errors["idnumber"] = f"The ID number is {len(idnumber)} characters long; use 100 or fewer."
    elif idnumber:
        taken = Question.objects.filter(bank=bank, idnumber=idnumber)
        if question is not None:
            taken = taken.exclude(pk=question.pk)
        other = taken.first()
        if other is not None:
            errors["idnumber"] = (
                f"The ID number “{idnumber}” is already used by the question “{other.name}” of this bank; "
                "an ID number names one question. Choose another or leave it blank."
            )
    if errors:
        raise ValidationError(errors)


def _tags(bank: Bank, names) -> list[Tag]:
    tags = []
    for name in sorted({n.strip() for n in names if n and n.strip()}):
        tag, _ = Tag.objects.get_or_create(bank=bank, name=name[:100])
        tags.append(tag)
    return tags


def _new_version(
    question: Question, content: Content, *, actor, at: dt.datetime, number: int
) -> QuestionVersion:
    version = QuestionVersion.objects.create(
        question=question,
        number=number,
        qtype=content.type,
        name=content.name.strip(),
        data=codec.to_data(content),
        fingerprint=codec.fingerprint(content),
        default_mark=content.default_mark,
        created_at=at,
        created_by=actor,
    )
    question.current = version
    question.qtype = content.type
    question.name = content.name.strip()[:255]
    question.save(update_fields=["current", "qtype", "name"])
    return version


def question_create(
    *, actor, bank: Bank, content: Content, category: Category | None = None, at: dt.datetime | None = None
) -> Question:
    """A new question from its neutral form, in `category` (else the category path the content
    names, made if missing), with the content's tags and idnumber."""
    _require_manager(actor, bank)
    _check_content(content)
    at = at or timezone.now()
    if category is not None and category.bank_id != bank.pk:
        raise ValidationError({"category": "Choose a category of this bank."})
    _check_idnumber(bank, content.idnumber)
    with transaction.atomic():
        category = category or category_ensure(bank=bank, path=content.category)
        question = Question.objects.create(
            bank=bank,
            category=category,
            qtype=content.type,
            name=content.name.strip()[:255],
            idnumber=content.idnumber.strip()[:100],
            created_at=at,
            created_by=actor,
        )
        _new_version(question, content, actor=actor, at=at, number=1)
        question.tags.set(_tags(bank, content.tags))
        audit_record(
            actor=actor,
            action="assessment.question.create",
            organisation=bank.owner,
            obj=question,
            object_label=f"{question.name} ({content.type}) in {bank.name}",
        )
    return question


def question_update(
    *,
    actor,
    question: Question,
    content: Content,
    category: Category | None = None,
    tags=None,
    idnumber: str | None = None,
    at: dt.datetime | None = None,
) -> QuestionVersion:
    """Change a question: a new version when its content changed (the earlier versions stay for
    the attempts that saw them); its category, tags and ID number change without a version."""
    bank = question.bank
    _require_manager(actor, bank)
    _check_content(content)
    if idnumber is not None:
        _check_idnumber(bank, idnumber, question=question)
    at = at or timezone.now()
    if content.type != question.qtype:
        raise ValidationError(
            {"question": f"A {question.qtype} question cannot become a {content.type} question."}
        )
    if category is not None and category.bank_id != bank.pk:
        raise ValidationError({"category": "Choose a category of this bank."})
    with transaction.atomic():
        # Only the question's row: its current version is on the nullable side of the join, which
        # PostgreSQL will not lock.
        question = (
            Question.objects.select_for_update(of=("self",)).select_related("current").get(pk=question.pk)
        )
        current = question.current
        before = {
            "version": current.number if current else None,
            "category": question.category_id,
            "idnumber": question.idnumber,
        }
        version = current
        if current is None or current.fingerprint != codec.fingerprint(content):
            number = (question.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            version = _new_version(question, content, actor=actor, at=at, number=number)
        if category is not None and category.pk != question.category_id:
            question.category = category
            question.save(update_fields=["category"])
        if tags is not None:
            question.tags.set(_tags(bank, tags))
        if idnumber is not None and idnumber.strip() != question.idnumber:
            question.idnumber = idnumber.strip()
            question.save(update_fields=["idnumber"])
        assert version is not None
        audit_record(
            actor=actor,
            action="assessment.question.update",
            organisation=bank.owner,
            obj=question,
            object_label=f"{question.name} in {bank.name}",
            before=before,
            after={
                "version": version.number,
                "category": question.category_id,
                "idnumber": question.idnumber,
            },
        )
    return version


def question_set_hidden(*, actor, question: Question, hidden: bool) -> Question:
    """Hide a question from new quizzes (attempts that used it keep it), or show it again."""
    _require_manager(actor, question.bank)
    with transaction.atomic():
        question.hidden = hidden
        question.save(update_fields=["hidden"])
        audit_record(
            actor=actor,
            action="assessment.question.hide" if hidden else "assessment.question.show",
            organisation=question.bank.owner,
            obj=question,
            object_label=question.name,
        )
    return question


@dataclass
class ImportOutcome:
    """What an import did: per type, how many questions of the file are now in the bank (made now
    or already there), and of those how many were already there."""

    by_type: Counter = field(default_factory=Counter)
    created: int = 0
    updated: int = 0  # an idnumber already in the bank, with new content: a new version
    unchanged: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def questions_import(
    *, actor, bank: Bank, result: ParseResult, source: str = "", at: dt.datetime | None = None
) -> ImportOutcome:
    """Write a file's questions (read and checked by formats/) to the bank, all or none.

    Raises ValidationError listing the file's problems and unsupported types when there are any
    (nothing is written). A question already in the bank (by idnumber, else by category and
    content) is not made again, so importing a file twice changes nothing.
    """
    _require_manager(actor, bank)
    if not result.ok:
        messages = [str(p) for p in result.problems] + [
            f"question {u.number} ({u.name}): the type “{u.type}” is not supported"
            for u in result.unsupported
        ]
        raise ValidationError(messages)
    for content in result.questions:
        problems = check(content)
        if problems:
            raise ValidationError([f"question {content.number} ({content.name}): {p}" for p in problems])
    at = at or timezone.now()
    outcome = ImportOutcome()
    touched: list[tuple[Question, dict]] = []
    try:
        with transaction.atomic():
            Bank.objects.select_for_update().get(pk=bank.pk)  # one import into a bank at a time
            for content in result.questions:
                category = category_ensure(bank=bank, path=content.category)
                fingerprint = codec.fingerprint(content)
                existing = None
                if content.idnumber.strip():
                    existing = Question.objects.filter(bank=bank, idnumber=content.idnumber.strip()).first()
                if existing is None:
                    existing = Question.objects.filter(
                        bank=bank, category=category, current__fingerprint=fingerprint
                    ).first()
                outcome.by_type[content.type] += 1
                if existing is None:
                    question = Question.objects.create(
                        bank=bank,
                        category=category,
                        qtype=content.type,
                        name=content.name.strip()[:255],
                        idnumber=content.idnumber.strip()[:100],
                        created_at=at,
                        created_by=actor,
                    )
                    _new_version(question, content, actor=actor, at=at, number=1)
                    question.tags.set(_tags(bank, content.tags))
                    outcome.created += 1
                    touched.append((question, {"source": source, "version": 1}))
                elif existing.current is None or existing.current.fingerprint != fingerprint:
                    if existing.qtype != content.type:
                        raise ValidationError(
                            f"question {content.number} ({content.name}): the bank's question with the idnumber "
                            f"“{content.idnumber}” is a {existing.qtype} question, not {content.type}"
                        )
                    number = (
                        existing.versions.order_by("-number").values_list("number", flat=True).first() or 0
                    ) + 1
                    _new_version(existing, content, actor=actor, at=at, number=number)
                    outcome.updated += 1
                    touched.append((existing, {"source": source, "version": number}))
                else:
                    outcome.unchanged += 1
            # Each question made or changed, so that its own history says where it came from.
            audit_record_many(
                actor=actor,
                action="assessment.question.import",
                organisation=bank.owner,
                objects=[question for question, _ in touched],
                after=[after for _, after in touched],
            )
            audit_record(
                actor=actor,
                action="assessment.bank.import",
                organisation=bank.owner,
                obj=bank,
                object_label=f"{bank.name}: {source or 'a file'}",
                after={
                    "types": dict(outcome.by_type),
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                },
            )
    except IntegrityError as error:  # two imports racing on one idnumber
        raise ValidationError(
            f"The bank changed while importing; nothing was written. Try again. ({error})"
        ) from None
    return outcome


def questions_export(bank: Bank, *, category: Category | None = None) -> list[Content]:
    """The bank's current questions (hidden ones too) in the neutral form, category by category."""
    questions = (
        Question.objects.filter(bank=bank)
        .select_related("category", "current")
        .prefetch_related("tags")
        .order_by("category__path", "pk")
    )
    if category is not None:
        # The category and those below it ("Top / Law" must not take in "Top / Lawful").
        questions = questions.filter(
            Q(category=category) | Q(category__path__startswith=category.path + SEPARATOR)
        )
    contents = []
    for question in questions:
        if question.current is None:
            continue
        path = category_names(question.category)
        contents.append(
            codec.from_data(
                question.current.data,
                category=path,
                tags=[t.name for t in question.tags.all()],
                idnumber=question.idnumber,
            )
        )
    return contents
