"""Writing the gradebook: its settings, categories and items (course managers: `may_set_up`), and
learners' grades entered by hand or overridden (those who may mark the learner: `may_mark`).

Each write checks who may act (PermissionDenied otherwise, which pages and the API show as "not
found"), checks its input whole (ValidationError naming each field, the value and what is
accepted; nothing written), and is audited in its own transaction. A change to a learner's grade
is also kept as a `GradeChange`, the history their page shows.

Grades that quizzes and assignments hand down arrive through sink.py, not here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bluelamp.assessment.gradebook.models import (
    Grade,
    GradebookSettings,
    GradeCategory,
    GradeChange,
    GradeItem,
)
from bluelamp.assessment.shared.access import may_mark, may_set_up
from bluelamp.audit.api import audit_record
from bluelamp.core.validation import text_errors
from bluelamp.learning.api import Enrolment

MAX_WEIGHT = Decimal(1000)
MAX_MAX_GRADE = Decimal(100000)
NAME_LENGTH = 200
REASON_LENGTH = 2000
FEEDBACK_LENGTH = 20000
UP, DOWN = "up", "down"

Number = Decimal | int | float | str


# --- checks ------------------------------------------------------------------------------------


def _require_set_up(actor, course) -> None:
    if not may_set_up(actor, course):
        raise PermissionDenied("You cannot change this course's gradebook.")


def _require_mark(actor, course, person) -> None:
    if not may_mark(actor, learner=person, course=course):
        raise PermissionDenied("You cannot change this learner's grades.")


def _text(value: str | None) -> str:
    return "" if value is None else str(value)


def _show(value: Decimal) -> str:
    """A number as a person typed it: 7.50 → 7.5, 10.00 → 10."""
    return format(value.normalize(), "f")


def number(
    errors: dict[str, str],
    field: str,
    value: Number | None,
    *,
    label: str,
    low: Decimal,
    high: Decimal,
    places: int,
    required: bool = True,
    low_open: bool = False,
) -> Decimal | None:
    """`value` as a Decimal from `low` to `high` with at most `places` decimal places, or None
    (blank, when not required); otherwise a message on `field` naming the value given and what is
    accepted (added to `errors`)."""
    accepted = f"{'more than ' + _show(low) if low_open else 'from ' + _show(low)} " + (
        f"to {_show(high)}" if not low_open else f"up to {_show(high)}"
    )
    example = "7.5" if places else "7"
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = f"Enter {label}: a number {accepted}, like {example}."
        return None
    text = str(value).strip().replace(",", "") if isinstance(value, str) else value
    try:
        parsed = Decimal(str(text))
    except InvalidOperation:
        errors[field] = f"“{value}” is not a number. Enter {label} {accepted}, like {example}."
        return None
    if not parsed.is_finite():
        errors[field] = f"“{value}” is not a number. Enter {label} {accepted}, like {example}."
        return None
    if parsed < low or parsed > high or (low_open and parsed == low):
        errors[field] = f"{_show(parsed)} is out of range. Enter {label} {accepted}."
        return None
    if parsed != parsed.quantize(Decimal(1).scaleb(-places)):
        errors[field] = (
            f"{_show(parsed)} has more than {places} decimal places. Enter {label} with at most "
            f"{places} (like {example})."
        )
        return None
    return parsed.quantize(Decimal(1).scaleb(-places)) if places else parsed


def _name(errors: dict[str, str], value: str, *, noun: str) -> str:
    name = _text(value).strip()
    errors.update(text_errors(name=name))
    if not name:
        errors["name"] = f"Enter a name for the {noun}."
    elif len(name) > NAME_LENGTH:
        errors["name"] = f"The name is {len(name)} characters long; use {NAME_LENGTH} or fewer."
    return name


def _reason(errors: dict[str, str], value: str, *, what: str) -> str:
    reason = _text(value).strip()
    errors.update(text_errors(reason=reason, multiline=("reason",)))
    if not reason:
        errors["reason"] = f"Enter the reason for {what}: it is kept with the grade and in the audit log."
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = f"The reason is {len(reason)} characters long; use {REASON_LENGTH} or fewer."
    return reason


# --- settings ----------------------------------------------------------------------------------


def settings_update(
    *,
    actor,
    course,
    aggregation: str,
    missing: str,
    pass_percent: Number | None,
    learners_see_total: bool,
    at: dt.datetime | None = None,
) -> GradebookSettings:
    """Set how the course grade is worked out and what learners see."""
    _require_set_up(actor, course)
    errors: dict[str, str] = {}
    if aggregation not in GradebookSettings.Aggregation.values:
        errors["aggregation"] = (
            f"“{aggregation}” is not a way of working out the course grade. Choose one of: "
            + ", ".join(GradebookSettings.Aggregation.values)
            + "."
        )
    if missing not in GradebookSettings.Missing.values:
        errors["missing"] = f"“{missing}” is not accepted for missing grades. Choose one of: " + (
            ", ".join(GradebookSettings.Missing.values) + "."
        )
    percent = number(
        errors,
        "pass_percent",
        pass_percent,
        label="the course pass grade as a percentage",
        low=Decimal(0),
        high=Decimal(100),
        places=2,
        required=False,
    )
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        row = GradebookSettings.objects.select_for_update().filter(course=course).first()
        before = _settings_dict(row) if row else _settings_dict(GradebookSettings(course=course))
        if row is None:
            row = GradebookSettings(course=course)
        row.aggregation = aggregation
        row.missing = missing
        row.pass_percent = percent
        row.learners_see_total = bool(learners_see_total)
        row.updated_at = at
        row.updated_by = actor
        row.save()
        audit_record(
            actor=actor,
            action="gradebook.settings.update",
            organisation=course.owner,
            obj=course,
            object_label=f"Gradebook of {course.code} {course.title}",
            before=before,
            after=_settings_dict(row),
        )
    return row


def _settings_dict(row: GradebookSettings) -> dict:
    return {
        "aggregation": row.aggregation,
        "missing": row.missing,
        "pass_percent": row.pass_percent,
        "learners_see_total": row.learners_see_total,
    }


# --- categories --------------------------------------------------------------------------------


def _weight(errors: dict[str, str], value: Number | None) -> Decimal | None:
    return number(
        errors,
        "weight",
        value,
        label="the weight",
        low=Decimal(0),
        high=MAX_WEIGHT,
        places=3,
    )


def category_create(*, actor, course, name: str, weight: Number = 1) -> GradeCategory:
    """A new category at the end of the course's categories."""
    _require_set_up(actor, course)
    errors: dict[str, str] = {}
    name = _name(errors, name, noun="category")
    parsed = _weight(errors, weight)
    if "name" not in errors and GradeCategory.objects.filter(course=course, name__iexact=name).exists():
        errors["name"] = f"{course.code} already has a category called “{name}”; choose another name."
    if errors:
        raise ValidationError(errors)
    assert parsed is not None
    with transaction.atomic():
        order = (GradeCategory.objects.filter(course=course).aggregate(m=Max("order"))["m"] or 0) + 1
        category = GradeCategory.objects.create(course=course, name=name, weight=parsed, order=order)
        audit_record(
            actor=actor,
            action="gradebook.category.create",
            organisation=course.owner,
            obj=category,
            object_label=f"{name} ({course.code})",
            after={"name": name, "weight": parsed},
        )
    return category


