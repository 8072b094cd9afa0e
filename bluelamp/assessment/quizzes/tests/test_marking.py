"""The marking engine (marking.py): each type's response marked as Moodle would, the layouts an
attempt draws, and the words for review and results."""

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluelamp.assessment.banks.codec import from_data, to_data
from bluelamp.assessment.formats.questions import (
    Answer,
    GapChoice,
    MatchPair,
    NumericalAnswer,
    NumericalUnit,
    Question,
)
from bluelamp.assessment.quizzes import marking as m

D = Decimal


def multichoice(single=True, **kwargs):
    if single:
        answers = [
            Answer("Code A", D(1), "Right: Code A."),
            Answer("Code C", D(0), "Code C is detention."),
            Answer("Code G", D("-0.5"), "Code G is arrest."),
        ]
    else:
        answers = [
            Answer("Intelligence", D("0.5"), "Yes."),
            Answer("Description", D("0.5")),
            Answer("Appearance", D(-1), "Never on its own."),
            Answer("Time of day", D(0)),
        ]
    return Question(
        type="multichoice",
        name="MC",
        text="Which?",
        answers=answers,
        single=single,
        correct_feedback="Well done.",
        partially_correct_feedback="Partly.",
        incorrect_feedback="Not right.",
        **kwargs,
    )


# --- multichoice ---------------------------------------------------------------------------------


def test_one_answer_multichoice_gives_the_chosen_answer_s_fraction_and_feedback():
    q = multichoice()
    outcome = m.grade(q, {"answer": 0})
    assert outcome == m.Outcome(D(1), m.RIGHT, ("Right: Code A.", "Well done."))
    assert m.grade(q, {"answer": 1}).state == m.WRONG
    # A negative answer is a penalty: the question's fraction goes below 0.
    penalty = m.grade(q, {"answer": 2})
    assert penalty.fraction == D("-0.5") and penalty.state == m.WRONG
    assert penalty.feedback == ("Code G is arrest.", "Not right.")


def test_blank_and_nonsense_multichoice_responses_are_not_answered():
    q = multichoice()
    for response in ({}, {"answer": None}, {"answer": 7}, {"answer": "x"}, {"answer": True}, None, []):
        assert m.grade(q, response) == m.Outcome(D(0), m.GAVE_UP), response
        assert m.is_blank(q, response)
    assert m.grade(q, {"answer": "1"}).state == m.WRONG  # a form's string index is read


def test_several_answers_add_up_and_are_clamped_between_0_and_1():
    q = multichoice(single=False)
    assert m.grade(q, {"answers": [0]}).fraction == D("0.5")
    assert m.grade(q, {"answers": [0]}).state == m.PARTIAL
    assert m.grade(q, {"answers": [0, 1]}) == m.Outcome(D(1), m.RIGHT, ("Yes.", "Well done."))
    # A wrong answer takes away what the right ones gave, never below 0.
    assert m.grade(q, {"answers": [0, 2]}).fraction == D(0)
    assert m.grade(q, {"answers": [2]}).fraction == D(0)
    assert m.grade(q, {"answers": [0, 1, 3]}).fraction == D(1)
    assert m.grade(q, {"answers": [0, 0, 0]}).fraction == D("0.5")  # repeats count once


@given(st.lists(st.integers(min_value=-2, max_value=6), max_size=8))
def test_several_answers_are_always_between_0_and_1(picked):
    outcome = m.grade(multichoice(single=False), {"answers": picked})
    assert D(0) <= outcome.fraction <= D(1)


# --- true/false ----------------------------------------------------------------------------------


def test_true_false():
    q = Question(
        type="truefalse", name="TF", text="True?", correct=False, true_feedback="No.", false_feedback="Yes."
    )
    assert m.grade(q, {"answer": False}) == m.Outcome(D(1), m.RIGHT, ("Yes.",))
    assert m.grade(q, {"answer": True}) == m.Outcome(D(0), m.WRONG, ("No.",))
    assert m.grade(q, {"answer": "true"}).state == m.GAVE_UP
    assert m.right_answer(q) == "False" and m.summarise(q, {"answer": True}) == "True"


# --- short answer --------------------------------------------------------------------------------


