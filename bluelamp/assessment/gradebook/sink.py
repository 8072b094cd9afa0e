"""How quizzes and assignments hand grades to the gradebook (the applets above it call these;
the gradebook never reads them). Called inside the source's own transaction, so a grade and what
produced it land together."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from bluelamp.assessment.gradebook.models import Grade, GradeItem


def grade_item_ensure(
    *,
    course,
    source: str,
    source_key: str,
    title: str,
    max_grade: Decimal | int = 100,
    pass_grade: Decimal | int | None = None,
) -> GradeItem:
    """The course's item for `source`/`source_key`, made (at the end of the course's items) or
    brought up to date (title, maximum, pass grade)."""
    item = GradeItem.objects.filter(course=course, source=source, source_key=str(source_key)).first()
    if item is None:
        order = (GradeItem.objects.filter(course=course).aggregate(m=Max("order"))["m"] or 0) + 1
        try:
            # In a savepoint: the first learners to finish a new quiz race to make its item, and
            # the loser reads the winner's (the unique constraint decides) instead of failing.
            with transaction.atomic():
                return GradeItem.objects.create(
                    course=course,
                    source=source,
                    source_key=str(source_key),
                    title=title[:200],
                    max_grade=Decimal(max_grade),
                    pass_grade=None if pass_grade is None else Decimal(pass_grade),
                    order=order,
                )
        except IntegrityError:
            item = GradeItem.objects.get(course=course, source=source, source_key=str(source_key))
    changed = []
    for name, value in (
        ("title", title[:200]),
        ("max_grade", Decimal(max_grade)),
        ("pass_grade", None if pass_grade is None else Decimal(pass_grade)),
    ):
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed.append(name)
    if changed:
        item.save(update_fields=changed)
    return item


def grade_record(
    *,
    item: GradeItem,
    person,
    grade: Decimal | int | float | None,
    feedback: str = "",
    at: dt.datetime | None = None,
) -> Grade:
    """Set the person's grade from the source (an override, if any, still counts over it)."""
    at = at or timezone.now()
    value = None if grade is None else Decimal(str(grade)).quantize(Decimal("0.01"))
    row, created = Grade.objects.get_or_create(
        item=item,
        person=person,
        defaults={
            "raw": value,
            "feedback": feedback,
            "graded_at": at if value is not None else None,
            "updated_at": at,
        },
    )
    if not created:
        row.raw = value
        row.feedback = feedback
        row.graded_at = at if value is not None else row.graded_at
        row.updated_at = at
        row.save(update_fields=["raw", "feedback", "graded_at", "updated_at"])
    return row