def category_update(*, actor, category: GradeCategory, name: str, weight: Number) -> GradeCategory:
    """Rename a category or change its weight."""
    course = category.course
    _require_set_up(actor, course)
    errors: dict[str, str] = {}
    name = _name(errors, name, noun="category")
    parsed = _weight(errors, weight)
    if (
        "name" not in errors
        and GradeCategory.objects.filter(course=course, name__iexact=name).exclude(pk=category.pk).exists()
    ):
        errors["name"] = f"{course.code} already has a category called “{name}”; choose another name."
    if errors:
        raise ValidationError(errors)
    assert parsed is not None
    before = {"name": category.name, "weight": category.weight}
    with transaction.atomic():
        category.name, category.weight = name, parsed
        category.save(update_fields=["name", "weight"])
        audit_record(
            actor=actor,
            action="gradebook.category.update",
            organisation=course.owner,
            obj=category,
            object_label=f"{name} ({course.code})",
            before=before,
            after={"name": name, "weight": parsed},
        )
    return category


def _swap(rows: list, index: int, direction: str) -> bool:
    """Move rows[index] one place up or down and number the rows' `order` 1..n again (saving
    those that changed); False when it is already first or last."""
    other = index - 1 if direction == UP else index + 1
    if direction not in (UP, DOWN) or not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for number_, row in enumerate(rows, start=1):
        if row.order != number_:
            row.order = number_
            row.save(update_fields=["order"])
    return True


