"""How a course grade is worked out from a learner's grades: pure functions, no database, no clock.

The rules (the README says the same for course managers):

- An item's **percentage** is its final grade (the override when there is one) divided by its
  maximum grade, times 100.
- A **category's grade** is the mean of its items' percentages: weighted by the items' weights
  ("weighted mean of percentages", the default), or each item counting the same ("simple mean").
- The **course grade** is the mean, the same way, of the category grades (each with the
  category's weight) and of the items that are in no category (each with its own weight, side by
  side with the categories).
- **Weight 0** leaves an item or a category out of the course grade under either method: it is
  shown, never counted.
- **Missing grades** (an item not yet graded for the learner, or started and waiting for a
  marker) are left out by default, so the course grade is the grade so far, and the result says
  how many of the items that count are graded (`graded` of `expected`: "incomplete" until they
  are equal). A course may count them as 0% instead. A category with nothing counted has no
  grade, and is left out of the course grade in turn; no grade at all gives no course grade.
- **Arithmetic** is in `Decimal` throughout, unrounded until the end: the course grade and each
  category grade are rounded once, to two decimal places, half up (72.345 → 72.35). The course
  grade is worked out from the unrounded category grades, never from the rounded ones shown.
- **Passing** the course: the course grade is at least the course's pass grade, and every item
  that counts is graded (an incomplete course grade neither passes nor fails).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

WEIGHTED_MEAN = "weighted_mean"
SIMPLE_MEAN = "simple_mean"
EXCLUDE = "exclude"
ZERO = "zero"

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO_D = Decimal(0)


@dataclass(frozen=True)
class Item:
    """A graded item as the calculation sees it: its key (any hashable: an id), maximum grade,
    weight and category (a key, or None)."""

    key: Hashable
    max_grade: Decimal
    weight: Decimal = Decimal(1)
    category: Hashable | None = None


@dataclass(frozen=True)
class Category:
    key: Hashable
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class Rules:
    aggregation: str = WEIGHTED_MEAN
    missing: str = EXCLUDE

    def __post_init__(self) -> None:
        if self.aggregation not in (WEIGHTED_MEAN, SIMPLE_MEAN):
            raise ValueError(f"aggregation {self.aggregation!r}: use {WEIGHTED_MEAN} or {SIMPLE_MEAN}")
        if self.missing not in (EXCLUDE, ZERO):
            raise ValueError(f"missing {self.missing!r}: use {EXCLUDE} or {ZERO}")


@dataclass(frozen=True)
class Result:
    """A learner's course grade: `percent` (rounded to 0.01, None when nothing counts yet), each
    category's grade (rounded; None when nothing in it counts yet), and how many of the
    `expected` items that count are `graded`."""

    percent: Decimal | None
    categories: dict = field(default_factory=dict)
    graded: int = 0
    expected: int = 0

    @property
    def complete(self) -> bool:
        return self.graded == self.expected

    def passed(self, pass_percent: Decimal | None) -> bool | None:
        """True or False once complete, against a course pass grade; None when there is no pass
        grade, no course grade, or the grade is incomplete."""
        if pass_percent is None or self.percent is None or not self.complete:
            return None
        return self.percent >= pass_percent


def rounded(value: Decimal | None) -> Decimal | None:
    """Two decimal places, half up: how every grade and percentage is shown and kept."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def percentage(grade: Decimal | None, max_grade: Decimal) -> Decimal | None:
    """The grade as a percentage of `max_grade`, unrounded; None for no grade (or a maximum of 0,
    which the gradebook refuses but a source could send)."""
    if grade is None or max_grade <= 0:
        return None
    return Decimal(grade) * HUNDRED / Decimal(max_grade)


def _mean(values: Iterable[tuple[Decimal, Decimal]], rules: Rules) -> Decimal | None:
    """The mean of (value, weight) pairs whose weight is above 0: weighted, or plain."""
    counted = [(value, weight) for value, weight in values if weight > 0]
    if not counted:
        return None
    if rules.aggregation == SIMPLE_MEAN:
        return sum((value for value, _ in counted), ZERO_D) / len(counted)
    total = sum((weight for _, weight in counted), ZERO_D)
    return sum((value * weight for value, weight in counted), ZERO_D) / total


def course_grade(
    items: Iterable[Item],
    categories: Iterable[Category],
    grades: Mapping[Any, Decimal | None],
    rules: Rules = Rules(),
) -> Result:
    """The course grade of one learner whose final grades by item key are `grades` (a key absent
    or None: not graded)."""
    items = list(items)
    weights = {category.key: Decimal(category.weight) for category in categories}
    in_category: dict[Hashable, list[tuple[Decimal, Decimal]]] = {key: [] for key in weights}
    entries: list[tuple[Decimal, Decimal]] = []
    graded = expected = 0
    for item in items:
        # An item in a category the calculation was not told of counts as in no category.
        category = item.category if item.category in weights else None
        weight = Decimal(item.weight)
        counts = weight > 0 and (category is None or weights[category] > 0)
        value = percentage(grades.get(item.key), Decimal(item.max_grade))
        if counts:
            expected += 1
            if value is not None:
                graded += 1
        if value is None:
            if rules.missing != ZERO:
                continue
            value = ZERO_D
        if category is None:
            entries.append((value, weight))
        else:
            in_category[category].append((value, weight))
    category_grades = {}
    for key, weight in weights.items():
        grade = _mean(in_category[key], rules)
        category_grades[key] = rounded(grade)
        if grade is not None:
            entries.append((grade, weight))
    return Result(
        percent=rounded(_mean(entries, rules)),
        categories=category_grades,
        graded=graded,
        expected=expected,
    )
