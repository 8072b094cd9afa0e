"""GIFT read and written: every construct of Moodle's documentation, every problem a person must be
told about, and the round trip parse(write(questions)) for each type GIFT can hold."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluelamp.assessment.formats.gift import WRITABLE_TYPES, parse, unwritable, write
from bluelamp.assessment.formats.questions import (
    Answer,
    MatchPair,
    NumericalAnswer,
    NumericalUnit,
    Question,
)

DATA = Path(__file__).parent / "data"


def only(text: str) -> Question:
    result = parse(text)
    assert result.ok, [str(p) for p in result.problems]
    assert len(result.questions) == 1
    return result.questions[0]


def problems(text: str) -> list[str]:
    result = parse(text)
    assert not result.ok
    return [str(p) for p in result.problems]


def comparable(question: Question) -> Question:
    """A question without where it stood in its file."""
    return dataclasses.replace(question, number=0, line=None)


# Reading: the constructs


def test_the_rich_sample_is_read_whole():
    result = parse((DATA / "rich.gift").read_text())
    assert result.ok, [str(p) for p in result.problems]
    assert result.unsupported == []
    assert [q.type for q in result.questions] == [
        "multichoice",
        "multichoice",
        "truefalse",
        "truefalse",
        "shortanswer",
        "shortanswer",
        "numerical",
        "numerical",
        "numerical",
        "matching",
        "essay",
        "description",
        "multichoice",
    ]
    assert [q.number for q in result.questions] == list(range(1, 14))
    assert [q.line for q in result.questions][:3] == [6, 14, 20]
    assert all(q.default_mark == 1 for q in result.questions)


def test_comments_are_ignored_and_blank_lines_separate_questions():
    result = parse("// a comment\n::A::One{}\n// inside\n\n::B::Two{}\n\n\n// end\n")
    assert [(q.name, q.text, q.line) for q in result.questions] == [("A", "One", 2), ("B", "Two", 5)]


def test_categories_apply_to_the_questions_after_them():
    result = parse(
        "$CATEGORY: $course$/top/Powers/Stop//search\n\n::A::One{}\n\n"
        "$CATEGORY: Law/Misc\n::B::Two{}\n\n$CATEGORY: $course$/top\n\n::C::Three{}\n\n"
        "$CATEGORY: top/X\n\n::D::Four{}"
    )
    assert [q.category for q in result.questions] == [
        ("Powers", "Stop/search"),
        ("Law", "Misc"),
        (),
        ("X",),
    ]


def test_a_category_line_ends_the_question_before_it():
    result = parse("::A::One{}\n$CATEGORY: B\n::C::Two{}")
    assert [(q.name, q.category) for q in result.questions] == [("A", ()), ("C", ("B",))]


def test_a_question_without_a_title_is_named_from_its_text():
    assert only("What is <b>PACE</b>?{}").name == "What is PACE ?"
    long = " ".join(["word"] * 30)
    name = only(long + "{}").name
    assert name.endswith("...") and len(name) <= 83 and name.startswith("word word")


@pytest.mark.parametrize("tag", ["html", "markdown", "plain", "moodle"])
def test_text_format_tags(tag):
    question = only(f"::Q::[{tag}]Some *text*{{=a ~b}}")
    assert question.text_format == tag
    assert question.text == "Some *text*"
    assert {a.text_format for a in question.answers} == {tag}


def test_without_a_tag_the_format_is_moodles_own():
    assert only("::Q::Text{}").text_format == "moodle"


def test_escapes():
    question = only(r"::a\:b::Pick \~ \= \# \{ \} \: \\ and\nnewline{=x\=y#fb \# \~ ~z}")
    assert question.name == "a:b"
    assert question.text == "Pick ~ = # { } : \\ and\nnewline"
    assert question.answers[0].text == "x=y"
    assert question.answers[0].feedback == "fb # ~"


def test_multichoice_with_one_right_answer_and_feedback():
    question = only("::Q::Which?{=Right#Yes ~Wrong#No ~Also wrong####General}")
    assert question.type == "multichoice" and question.single
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("Right", 1, "Yes"),
        ("Wrong", 0, "No"),
        ("Also wrong", 0, ""),
    ]
    assert question.general_feedback == "General"


def test_multichoice_with_weights_and_several_answers():
    question = only("::Q::Which?{~%50%a#half ~%50%b ~%-100%c#penalty ~d}")
    assert question.type == "multichoice" and not question.single
    assert [a.fraction for a in question.answers] == [Decimal("0.5"), Decimal("0.5"), -1, 0]


def test_one_answer_multichoice_with_partial_credit():
    question = only("::Q::Which?{=a ~%33.33333%b ~c}")
    assert question.single
    assert question.answers[1].fraction == Decimal("0.3333333")


def test_answers_may_span_lines():
    question = only("::Q::Which?{\n\t=a\n\t~b\n\t~c\n}")
    assert [a.text for a in question.answers] == ["a", "b", "c"]


@pytest.mark.parametrize(("block", "correct"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_truefalse(block, correct):
    question = only(f"::Q::The sky is blue.{{{block}}}")
    assert question.type == "truefalse"
    assert question.correct is correct


def test_truefalse_feedback_when_wrong_then_when_right():
    right_true = only("::Q::Yes?{T#You said false#You said true####General}")
    assert right_true.true_feedback == "You said true"
    assert right_true.false_feedback == "You said false"
    assert right_true.general_feedback == "General"
    right_false = only("::Q::No?{F#You said true#You said false}")
    assert right_false.true_feedback == "You said true"
    assert right_false.false_feedback == "You said false"


def test_shortanswer_is_case_insensitive_with_partial_credit():
    question = only("::Q::Which act?{=PACE =Police and Criminal Evidence Act =%50%P.A.C.E.#nearly}")
    assert question.type == "shortanswer"
    assert not question.case_sensitive
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("PACE", 1, ""),
        ("Police and Criminal Evidence Act", 1, ""),
        ("P.A.C.E.", Decimal("0.5"), "nearly"),
    ]


def test_missing_word_keeps_the_type_and_marks_the_gap():
    question = only("::Q::The act is known as {=PACE ~PICA} for short.")
    assert question.type == "multichoice"
    assert question.text == "The act is known as _____ for short."
    shortanswer = only("Officers must give {=grounds} before a search.")
    assert shortanswer.type == "shortanswer"
    assert shortanswer.text == "Officers must give _____ before a search."


def test_numerical_with_tolerance():
    question = only("::Q::Pi?{#3.14:0.01}")
    assert question.type == "numerical"
    assert question.numerical_answers == [NumericalAnswer(Decimal("3.14"), Decimal("0.01"), Decimal(1))]


def test_numerical_exact_and_negative():
    assert only("::Q::Minus two?{#-2}").numerical_answers == [
        NumericalAnswer(Decimal(-2), Decimal(0), Decimal(1))
    ]


def test_numerical_range_becomes_value_and_tolerance():
    assert only("::Q::Between?{#1..5}").numerical_answers == [
        NumericalAnswer(Decimal(3), Decimal(2), Decimal(1))
    ]


def test_several_numerical_answers_with_weights_and_feedback():
    question = only("::Q::When?{#=1822:0#Exact =%50%1822:2#Close ####General}")
    assert question.numerical_answers == [
        NumericalAnswer(Decimal(1822), Decimal(0), Decimal(1), "Exact"),
        NumericalAnswer(Decimal(1822), Decimal(2), Decimal("0.5"), "Close"),
    ]
    assert question.general_feedback == "General"


def test_numerical_feedback_for_any_other_number():
    question = only("::Q::When?{#=1822:0 =%50%*#Any number is half right ~#Wrong}")
    assert question.numerical_answers == [
        NumericalAnswer(Decimal(1822), Decimal(0), Decimal(1)),
        NumericalAnswer(None, Decimal(0), Decimal("0.5"), "Any number is half right"),
        NumericalAnswer(None, Decimal(0), Decimal(0), "Wrong"),
    ]
    assert comparable(only(write([question]))) == comparable(question)


def test_general_feedback_is_after_the_last_four_hashes():
    assert only("::Q::Yes?{T#a#b####general}").general_feedback == "general"


def test_matching_with_an_extra_answer():
    question = only("::Q::Match.{=a -> 1 =b -> 2 =c -> 3 = -> 4}")
    assert question.type == "matching"
    assert question.pairs == [
        MatchPair("a", "1"),
        MatchPair("b", "2"),
        MatchPair("c", "3"),
        MatchPair("", "4"),
    ]


def test_essay_and_description():
    essay = only("::Q::Write about it.{####Look for structure}")
    assert essay.type == "essay"
    assert essay.general_feedback == "Look for structure"
    description = only("::Intro::Read this first.")
    assert description.type == "description"
    assert description.text == "Read this first."


# Reading: problems, each naming the question's number, name and line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("::Q::Which?{=a ~b", "question 2 (Q), line 3: unbalanced braces: 1 { and 0 }"),
        ("::Q::Which?}=a ~b{", "question 2 (Q), line 3: unbalanced braces: a } comes before the {"),
        ("::Q::Which?{=a ~b} and {=c}", "question 2 (Q), line 3: it has 2 answer blocks"),
        ("::Q::Which?{~a ~b}", "question 2 (Q), line 3: a multiple-choice question has no right answer"),
        (
            "::Q::Which?{~%50%a ~%20%b ~c}",
            "question 2 (Q), line 3: the right answers of a several-answer question add up to 70",
        ),
        ("::Q::Which?{=a ~%abc%b}", "question 2 (Q), line 3: the weight %abc% is not a number"),
        ("::Q::Which?{=a ~%150%b}", "question 2 (Q), line 3: answer 'b' is worth 150"),
        ("::Q::Pi?{#three}", "question 2 (Q), line 3: 'three' is not a number"),
        ("::Q::Pi?{#3.14:x}", "question 2 (Q), line 3: 'x' is not a number"),
        ("::Q::Pi?{#5..1}", "question 2 (Q), line 3: the range 5..1 runs backwards"),
        ("::Q::Pi?{#3:-1}", "question 2 (Q), line 3: a tolerance is negative"),
        ("::Q::Pi?{#=%50%3}", "question 2 (Q), line 3: a numerical question needs an answer worth 100%"),
        ("::Q::Pi?{#}", "question 2 (Q), line 3: numerical answer 1 is empty"),
        ("::Q::[rtf]Which?{=a ~b}", "question 2 (Q), line 3: unknown format tag [rtf]"),
        ("::Q::Which?{=a ~}", "question 2 (Q), line 3: answer 2 is empty"),
        ("::Q::Which?{=}", "question 2 (Q), line 3: answer 1 is empty"),
        ("::Q::Which?{=%50%a}", "question 2 (Q), line 3: a short-answer question needs an answer worth 100%"),
        ("::Q::Which?{=a ~b ~c}x{", "question 2 (Q), line 3: unbalanced braces"),
        ("::Q::Which?{maybe}", "question 2 (Q), line 3: cannot tell what kind of answer {maybe} is"),
        ("::Q::Which?{x =a ~b}", "question 2 (Q), line 3: 'x' comes before the first = or ~"),
        ("::Q::Match.{=a -> 1 =b}", "question 2 (Q), line 3: matching pair 2 must be written"),
        ("::Q::Match.{=a -> 1 = -> 2}", "question 2 (Q), line 3: a matching question needs at least two"),
        ("::Q::Match.{=a -> 1 =b -> }", "question 2 (Q), line 3: matching pair 2 has no answer after ->"),
        ("::Q::Yes?{T#a#b#c}", "question 2 (Q), line 3: a true/false question takes at most two feedbacks"),
        ("::Q::{=a ~b}", "question 2 (Q), line 3: it has no question text"),
        ("::Q::Pi?{#~3}", "question 2 (Q), line 3: numerical answer 1 is empty"),
        ("::Q::Yes?{true}", "question 2 (Q), line 3: cannot tell what kind of answer {true} is"),
    ],
)
def test_problems_name_the_question(text, message):
    found = problems("::First::Fine.{}\n\n" + text + "\n\n::Last::Fine.{}")
    assert any(p.startswith(message) for p in found), found


def test_a_single_short_answer_is_fine():
    assert only("::Q::Which?{=a}").type == "shortanswer"


def test_a_problem_of_an_untitled_question_names_it_from_its_text():
    assert problems("\n\nIs it raining?{~yes ~no}") == [
        "question 1 (Is it raining?), line 3: a multiple-choice question has no right answer: "
        "mark one with = or give weights ~%50%"
    ]


def test_the_problem_sample_reports_every_question_that_is_wrong():
    result = parse((DATA / "problems.gift").read_text())
    assert not result.ok
    assert [str(p) for p in result.problems] == [
        "question 2 (No right answer), line 7: a multiple-choice question has no right answer: "
        "mark one with = or give weights ~%50%",
        "question 3 (Weights), line 9: the right answers of a several-answer question add up to 90%, not 100%",
        "question 4 (Braces), line 15: unbalanced braces: 1 { and 0 } (write \\{ or \\} for a brace in text)",
        "question 5 (Bad number), line 17: 'twenty-four' is not a number",
        "question 6 (Format), line 19: unknown format tag [rich]: [html], [markdown], [plain], [moodle] are accepted",
        "question 7 (Which is empty?), line 21: answer 2 is empty",
    ]
    assert all(q.category == ("Practice",) for q in result.questions)


def test_an_untitled_question_that_cannot_be_read_is_still_named():
    assert problems("How many?{#=3 ~4") == [
        "question 1 (How many?), line 1: unbalanced braces: 1 { and 0 } "
        "(write \\{ or \\} for a brace in text)"
    ]


def test_one_bad_question_makes_the_file_not_ok_but_the_others_are_still_read():
    result = parse("::A::Fine{=a ~b}\n\n::B::Bad{~a ~b}\n\n::C::Fine{T}")
    assert not result.ok
    assert [q.name for q in result.questions] == ["A", "B", "C"]
    assert [p.number for p in result.problems] == [2]


def test_an_empty_file_has_no_questions():
    result = parse("// nothing here\n\n")
    assert result.ok and result.questions == []


# Writing


def sample_questions() -> list[Question]:
    return [comparable(q) for q in parse((DATA / "rich.gift").read_text()).questions]


def test_the_rich_sample_round_trips():
    questions = sample_questions()
    again = parse(write(questions))
    assert again.ok, [str(p) for p in again.problems]
    assert [comparable(q) for q in again.questions] == questions


def test_write_puts_a_category_before_each_change_only():
    text = write(sample_questions())
    assert text.count("$CATEGORY:") == 3
    assert "$CATEGORY: $course$/top/Powers/Stop and search" in text
    assert "$CATEGORY: $course$/top/Law/Misc" in text


def test_write_escapes_and_keeps_text_on_one_line():
    question = Question(
        type="shortanswer",
        name="a:b",
        text="One {brace} = ~ # \\ and\n\nblank lines",
        answers=[Answer("x=y", Decimal(1), feedback="a # b")],
        general_feedback="g~",
    )
    text = write([question])
    assert "::a\\:b::[html]One \\{brace\\} \\= \\~ \\# \\\\ and\\n\\nblank lines{" in text
    assert "\t=x\\=y#a \\# b\n" in text
    assert "\t####g\\~\n" in text
    assert comparable(only(text)) == question


def test_write_refuses_an_arrow_where_it_would_make_a_matching_question():
    matching = Question(
        type="matching", name="M", text="Match.", pairs=[MatchPair("a -> b", "1"), MatchPair("c", "2")]
    )
    with pytest.raises(ValueError, match="'M': a matching sub-question cannot contain '->'"):
        write([matching])
    short = Question(type="shortanswer", name="S", text="Which?", answers=[Answer("a", Decimal(1), "x -> y")])
    with pytest.raises(ValueError, match="'S': a short answer or its feedback cannot contain '->'"):
        write([short])


def test_windows_line_ends_are_read():
    result = parse("::A::One{=a\r\n~b}\r\n\r\n::B::Two{}\r\n")
    assert [(q.name, q.line) for q in result.questions] == [("A", 1), ("B", 4)]


def test_write_refuses_ordering_and_gapselect_naming_them():
    questions = [
        Question(type="essay", name="Fine", text="Write."),
        Question(type="ordering", name="Order", text="Order these.", items=["a", "b"]),
        Question(type="gapselect", name="Gaps", text="[[1]]"),
    ]
    assert [q.name for q in unwritable(questions)] == ["Order", "Gaps"]
    with pytest.raises(ValueError, match=r"'Order' \(ordering\); 'Gaps' \(gapselect\)"):
        write(questions)


def test_what_gift_cannot_hold_is_said_at_the_top():
    questions = [
        Question(
            type="numerical",
            name="Speed",
            text="How fast?",
            numerical_answers=[NumericalAnswer(Decimal(30), Decimal(0), Decimal(1))],
            units=[NumericalUnit("mph")],
        ),
        Question(
            type="shortanswer",
            name="Case",
            text="Which?",
            answers=[Answer("PACE", Decimal(1))],
            case_sensitive=True,
        ),
    ]
    text = write(questions)
    assert text.startswith("// GIFT cannot hold everything in these questions:\n")
    assert "//   Speed: its units (mph) are lost\n" in text
    assert "//   Case: it was case-sensitive; GIFT answers are not\n" in text
    assert parse(text).ok
    assert "cannot hold" not in write(sample_questions())


def test_a_gap_at_the_end_of_the_text_survives():
    question = Question(type="shortanswer", name="Q", text="Fill _____", answers=[Answer("a", Decimal(1))])
    assert comparable(only(write([question]))) == question


def test_a_multichoice_whose_right_answers_are_all_100_percent_stays_multichoice():
    question = Question(
        type="multichoice",
        name="Q",
        text="Which?",
        answers=[Answer("a", Decimal(1)), Answer("b", Decimal(1))],
    )
    assert comparable(only(write([question]))) == question


def test_answers_that_look_like_weights_or_tags_survive():
    question = Question(
        type="multichoice",
        name="Q",
        text="[x] Which?",
        text_format="plain",
        answers=[
            Answer("%5% off", Decimal(1)),
            Answer("[html] b", Decimal(0)),
            Answer("c", Decimal(0), text_format="html"),
        ],
    )
    question.answers[0].text_format = "plain"
    question.answers[1].text_format = "plain"
    assert comparable(only(write([question]))) == question


# Round trip with generated questions

# Texts full of GIFT's own marks and of line breaks other than \n. A gap (_____) is tested apart.
_text = (
    st.text(alphabet="ab ~=#{}:\\%[]-_>\n/\x85\u2028", min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda s: bool(s) and "_____" not in s)
)
# GIFT cannot hold "->" in a matching sub-question or a short answer (write refuses them).
_arrowless = _text.filter(lambda s: "->" not in s)
# A category name is one line; "top" first would be read as the bank's top, and a name ending in
# "/" cannot be told from the separator.
_category_name = _text.filter(
    lambda s: "\n" not in s and s != "top" and not s.startswith("/") and not s.endswith("/")
)
_fraction = st.decimals(min_value=-1, max_value=1, places=2)
_number = st.decimals(min_value=-1000, max_value=1000, places=3)
_format = st.sampled_from(["html", "markdown", "plain", "moodle"])


def _answers(question_format, fractions, text=_text):
    return st.tuples(*[st.tuples(text, st.just(f), st.one_of(st.just(""), text)) for f in fractions]).map(
        lambda items: [Answer(t, f, fb, text_format=question_format) for t, f, fb in items]
    )


@st.composite
def questions(draw) -> Question:
    kind = draw(st.sampled_from(WRITABLE_TYPES))
    text_format = draw(_format)
    question = Question(
        type=kind,
        name=draw(_text),
        text=draw(_text),
        text_format=text_format,
        category=tuple(draw(st.lists(_category_name, max_size=2))),
        general_feedback="" if kind == "description" else draw(st.one_of(st.just(""), _text)),
    )
    if kind == "multichoice":
        question.single = draw(st.booleans())
        if question.single:
            fractions = [Decimal(1), *draw(st.lists(_fraction, min_size=1, max_size=3))]
        else:
            fractions = [
                Decimal("0.5"),
                Decimal("0.5"),
                *draw(st.lists(_fraction.filter(lambda f: f <= 0), max_size=2)),
            ]
        question.answers = draw(_answers(text_format, fractions))
    elif kind == "shortanswer":
        fractions = [Decimal(1), *draw(st.lists(_fraction.filter(lambda f: f >= 0), max_size=2))]
        question.answers = draw(_answers(text_format, fractions, _arrowless))
    elif kind == "truefalse":
        question.correct = draw(st.booleans())
        question.true_feedback = draw(st.one_of(st.just(""), _text))
        question.false_feedback = draw(st.one_of(st.just(""), _text))
    elif kind == "numerical":
        question.numerical_answers = [
            NumericalAnswer(
                draw(_number), abs(draw(_number)), Decimal(1), draw(st.one_of(st.just(""), _text))
            ),
            *[
                NumericalAnswer(draw(_number), abs(draw(_number)), draw(_fraction), "")
                for _ in range(draw(st.integers(0, 2)))
            ],
        ]
        if draw(st.booleans()):  # feedback for any other number comes last
            question.numerical_answers.append(NumericalAnswer(None, Decimal(0), Decimal(0), draw(_text)))
    elif kind == "matching":
        question.pairs = [MatchPair(draw(_arrowless), draw(_text)) for _ in range(draw(st.integers(2, 4)))]
    return question


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(), min_size=1, max_size=4))
def test_generated_questions_round_trip(generated):
    result = parse(write(generated))
    assert result.ok, [str(p) for p in result.problems]
    assert [comparable(q) for q in result.questions] == generated