def category_move(*, actor, category: GradeCategory, direction: str) -> bool:
    """Move the category one place up or down among the course's categories."""
    course = category.course
    _require_set_up(actor, course)
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": f"“{direction}” is not a direction. Use up or down."})
    with transaction.atomic():
        rows = list(GradeCategory.objects.select_for_update().filter(course=course).order_by("order", "name"))
        index = next(i for i, row in enumerate(rows) if row.pk == category.pk)
        moved = _swap(rows, index, direction)
        if moved:
            audit_record(
                actor=actor,
                action="gradebook.category.move",
                organisation=course.owner,
                obj=category,
                object_label=f"{category.name} ({course.code})",
                after={"direction": direction},
            )
    return moved


def category_delete(*, actor, category: GradeCategory) -> int:
    """Delete the category; its items stay, in no category. Returns how many items moved."""
    course = category.course
    _require_set_up(actor, course)
    with transaction.atomic():
        titles = list(category.items.order_by("order", "pk").values_list("title", flat=True))
        category.items.update(category=None)
        audit_record(
            actor=actor,
            action="gradebook.category.delete",
            organisation=course.owner,
            obj=category,
            object_label=f"{category.name} ({course.code})",
            before={"name": category.name, "weight": category.weight, "items": titles},
        )
        category.delete()
    return len(titles)


# --- items -------------------------------------------------------------------------------------


def _category_of(errors: dict[str, str], course, category: GradeCategory | None) -> GradeCategory | None:
    if category is not None and category.course_id != course.pk:
        errors["category"] = f"Choose one of {course.code}'s categories, or none."
        return None
    return category


def _end_order(course) -> int:
    return (GradeItem.objects.filter(course=course).aggregate(m=Max("order"))["m"] or 0) + 1


def _grades_range(errors: dict[str, str], max_grade: Number | None, pass_grade: Number | None):
    top = number(
        errors,
        "max_grade",
        max_grade,
        label="the maximum grade",
        low=Decimal(0),
        high=MAX_MAX_GRADE,
        places=2,
        low_open=True,
    )
    passing = number(
        errors,
        "pass_grade",
        pass_grade,
        label="the pass grade",
        low=Decimal(0),
        high=top if top is not None else MAX_MAX_GRADE,
        places=2,
        required=False,
    )
    return top, passing


def _item_dict(item: GradeItem) -> dict:
    return {
        "title": item.title,
        "max_grade": item.max_grade,
        "pass_grade": item.pass_grade,
        "category": item.category.name if item.category_id and item.category else None,
        "weight": item.weight,
        "hidden": item.hidden,
    }


