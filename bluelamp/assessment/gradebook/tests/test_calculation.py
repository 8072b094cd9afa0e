"""The course grade's arithmetic (calculation.py): worked examples, then properties that hold for
any items, weights and grades."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluelamp.assessment.gradebook.calculation import (
    EXCLUDE,
    SIMPLE_MEAN,
    WEIGHTED_MEAN,
    ZERO,
    Category,
    Item,
    Result,
    Rules,
    course_grade,
    percentage,
    rounded,
)

D = Decimal


def test_items_without_categories_are_a_weighted_mean_of_percentages():
    items = [Item("quiz", D(20), weight=D(1)), Item("essay", D(50), weight=D(3))]
    result = course_grade(items, [], {"quiz": D(10), "essay": D(40)})
    # (50% × 1 + 80% × 3) / 4 = 72.5%
    assert result == Result(D("72.50"), {}, graded=2, expected=2)
    assert result.complete


def test_categories_are_means_of_their_items_then_weighted_side_by_side_with_loose_items():
    categories = [Category("exams", D(2)), Category("coursework", D(1))]
    items = [
        Item("exam1", D(100), category="exams"),
        Item("exam2", D(100), weight=D(3), category="exams"),
        Item("cw1", D(10), category="coursework"),
        Item("extra", D(10), weight=D(1)),
    ]
    grades = {"exam1": D(40), "exam2": D(80), "cw1": D(5), "extra": D(10)}
    result = course_grade(items, categories, grades)
    # exams: (40 × 1 + 80 × 3) / 4 = 70; coursework 50; course (70 × 2 + 50 × 1 + 100 × 1) / 4 = 72.5
    assert result.categories == {"exams": D("70.00"), "coursework": D("50.00")}
    assert result.percent == D("72.50")


def test_the_simple_mean_ignores_weights_but_not_the_structure():
    categories = [Category("exams", D(5))]
    items = [
        Item("exam1", D(100), weight=D(9), category="exams"),
        Item("exam2", D(100), category="exams"),
        Item("extra", D(10), weight=D(4)),
    ]
    grades = {"exam1": D(40), "exam2": D(80), "extra": D(10)}
    result = course_grade(items, categories, grades, Rules(aggregation=SIMPLE_MEAN))
    assert result.categories == {"exams": D("60.00")}
    assert result.percent == D("80.00")  # (60 + 100) / 2


def test_weight_zero_is_shown_never_counted_under_either_method():
    items = [Item("a", D(10)), Item("practice", D(10), weight=D(0))]
    for aggregation in (WEIGHTED_MEAN, SIMPLE_MEAN):
        result = course_grade(items, [], {"a": D(5), "practice": D(10)}, Rules(aggregation=aggregation))
        assert result.percent == D("50.00") and result.expected == 1 and result.graded == 1
    # A category of weight 0 takes its items out of the course grade (and out of "expected").
    result = course_grade(
        [Item("a", D(10)), Item("b", D(10), category="c")], [Category("c", D(0))], {"a": D(5)}
    )
    assert result.percent == D("50.00") and result.complete and result.categories == {"c": None}


def test_missing_grades_are_left_out_by_default_and_the_grade_is_incomplete():
    items = [Item("a", D(10)), Item("b", D(10)), Item("c", D(10), category="k")]
    result = course_grade(items, [Category("k")], {"a": D(8), "b": None})
    assert result.percent == D("80.00")
    assert (result.graded, result.expected, result.complete) == (1, 3, False)
    assert result.categories == {"k": None}
    assert result.passed(D(50)) is None  # neither passes nor fails until complete


def test_missing_grades_may_count_as_zero():
    items = [Item("a", D(10)), Item("b", D(10)), Item("c", D(10), category="k")]
    result = course_grade(items, [Category("k")], {"a": D(8)}, Rules(missing=ZERO))
    assert result.percent == D("26.67")  # (80 + 0 + 0) / 3, rounded half up
    assert result.categories == {"k": D("0.00")}
    assert not result.complete


def test_no_grades_at_all_is_no_course_grade():
    result = course_grade([Item("a", D(10))], [], {})
    assert result.percent is None and result.passed(D(50)) is None
    assert course_grade([], [], {}) == Result(None, {}, 0, 0)


def test_rounding_is_once_at_the_end_half_up():
    assert rounded(D("72.345")) == D("72.35")
    assert rounded(D("72.344999")) == D("72.34")
    # Three items of a third each: the unrounded 33.333…% are averaged, not the rounded 33.33.
    items = [Item("a", D(3)), Item("b", D(3)), Item("c", D(3), category="k")]
    result = course_grade(items, [Category("k")], {"a": D(1), "b": D(1), "c": D(1)})
    assert result.percent == D("33.33") and result.categories == {"k": D("33.33")}
    # 2/3 = 66.666…% rounds up.
    assert course_grade([Item("a", D(3))], [], {"a": D(2)}).percent == D("66.67")


def test_passing_needs_a_complete_grade_at_or_above_the_pass_grade():
    items = [Item("a", D(10))]
    assert course_grade(items, [], {"a": D(5)}).passed(D(50)) is True
    assert course_grade(items, [], {"a": D("4.99")}).passed(D(50)) is False
    assert course_grade(items, [], {"a": D(5)}).passed(None) is None


def test_items_in_unknown_categories_count_as_in_none():
    result = course_grade([Item("a", D(10), category="gone")], [], {"a": D(5)})
    assert result.percent == D("50.00")


def test_percentage_of_nothing_or_of_a_zero_maximum_is_none():
    assert percentage(None, D(10)) is None
    assert percentage(D(1), D(0)) is None
    assert percentage(D(1), D(4)) == D(25)


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="aggregation"):
        Rules(aggregation="median")
    with pytest.raises(ValueError, match="missing"):
        Rules(missing="ignore")


# --- properties --------------------------------------------------------------------------------

# The machine running the tests is shared and busy: no deadline, and no complaint about slow draws.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Integers scaled to decimals: as exact as st.decimals, and cheap to draw on a busy machine.
weights = st.integers(0, 100_000).map(lambda n: D(n).scaleb(-3))  # 0 to 100, 3 places
maxima = st.integers(1, 100_000).map(lambda n: D(n).scaleb(-2))  # 0.01 to 1000, 2 places
fractions = st.integers(0, 10_000).map(lambda n: D(n).scaleb(-4))  # 0 to 1, 4 places


@st.composite
def gradebooks(draw):
    categories = [Category(f"c{n}", draw(weights)) for n in range(draw(st.integers(0, 3)))]
    keys = [None] + [c.key for c in categories]
    items, grades = [], {}
    for n in range(draw(st.integers(1, 8))):
        top = draw(maxima)
        item = Item(f"i{n}", top, draw(weights), draw(st.sampled_from(keys)))
        items.append(item)
        if draw(st.booleans()):
            grades[item.key] = (top * draw(fractions)).quantize(D("0.01"))
    return items, categories, grades


@relaxed
@given(gradebooks(), st.sampled_from([WEIGHTED_MEAN, SIMPLE_MEAN]), st.sampled_from([EXCLUDE, ZERO]))
def test_the_course_grade_is_a_percentage_and_counts_add_up(book, aggregation, missing):
    items, categories, grades = book
    result = course_grade(items, categories, grades, Rules(aggregation, missing))
    assert 0 <= result.graded <= result.expected <= len(items)
    if result.percent is not None:
        assert D(0) <= result.percent <= D(100)
        assert result.percent == result.percent.quantize(D("0.01"))
    for value in result.categories.values():
        assert value is None or D(0) <= value <= D(100)


@relaxed
@given(gradebooks(), st.sampled_from([WEIGHTED_MEAN, SIMPLE_MEAN]))
def test_the_course_grade_lies_between_the_lowest_and_highest_grade_counted(book, aggregation):
    items, categories, grades = book
    result = course_grade(items, categories, grades, Rules(aggregation))
    counted = [
        percentage(grades[i.key], i.max_grade)
        for i in items
        if i.key in grades
        and i.weight > 0
        and (i.category is None or next(c for c in categories if c.key == i.category).weight > 0)
    ]
    if result.percent is not None:
        assert rounded(min(counted)) <= result.percent <= rounded(max(counted))


@relaxed
@given(gradebooks(), st.integers(5, 200).map(lambda n: D(n).scaleb(-1)))
def test_scaling_every_weight_alike_changes_nothing(book, factor):
    items, categories, grades = book
    scaled_items = [Item(i.key, i.max_grade, i.weight * factor, i.category) for i in items]
    scaled_categories = [Category(c.key, c.weight * factor) for c in categories]
    assert course_grade(scaled_items, scaled_categories, grades) == course_grade(items, categories, grades)


@relaxed
@given(gradebooks())
def test_counting_missing_grades_as_zero_never_raises_the_grade(book):
    items, categories, grades = book
    left_out = course_grade(items, categories, grades, Rules(missing=EXCLUDE)).percent
    as_zero = course_grade(items, categories, grades, Rules(missing=ZERO)).percent
    if left_out is not None:
        assert as_zero is not None and as_zero <= left_out


@relaxed
@given(gradebooks(), st.randoms())
def test_the_order_of_items_does_not_matter(book, random):
    items, categories, grades = book
    shuffled = list(items)
    random.shuffle(shuffled)
    assert course_grade(shuffled, categories, grades) == course_grade(items, categories, grades)


@relaxed
@given(gradebooks(), fractions)
def test_the_same_percentage_everywhere_is_the_course_grade(book, fraction):
    items, categories, _ = book
    grades = {i.key: i.max_grade * fraction for i in items}
    result = course_grade(items, categories, grades)
    if result.percent is not None:
        assert result.percent == rounded(fraction * 100)