def shortanswer(case_sensitive=False):
    return Question(
        type="shortanswer",
        name="SA",
        text="Which Act?",
        case_sensitive=case_sensitive,
        answers=[
            Answer("PACE", D(1), "Right."),
            Answer("Police and * Evidence Act*", D(1)),
            Answer("P*", D("0.5"), "Nearly."),
            Answer("5\\*", D("0.25"), "Starred."),
            Answer("*", D(0), "Anything else."),
        ],
    )


def test_short_answer_first_matching_answer_wins_with_wildcards_and_case():
    q = shortanswer()
    assert m.grade(q, {"answer": "  pace "}) == m.Outcome(D(1), m.RIGHT, ("Right.",))
    assert m.grade(q, {"answer": "Police and Criminal Evidence Act 1984"}).fraction == D(1)
    # "PACE" matches P* too, but the first answer wins; "Peace" matches only P*.
    assert m.grade(q, {"answer": "Peace"}) == m.Outcome(D("0.5"), m.PARTIAL, ("Nearly.",))
    # \* is a literal star; the last * matches anything at all.
    assert m.grade(q, {"answer": "5*"}).fraction == D("0.25")
    assert m.grade(q, {"answer": "55"}) == m.Outcome(D(0), m.WRONG, ("Anything else.",))
    assert m.grade(q, {"answer": "   "}).state == m.GAVE_UP
    sensitive = shortanswer(case_sensitive=True)
    # Case counts: "pace" is neither PACE nor P…, so only the catch-all matches.
    assert m.grade(sensitive, {"answer": "pace"}) == m.Outcome(D(0), m.WRONG, ("Anything else.",))
    assert m.grade(sensitive, {"answer": "Pace"}).fraction == D("0.5")
    assert m.right_answer(q) == "PACE"


def test_short_answer_without_a_catch_all_is_wrong_when_nothing_matches():
    q = Question(type="shortanswer", name="SA", text="?", answers=[Answer("Code A", D(1))])
    assert m.grade(q, {"answer": "Code B"}) == m.Outcome(D(0), m.WRONG)
    assert m.grade(q, {"answer": "code a"}).fraction == D(1)
    assert m.grade(q, {"answer": "code.a"}).fraction == D(0)  # regex characters are literal


@given(st.text(max_size=30))
def test_a_pattern_with_no_wildcard_matches_only_itself(text):
    assert m.wildcard_matches(text.replace("*", ""), text.replace("*", ""), case_sensitive=True)


# --- numerical -----------------------------------------------------------------------------------


def numerical(units=()):
    return Question(
        type="numerical",
        name="Speed",
        text="Speed?",
        numerical_answers=[
            NumericalAnswer(D(40), D("0.5"), D(1), "Right."),
            NumericalAnswer(D(40), D(5), D("0.5"), "Close."),
            NumericalAnswer(None, D(0), D(0), "Anything else."),
        ],
        units=list(units),
    )


def test_numerical_with_tolerance_the_first_answer_that_holds_it_wins():
    q = numerical()
    assert m.grade(q, {"answer": "40"}) == m.Outcome(D(1), m.RIGHT, ("Right.",))
    assert m.grade(q, {"answer": "40.5"}).fraction == D(1)
    assert m.grade(q, {"answer": "39.4"}) == m.Outcome(D("0.5"), m.PARTIAL, ("Close.",))
    assert m.grade(q, {"answer": "1,000"}) == m.Outcome(D(0), m.WRONG, ("Anything else.",))
    assert m.grade(q, {"answer": "40,2"}).fraction == D(1)  # a decimal comma
    assert m.grade(q, {"answer": "4e1"}).fraction == D(1)
    assert m.grade(q, {"answer": "forty"}) == m.Outcome(D(0), m.WRONG, notes=("The answer is not a number.",))
    assert m.grade(q, {"answer": "40 mph"}).notes == (
        "“mph” follows the number, but this question takes none.",
    )
    assert m.right_answer(q) == "40 (± 0.5)"


def test_numerical_units_multiply_and_a_missing_unit_is_the_first_one():
    q = numerical([NumericalUnit("mph", D(1)), NumericalUnit("km/h", D("1.609344"))])
    assert m.grade(q, {"answer": "40 mph"}).fraction == D(1)
    assert m.grade(q, {"answer": "40"}).fraction == D(1)
    assert m.grade(q, {"answer": "64.37 km/h"}).fraction == D(1)
    assert m.grade(q, {"answer": "64.37 KM/H"}).fraction == D(1)
    assert m.grade(q, {"answer": "40 knots"}).notes == ("“knots” is not a unit this question accepts.",)
    assert m.right_answer(q) == "40 (± 0.5) mph"