def manual_item_create(
    *,
    actor,
    course,
    title: str,
    max_grade: Number | None,
    pass_grade: Number | None = None,
    category: GradeCategory | None = None,
    weight: Number = 1,
    hidden: bool = False,
    at: dt.datetime | None = None,
) -> GradeItem:
    """An item graded by hand in the gradebook (a practical observation, an interview), at the end
    of the course's items."""
    _require_set_up(actor, course)
    errors: dict[str, str] = {}
    title = _text(title).strip()
    errors.update(text_errors(title=title))
    if not title:
        errors["title"] = "Enter a title for the item."
    elif len(title) > NAME_LENGTH:
        errors["title"] = f"The title is {len(title)} characters long; use {NAME_LENGTH} or fewer."
    top, passing = _grades_range(errors, max_grade, pass_grade)
    parsed_weight = _weight(errors, weight)
    category = _category_of(errors, course, category)
    if errors:
        raise ValidationError(errors)
    assert top is not None and parsed_weight is not None
    with transaction.atomic():
        item = GradeItem.objects.create(
            course=course,
            source=GradeItem.Source.MANUAL,
            source_key=uuid.uuid4().hex,
            title=title,
            max_grade=top,
            pass_grade=passing,
            category=category,
            weight=parsed_weight,
            hidden=bool(hidden),
            order=_end_order(course),
            created_at=at or timezone.now(),
        )
        audit_record(
            actor=actor,
            action="gradebook.item.create",
            organisation=course.owner,
            obj=item,
            object_label=f"{title} ({course.code})",
            after=_item_dict(item),
        )
    return item


_KEEP = object()