def test_numerical_units_may_be_required():
    q = numerical([NumericalUnit("mph", D(1))])
    q.unit_required = True  # type: ignore[attr-defined]
    assert m.grade(q, {"answer": "40"}).notes == ("The unit is missing.",)
    assert m.grade(q, {"answer": "40mph"}).fraction == D(1)


def test_a_unit_may_come_first():
    q = Question(
        type="numerical",
        name="Fine",
        text="The fine?",
        numerical_answers=[NumericalAnswer(D(100), D(0), D(1))],
        units=[NumericalUnit("£", D(1)), NumericalUnit("p", D(100))],
    )
    assert m.grade(q, {"answer": "£100"}).fraction == D(1)
    assert m.grade(q, {"answer": "10,000p"}).fraction == D(1)
    assert m.grade(q, {"answer": "£100.01"}).fraction == D(0)


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=3))
def test_any_number_written_plainly_is_read_back(value):
    assert m.read_number(f"{value:f}").value == value


# --- matching ------------------------------------------------------------------------------------


def matching():
    return Question(
        type="matching",
        name="Match",
        text="Match them.",
        pairs=[
            MatchPair("s1", "Stop and search"),
            MatchPair("s24", "Arrest"),
            MatchPair("s32", "Search after arrest"),
            MatchPair("", "Entry"),
        ],
        correct_feedback="All right.",
        partially_correct_feedback="Some right.",
    )


def test_matching_gives_each_sub_question_an_equal_share():
    q = matching()
    right = {"pairs": {"0": "Stop and search", "1": "Arrest", "2": "Search after arrest"}}
    assert m.grade(q, right) == m.Outcome(D(1), m.RIGHT, ("All right.",))
    one_wrong = {"pairs": {"0": "Stop and search", "1": "Entry", "2": "Search after arrest"}}
    assert m.grade(q, one_wrong) == m.Outcome(D("0.6666667"), m.PARTIAL, ("Some right.",))
    assert m.grade(q, {"pairs": {"0": "Stop and search"}}).fraction == D("0.3333333")
    assert not m.is_complete(q, {"pairs": {"0": "Stop and search"}})
    assert m.is_complete(q, one_wrong)
    assert m.match_options(q) == ["Stop and search", "Arrest", "Search after arrest", "Entry"]
    assert m.right_answer(q) == "s1 → Stop and search; s24 → Arrest; s32 → Search after arrest"


# --- ordering ------------------------------------------------------------------------------------


def ordering():
    return Question(type="ordering", name="Order", text="Order them.", items=["A", "B", "C", "D"])


def test_ordering_partial_credit_by_each_item_s_right_successor():
    q = ordering()
    assert m.grade(q, {"positions": {"0": 1, "1": 2, "2": 3, "3": 4}}).fraction == D(1)
    # B A C D: only C→D follows; A→B and B→C do not.
    assert m.grade(q, {"positions": {"0": 2, "1": 1, "2": 3, "3": 4}}).fraction == D("0.3333333")
    # C D A B: C→D and A→B follow.
    assert m.grade(q, {"positions": {"0": 3, "1": 4, "2": 1, "3": 2}}).fraction == D("0.6666667")
    assert m.grade(q, {"positions": {"0": 4, "1": 3, "2": 2, "3": 1}}).fraction == D(0)
    # Two items at one place is not an order: neither earns a pair.
    tied = {"positions": {"0": 1, "1": 1, "2": 3, "3": 4}}
    assert m.grade(q, tied).fraction == D("0.3333333") and not m.is_complete(q, tied)
    assert m.summarise(q, {"positions": {"0": 2, "1": 1}}) == "B; A"


@given(st.permutations(range(5)))
def test_ordering_is_right_only_in_the_right_order(order):
    q = Question(type="ordering", name="O", text="?", items=list("ABCDE"))
    response = {"positions": {str(item): place for place, item in enumerate(order, start=1)}}
    outcome = m.grade(q, response)
    assert (outcome.fraction == D(1)) == (list(order) == sorted(order))
    assert D(0) <= outcome.fraction <= D(1)


# --- gap select ----------------------------------------------------------------------------------


def gapselect():
    return Question(
        type="gapselect",
        name="Gaps",
        text="<p>The [[1]] sat on the [[2]], and the [[3]] too.</p>",
        choices=[
            GapChoice("cat", 1),
            GapChoice("mat", 2),
            GapChoice("cat", 1),
            GapChoice("dog", 1),
            GapChoice("hat", 2),
        ],
    )


def test_gapselect_gives_each_gap_an_equal_share_and_equal_words_are_interchangeable():
    q = gapselect()
    assert m.gaps(q) == [1, 2, 3]
    assert m.gap_options(q, 2) == [2, 5]
    assert m.grade(q, {"gaps": {"1": 1, "2": 2, "3": 3}}).fraction == D(1)
    assert m.grade(q, {"gaps": {"1": 3, "2": 2, "3": 1}}).fraction == D(1)
    assert m.grade(q, {"gaps": {"1": 4, "2": 2, "3": 1}}).fraction == D("0.6666667")
    # A choice of another group cannot fill the gap.
    assert m.grade(q, {"gaps": {"1": 2, "2": 1, "3": 1}}).fraction == D("0.3333333")
    assert not m.is_complete(q, {"gaps": {"1": 1}})
    assert m.summarise(q, {"gaps": {"1": 4}}) == "dog; —; —"
    assert m.right_answer(q) == "cat; mat; cat"


# --- essay and description -----------------------------------------------------------------------


def test_an_essay_waits_for_a_marker_with_its_word_count():
    q = Question(type="essay", name="E", text="Discuss.", min_words=3, max_words=5)
    assert m.grade(q, {"text": "<p>One two three four</p>"}) == m.Outcome(
        None, m.NEEDS_GRADING, notes=("4 words: within the limits.",)
    )
    assert m.grade(q, {"text": "One"}).notes == ("1 word: fewer than the minimum of 3.",)
    assert m.grade(q, {"text": "a b c d e f"}).notes == ("6 words: more than the maximum of 5.",)
    assert m.grade(q, {"text": "   "}) == m.Outcome(D(0), m.GAVE_UP, notes=("Not answered.",))
    assert m.grade(q, {"text": "x"}).needs_marking


def test_a_description_has_no_mark():
    q = Question(type="description", name="D", text="Read this.")
    assert m.grade(q, {}) == m.Outcome(None, m.INFO)
    assert m.is_complete(q, {})


# --- layouts -------------------------------------------------------------------------------------


def test_layouts_shuffle_what_the_question_lets_shuffle():
    rng = random.Random(4)
    mc = multichoice()
    assert sorted(m.layout(mc, rng)["answers"]) == [0, 1, 2]
    fixed = multichoice(shuffle=False)
    assert m.layout(fixed, rng) == {"answers": [0, 1, 2]}
    for _ in range(20):
        items = m.layout(ordering(), rng)["items"]
        assert sorted(items) == [0, 1, 2, 3] and items != [0, 1, 2, 3]
    groups = m.layout(gapselect(), rng)["groups"]
    assert sorted(groups["1"]) == [1, 3, 4] and sorted(groups["2"]) == [2, 5]
    assert sorted(m.layout(matching(), rng)["answers"]) == sorted(m.match_options(matching()))
    layout = m.layout(gapselect(), rng)
    assert sorted(m.gap_choice_order(gapselect(), layout, 2)) == [2, 5]
    # A layout that no longer fits the question (a corrected version) falls back to the bank's order.
    assert m.answer_order(mc, {"answers": [0, 1]}) == [0, 1, 2]
    assert m.item_order(ordering(), {}) == [0, 1, 2, 3]


def test_a_question_survives_the_codec_and_marks_the_same():
    q = multichoice(single=False)
    again = from_data(to_data(q))
    assert m.grade(again, {"answers": [0, 1]}) == m.grade(q, {"answers": [0, 1]})


def test_totals_never_go_below_zero():
    assert m.total([D("-0.5"), D("0.25"), None]) == D(0)
    assert m.total([D(1), D("0.5")]) == D("1.5")
    assert m.scored(D("0.3333333"), D(3)) == D("1.0000")
    assert m.scored(None, D(3)) is None


def test_an_unknown_type_is_refused():
    with pytest.raises(ValueError):
        m.grade(Question(type="cloze", name="C", text="?"), {"answer": "x"})