def item_update(
    *,
    actor,
    item: GradeItem,
    weight: Number,
    category: GradeCategory | None,
    hidden: bool,
    title: str | None = None,
    max_grade: Number | None = None,
    pass_grade=_KEEP,
) -> GradeItem:
    """Change an item's weight, category and whether learners see it; for an item added by hand,
    also its title, maximum and pass grade (a quiz's or an assignment's are theirs to set: they
    come down with its grades). An item moved to another category goes to the end of it."""
    course = item.course
    _require_set_up(actor, course)
    errors: dict[str, str] = {}
    parsed_weight = _weight(errors, weight)
    category = _category_of(errors, course, category)
    manual = item.source == GradeItem.Source.MANUAL
    changes: dict = {}
    if manual and title is not None:
        title = title.strip()
        errors.update(text_errors(title=title))
        if not title:
            errors["title"] = "Enter a title for the item."
        elif len(title) > NAME_LENGTH:
            errors["title"] = f"The title is {len(title)} characters long; use {NAME_LENGTH} or fewer."
        changes["title"] = title
    if manual and (max_grade is not None or pass_grade is not _KEEP):
        top, passing = _grades_range(
            errors,
            item.max_grade if max_grade is None else max_grade,
            item.pass_grade if pass_grade is _KEEP else pass_grade,
        )
        if top is not None and top < item.max_grade:
            highest = (
                Grade.objects.filter(item=item).aggregate(raw=Max("raw"), override=Max("override")).values()
            )
            above = [value for value in highest if value is not None and value > top]
            if above:
                errors["max_grade"] = (
                    f"Some learners have grades above {_show(top)} (up to {_show(max(above))}); "
                    "change those first, or keep the maximum at least that."
                )
        changes.update(max_grade=top, pass_grade=passing)
    elif not manual and (title is not None or max_grade is not None or pass_grade is not _KEEP):
        source = item.get_source_display().lower()
        errors["title" if title is not None else "max_grade"] = (
            f"“{item.title}” comes from a {source}: its title, maximum and pass grade are set there."
        )
    if errors:
        raise ValidationError(errors)
    assert parsed_weight is not None
    before = _item_dict(item)
    with transaction.atomic():
        if (category.pk if category is not None else None) != item.category_id:
            item.order = _end_order(course)
        item.weight, item.category, item.hidden = parsed_weight, category, bool(hidden)
        for name, value in changes.items():
            setattr(item, name, value)
        item.save()
        after = _item_dict(item)
        audit_record(
            actor=actor,
            action="gradebook.item.update",
            organisation=course.owner,
            obj=item,
            object_label=f"{item.title} ({course.code})",
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return item


def item_move(*, actor, item: GradeItem, direction: str) -> bool:
    """Move the item one place up or down among the items of its category (or of no category)."""
    course = item.course
    _require_set_up(actor, course)
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": f"“{direction}” is not a direction. Use up or down."})
    with transaction.atomic():
        rows = list(
            GradeItem.objects.select_for_update()
            .filter(course=course, category_id=item.category_id)
            .order_by("order", "pk")
        )
        index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
        moved = _swap(rows, index, direction)
        if moved:
            audit_record(
                actor=actor,
                action="gradebook.item.move",
                organisation=course.owner,
                obj=item,
                object_label=f"{item.title} ({course.code})",
                after={"direction": direction},
            )
    return moved


def manual_item_delete(*, actor, item: GradeItem) -> int:
    """Delete an item added by hand, with its grades (a quiz's or an assignment's item goes with
    the quiz or assignment). Returns how many grades went with it."""
    course = item.course
    _require_set_up(actor, course)
    if item.source != GradeItem.Source.MANUAL:
        raise ValidationError(
            {"item": f"“{item.title}” comes from a {item.get_source_display().lower()}: remove that instead."}
        )
    with transaction.atomic():
        graded = Grade.objects.filter(item=item).count()
        audit_record(
            actor=actor,
            action="gradebook.item.delete",
            organisation=course.owner,
            obj=item,
            object_label=f"{item.title} ({course.code})",
            before={**_item_dict(item), "grades": graded},
        )
        item.delete()
    return graded


# --- learners' grades --------------------------------------------------------------------------


def _on_course(person, course, item: GradeItem) -> bool:
    """The person is (or was) enrolled on the course, or already holds a grade in the item."""
    enrolled = Enrolment.objects.filter(person=person, course=course).exclude(
        status=Enrolment.Status.WITHDRAWN
    )
    return enrolled.exists() or Grade.objects.filter(item=item, person=person).exists()


def _learner_label(person, item: GradeItem) -> str:
    return f"{person.get_full_name()} in {item.title} ({item.course.code})"


def _grade_dict(grade: Grade | None) -> dict:
    if grade is None:
        return {"grade": None}
    return {
        "grade": grade.final,
        "from_source": grade.raw,
        "override": grade.override,
        "override_reason": grade.override_reason,
    }


def _grade_range(errors: dict[str, str], item: GradeItem, value: Number | None, *, required: bool):
    return number(
        errors,
        "grade",
        value,
        label=f"the grade out of {_show(item.max_grade)}",
        low=Decimal(0),
        high=item.max_grade,
        places=2,
        required=required,
    )


def manual_grade_enter(
    *,
    actor,
    item: GradeItem,
    person,
    grade: Number | None,
    feedback: str = "",
    at: dt.datetime | None = None,
) -> Grade:
    """Enter (or change, or clear with a blank grade) a learner's grade and feedback in an item
    added by hand. An override, if any, still counts over it."""
    course = item.course
    _require_mark(actor, course, person)
    errors: dict[str, str] = {}
    if item.source != GradeItem.Source.MANUAL:
        errors["grade"] = (
            f"“{item.title}” is graded in its {item.get_source_display().lower()}; override the grade "
            "here instead, with a reason."
        )
    value = _grade_range(errors, item, grade, required=False)
    feedback = _text(feedback).strip()
    errors.update(text_errors(feedback=feedback, multiline=("feedback",)))
    if len(feedback) > FEEDBACK_LENGTH:
        errors["feedback"] = (
            f"The feedback is {len(feedback)} characters long; use {FEEDBACK_LENGTH} or fewer."
        )
    if not errors and not _on_course(person, course, item):
        errors["grade"] = f"{person.get_full_name()} is not enrolled on {course.code}."
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        row = Grade.objects.select_for_update().filter(item=item, person=person).first()
        before = _grade_dict(row)
        old_final, old_feedback = (row.final, row.feedback) if row else (None, "")
        if row is None:
            row = Grade(item=item, person=person)
        row.raw = value
        row.feedback = feedback
        row.graded_at = at if value is not None else None
        row.updated_at = at
        row.save()
        GradeChange.objects.create(
            grade=row,
            kind=GradeChange.Kind.ENTERED,
            before=old_final,
            after=row.final,
            feedback_changed=feedback != old_feedback,
            by=actor,
            at=at,
        )
        audit_record(
            actor=actor,
            action="gradebook.grade.enter",
            organisation=person.organisation,
            obj=row,
            object_label=_learner_label(person, item),
            before=before,
            after=_grade_dict(row),
        )
    return row


def grade_override(
    *,
    actor,
    item: GradeItem,
    person,
    grade: Number | None,
    reason: str,
    at: dt.datetime | None = None,
) -> Grade:
    """Override the learner's grade in the item: the override counts instead of the source's
    grade (which is kept, and counts again once the override is removed)."""
    course = item.course
    _require_mark(actor, course, person)
    errors: dict[str, str] = {}
    value = _grade_range(errors, item, grade, required=True)
    reason = _reason(errors, reason, what="the override")
    if not errors and not _on_course(person, course, item):
        errors["grade"] = f"{person.get_full_name()} is not enrolled on {course.code}."
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        row = Grade.objects.select_for_update().filter(item=item, person=person).first()
        before = _grade_dict(row)
        old_final = row.final if row else None
        if row is None:
            row = Grade(item=item, person=person, updated_at=at)
        row.override = value
        row.override_reason = reason
        row.overridden_by = actor
        row.overridden_at = at
        row.updated_at = at
        row.save()
        GradeChange.objects.create(
            grade=row,
            kind=GradeChange.Kind.OVERRIDDEN,
            before=old_final,
            after=row.final,
            reason=reason,
            by=actor,
            at=at,
        )
        audit_record(
            actor=actor,
            action="gradebook.grade.override",
            organisation=person.organisation,
            obj=row,
            object_label=_learner_label(person, item),
            before=before,
            after=_grade_dict(row),
        )
    return row


def grade_override_clear(*, actor, grade: Grade, reason: str, at: dt.datetime | None = None) -> Grade:
    """Remove the override: the source's grade counts again. Needs a reason, as overriding does."""
    item, person = grade.item, grade.person
    course = item.course
    _require_mark(actor, course, person)
    errors: dict[str, str] = {}
    reason = _reason(errors, reason, what="removing the override")
    if grade.override is None and not errors:
        errors["reason"] = "This grade is not overridden: there is nothing to remove."
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    with transaction.atomic():
        row = Grade.objects.select_for_update().get(pk=grade.pk)
        before = _grade_dict(row)
        old_final = row.final
        row.override = None
        row.override_reason = ""
        row.overridden_by = None
        row.overridden_at = None
        row.updated_at = at
        row.save()
        GradeChange.objects.create(
            grade=row,
            kind=GradeChange.Kind.CLEARED,
            before=old_final,
            after=row.final,
            reason=reason,
            by=actor,
            at=at,
        )
        audit_record(
            actor=actor,
            action="gradebook.grade.override_clear",
            organisation=person.organisation,
            obj=row,
            object_label=_learner_label(person, item),
            before=before,
            after={**_grade_dict(row), "reason": reason},
        )
    return row


def export_record(*, actor, course, fmt: str, rows: int) -> None:
    """Audit a download of the course's grades (who took which learners' grades away, and when)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="gradebook.export",
            organisation=course.owner,
            obj=course,
            object_label=f"Grades of {course.code} {course.title}",
            after={"format": fmt, "learners": rows},
        )
