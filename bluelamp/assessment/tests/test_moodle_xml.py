"""Moodle XML files read into the neutral form and written back (bluelamp/assessment/formats)."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluelamp.assessment.formats.moodle_xml import parse, write
from bluelamp.assessment.formats.questions import (
    Answer,
    GapChoice,
    MatchPair,
    NumericalAnswer,
    NumericalUnit,
    Problem,
    Question,
    Unsupported,
)

DATA = Path(__file__).parent / "data"


def _sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _quiz(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'.encode()


def _without_origin(question: Question) -> Question:
    return dataclasses.replace(question, number=0, line=None)


def _messages(data: bytes) -> list[str]:
    return [problem.message for problem in parse(data).problems]


@pytest.fixture(scope="module")
def sample():
    result = parse(_sample("moodle_all_types.xml"))
    assert result.ok, (result.problems, result.unsupported)
    return {question.name: question for question in result.questions}


# ------------------------------------------------------------------------------------- every type


def test_the_sample_holds_every_type_in_file_order_with_its_line():
    result = parse(_sample("moodle_all_types.xml"))
    assert [(q.number, q.type) for q in result.questions] == [
        (1, "multichoice"),
        (2, "multichoice"),
        (3, "truefalse"),
        (4, "shortanswer"),
        (5, "numerical"),
        (6, "matching"),
        (7, "ordering"),
        (8, "gapselect"),
        (9, "essay"),
        (10, "description"),
    ]
    assert result.questions[0].line == 15


def test_categories_follow_the_category_pseudo_questions(sample):
    assert sample["Power to stop"].category == ("Roads policing", "Stops")
    assert sample["Documents to produce"].category == ("Roads policing", "Stops")
    assert sample["Drink drive limit"].category == ("Roads policing",)
    assert sample["Stopping distance"].category == ()  # $system$/top
    # "//" is how Moodle writes a "/" inside a category's name.
    assert sample["Arrest steps"].category == ("Custody", "Rights / entitlements")


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("$course$/top/A/B", ("A", "B")),
        ("$system$/top/A", ("A",)),
        ("$module$/top/A", ("A",)),
        ("$coursecategory$/top", ()),
        ("$course$/Default for PC101", ("Default for PC101",)),  # files from before Moodle 3.5
        ("top/A", ("A",)),
        ("A/B//C", ("A", "B/C")),
    ],
)
def test_category_paths_lose_their_context_and_top(path, category):
    result = parse(
        _quiz(
            f'<question type="category"><category><text>{path}</text></category></question>'
            '<question type="description"><name><text>D</text></name>'
            "<questiontext><text>T</text></questiontext></question>"
        )
    )
    assert result.questions[0].category == category


def test_multichoice_with_one_right_answer(sample):
    question = sample["Power to stop"]
    assert question.text.startswith("<p>Which Act gives a constable")
    assert "<b>mechanically propelled vehicle</b>" in question.text  # CDATA, kept as HTML
    assert question.text_format == "html"
    assert question.general_feedback == "<p>Section 163 of the Road Traffic Act 1988.</p>"
    assert question.default_mark == Decimal(2)
    assert question.penalty == Decimal("0.3333333")
    assert question.idnumber == "RP-001"
    assert question.tags == ["roads", "powers"]
    assert question.single is True
    assert question.shuffle is True
    assert question.answer_numbering == "ABCD"
    assert question.correct_feedback == "Your answer is correct."
    assert question.partially_correct_feedback == "Your answer is partially correct."
    assert question.incorrect_feedback == "Your answer is incorrect."
    assert question.answers == [
        Answer("Road Traffic Act 1988", Decimal(1), "Yes: section 163.", "html"),
        Answer("PACE 1984", Decimal(0), "PACE gives stop and search powers, not this one.", "html"),
        Answer("Highways Act 1980", Decimal("-0.25"), "", "plain"),
    ]


def test_multichoice_with_several_answers_and_partial_credit(sample):
    question = sample["Documents to produce"]
    assert question.single is False
    assert question.shuffle is False  # <shuffleanswers>0</shuffleanswers>
    assert question.text_format == "moodle"
    assert question.penalty == Decimal("0.1")
    assert [a.fraction for a in question.answers] == [
        Decimal("0.3333333"),
        Decimal("0.3333333"),
        Decimal("0.3333334"),
        Decimal(-1),
    ]


def test_truefalse(sample):
    question = sample["Drink drive limit"]
    assert question.text_format == "markdown"
    assert question.correct is True
    assert question.true_feedback == "Right."
    assert question.false_feedback == "It is 35 (Scotland: 22)."
    assert question.answers == []


def test_truefalse_whose_right_answer_is_false():
    result = parse(_sample("moodle_unsupported.xml"))
    assert result.questions[0].correct is False


def test_shortanswer(sample):
    question = sample["Phonetic alphabet"]
    assert question.text_format == "plain"
    assert question.case_sensitive is False
    assert question.answers == [
        Answer("Delta", Decimal(1), "Yes.", "moodle"),
        Answer("D*", Decimal("0.5"), "Close.", "moodle"),
    ]


def test_numerical_with_tolerance_any_other_answer_and_units(sample):
    question = sample["Stopping distance"]
    assert question.numerical_answers == [
        NumericalAnswer(Decimal(23), Decimal(1), Decimal(1), "Right."),
        NumericalAnswer(Decimal(23), Decimal(5), Decimal("0.5"), "Nearly."),
        NumericalAnswer(None, Decimal(0), Decimal(0), "Look it up in the Highway Code."),
    ]
    assert question.units == [NumericalUnit("m", Decimal(1)), NumericalUnit("ft", Decimal("3.28084"))]


def test_matching_with_an_extra_wrong_answer(sample):
    question = sample["Ranks"]
    assert question.default_mark == Decimal(3)
    assert question.shuffle is False
    assert question.correct_feedback == "All right."
    assert question.pairs == [
        MatchPair("<p>Sergeant</p>", "Three chevrons"),
        MatchPair("Inspector", "Two pips"),
        MatchPair("Chief inspector", "Three pips"),
        MatchPair("", "A crown"),
    ]


def test_ordering_items_in_their_right_order(sample):
    question = sample["Arrest steps"]
    assert question.items == ["Tell them they are under arrest", "Give the grounds", "Caution them"]
    assert question.correct_feedback == "Well done."


def test_ordering_items_are_put_in_the_order_their_positions_give():
    result = parse(
        _quiz(
            '<question type="ordering"><name><text>O</text></name><questiontext><text>T</text></questiontext>'
            '<answer fraction="2"><text>second</text></answer>'
            '<answer fraction="1"><text>first</text></answer>'
            "</question>"
        )
    )
    assert result.questions[0].items == ["first", "second"]


def test_gapselect(sample):
    question = sample["Caution"]
    assert "[[1]]" in question.text and "[[3]]" in question.text
    assert question.shuffle is True
    assert question.choices == [
        GapChoice("anything", 1),
        GapChoice("harm", 2),
        GapChoice("questioned", 3),
        GapChoice("nothing", 1),
        GapChoice("help", 2),
    ]


def test_essay(sample):
    question = sample["Use of force"]
    assert question.response_format == "plain"
    assert question.response_required is True
    assert question.min_words == 100
    assert question.max_words == 500
    assert question.attachments == -1
    assert question.grader_info == "<p>Mention s.3 Criminal Law Act 1967.</p>"
    assert question.response_template == "Force is reasonable when"
    assert question.tags == ["force"]
    assert question.penalty == Decimal(0)


def test_description(sample):
    question = sample["Section break"]
    assert question.text == "<h2>Part two</h2>"
    assert question.default_mark == Decimal(0)


def test_a_question_without_optional_elements_takes_the_defaults():
    result = parse(
        _quiz(
            '<question type="shortanswer"><name><text>S</text></name>'
            "<questiontext><text>Q?</text></questiontext>"
            '<answer fraction="100"><text>A</text></answer></question>'
        )
    )
    (question,) = result.questions
    assert question.default_mark == Decimal(1)
    assert question.penalty == Decimal("0.3333333")
    assert question.text_format == "html"
    assert question.case_sensitive is False
    assert question.category == ()


# ------------------------------------------------------------------------------------ unsupported


def test_unsupported_types_are_listed_and_the_others_still_read():
    result = parse(_sample("moodle_unsupported.xml"))
    assert result.unsupported == [
        Unsupported(1, "Speed from distance", "calculated", 6),
        Unsupported(2, "Cloze caution", "multianswer", 11),
        Unsupported(4, "Drag words", "ddwtos", 21),
        Unsupported(5, "Random (Mixed)", "random", 25),
    ]
    assert [(q.number, q.name, q.category) for q in result.questions] == [(3, "Still read", ("Mixed",))]
    assert result.problems == []
    assert not result.ok


# ----------------------------------------------------------------------------------- the file


def test_a_file_that_is_not_xml_is_one_problem_with_the_parsers_message_and_line():
    result = parse(b'<?xml version="1.0"?>\n<quiz>\n<question type="essay">\n</quiz>\n')
    (problem,) = result.problems
    assert problem.number == 0
    assert problem.line == 4
    assert problem.message.startswith("it is not well-formed XML: mismatched tag")
    assert str(problem).startswith("the file, line 4: it is not well-formed XML")
    assert result.questions == []


def test_a_gift_file_is_not_xml():
    (problem,) = parse(b"::Q1:: 2+2 is {=4 ~5}").problems
    assert problem.number == 0
    assert "not well-formed XML" in problem.message


def test_an_empty_file_is_not_xml():
    (problem,) = parse(b"").problems
    assert "not well-formed XML" in problem.message


def test_xml_that_is_not_a_quiz():
    assert parse(b'<?xml version="1.0"?>\n<manifest/>').problems == [
        Problem(0, "", "its top element is <manifest>, not <quiz>: it is not a Moodle XML file", 2)
    ]


def test_an_element_in_the_quiz_that_is_not_a_question():
    result = parse(_quiz("<category>x</category>"))
    assert result.problems == [Problem(0, "", "<category> inside <quiz> is not a <question>", 3)]


def test_an_empty_quiz_holds_nothing():
    result = parse(_quiz(""))
    assert result.ok and result.questions == []


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="description"><name><text>&lol4;</text></name>
<questiontext><text>&lol4;</text></questiontext></question></quiz>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<quiz><question type="description"><name><text>&secret;</text></name>
<questiontext><text>&secret;</text></questiontext></question></quiz>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [ <!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote; ]>
<quiz/>
"""


@pytest.mark.parametrize(
    ("data", "entity", "line"),
    [(BILLION_LAUGHS, "lol", 3), (EXTERNAL_ENTITY, "secret", 2), (EXTERNAL_DTD, "remote", 2)],
    ids=["laughs", "file", "dtd"],
)
def test_hostile_xml_is_refused_not_expanded(data, entity, line):
    result = parse(data)
    assert result.problems == [
        Problem(
            0,
            "",
            f"it declares the XML entity {entity!r}: entities are refused, as they can expand without "
            "limit or read other files and addresses",
            line,
        )
    ]
    assert result.questions == []


def test_an_external_dtd_is_not_fetched():
    result = parse(
        b'<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd">\n<quiz/>'
    )
    assert result.ok and result.questions == []


# ------------------------------------------------------------------------------------ problems


def _element(qtype: str, inner: str, name: str = "Q", text: str = "Text?") -> str:
    return (
        f'<question type="{qtype}">\n<name><text>{name}</text></name>\n'
        f"<questiontext><text>{text}</text></questiontext>\n{inner}\n</question>"
    )


def _question(qtype: str, inner: str, name: str = "Q", text: str = "Text?") -> bytes:
    return _quiz(_element(qtype, inner, name, text))


MULTICHOICE_RIGHT = (
    '<answer fraction="100"><text>A</text></answer><answer fraction="0"><text>B</text></answer>'
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _question("multichoice", '<answer fraction="lots"><text>A</text></answer>'),
            "the answer's fraction 'lots' is not a number",
        ),
        (
            _question("multichoice", '<answer fraction="NaN"><text>A</text></answer>'),
            "the answer's fraction 'NaN' is not a number",
        ),
        (
            _question("multichoice", "<answer><text>A</text></answer>"),
            "an answer has no fraction attribute",
        ),
        (
            _question(
                "multichoice",
                '<answer fraction="50"><text>A</text></answer><answer fraction="0"><text>B</text></answer>',
            ),
            "a one-answer multiple-choice question needs one answer worth 100%",
        ),
        (
            _question(
                "multichoice",
                '<single>false</single><answer fraction="50"><text>A</text></answer>'
                '<answer fraction="0"><text>B</text></answer>',
            ),
            "the right answers of a several-answer question add up to 50%, not 100%",  # check() prints the Decimal it computes,
        ),
        (
            _question("multichoice", '<answer fraction="100"><text>A</text></answer>'),
            "a multiple-choice question needs at least two answers",
        ),
        (
            _question(
                "multichoice",
                '<answer fraction="100"><text>A</text></answer><answer fraction="-150"><text>B</text></answer>',
            ),
            "answer 'B' is worth -150%: between -100% and 100% is accepted",
        ),
        (
            _question("multichoice", "<single>maybe</single>" + MULTICHOICE_RIGHT),
            "<single> is 'maybe': true, false, 1 or 0 is accepted",
        ),
        (_question("multichoice", MULTICHOICE_RIGHT, name=""), "it has no name"),
        (_question("multichoice", MULTICHOICE_RIGHT, text=""), "it has no question text"),
        (
            _question("multichoice", "<defaultgrade>two</defaultgrade>" + MULTICHOICE_RIGHT),
            "the default mark 'two' is not a number",
        ),
        (
            _question("multichoice", "<defaultgrade>-1</defaultgrade>" + MULTICHOICE_RIGHT),
            "its mark -1 is negative",
        ),
        (
            _question("multichoice", "<penalty>a third</penalty>" + MULTICHOICE_RIGHT),
            "the penalty 'a third' is not a number",
        ),
        (
            _quiz(
                '<question type="multichoice"><name><text>Q</text></name>' + MULTICHOICE_RIGHT + "</question>"
            ),
            "the question has no <questiontext>",
        ),
        (
            _quiz(
                '<question type="multichoice"><name><text>Q</text></name>'
                '<questiontext format="rtf"><text>T</text></questiontext>' + MULTICHOICE_RIGHT + "</question>"
            ),
            "text format 'rtf' is not one of html, moodle_auto_format, plain_text, markdown",
        ),
        (
            _question(
                "multichoice",
                '<answer fraction="100" format="word"><text>A</text></answer><answer fraction="0"><text>B</text></answer>',
            ),
            "text format 'word' is not one of html, moodle_auto_format, plain_text, markdown",
        ),
        (_quiz("<question><name><text>Q</text></name></question>"), "the question has no type attribute"),
        (
            _question("truefalse", '<answer fraction="100"><text>yes</text></answer>'),
            "a true/false answer is 'yes', not true or false",
        ),
        (
            _question(
                "truefalse",
                '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>true</text></answer>',
            ),
            "the answer 'true' is given twice",
        ),
        (
            _question(
                "truefalse",
                '<answer fraction="0"><text>true</text></answer><answer fraction="0"><text>false</text></answer>',
            ),
            "neither true nor false is worth 100%",
        ),
        (
            _question("shortanswer", '<answer fraction="50"><text>A</text></answer>'),
            "a short-answer question needs an answer worth 100%",
        ),
        (
            _question("shortanswer", '<usecase>2</usecase><answer fraction="100"><text>A</text></answer>'),
            "<usecase> is '2': true, false, 1 or 0 is accepted",
        ),
        (
            _question("numerical", '<answer fraction="100"><text>three</text></answer>'),
            "the numerical answer 'three' is not a number",
        ),
        (
            _question(
                "numerical", '<answer fraction="100"><text>3</text><tolerance>a bit</tolerance></answer>'
            ),
            "the tolerance 'a bit' is not a number",
        ),
        (
            _question("numerical", '<answer fraction="100"><text>3</text><tolerance>-1</tolerance></answer>'),
            "a tolerance is negative",
        ),
        (
            _question("numerical", '<answer fraction="50"><text>3</text></answer>'),
            "a numerical question needs an answer worth 100%",
        ),
        (
            _question(
                "numerical",
                '<answer fraction="100"><text>3</text></answer>'
                "<units><unit><multiplier>x</multiplier><unit_name>m</unit_name></unit></units>",
            ),
            "the unit's multiplier 'x' is not a number",
        ),
        (
            _question(
                "numerical",
                '<answer fraction="100"><text>3</text></answer><units><unit><multiplier>1</multiplier></unit></units>',
            ),
            "a unit has no <unit_name>",
        ),
        (
            _question("matching", "<subquestion><text>A</text><answer><text>1</text></answer></subquestion>"),
            "a matching question needs at least two sub-questions",
        ),
        (
            _question("ordering", '<answer fraction="1"><text>only</text></answer>'),
            "an ordering question needs at least two items",
        ),
        (
            _question(
                "ordering",
                '<answer fraction="first"><text>A</text></answer><answer fraction="2"><text>B</text></answer>',
            ),
            "the item's position 'first' is not a number",
        ),
        (
            _question(
                "gapselect", "<selectoption><text>a</text><group>1</group></selectoption>", text="[[1]] [[2]]"
            ),
            "gap [[2]] names choice 2, but there are 1 choices",
        ),
        (
            _question(
                "gapselect", "<selectoption><text>a</text><group>1</group></selectoption>", text="No gaps"
            ),
            "a select-missing-words question needs gaps ([[1]], [[2]]…) in its text",
        ),
        (
            _question(
                "gapselect", "<selectoption><text>a</text><group>one</group></selectoption>", text="[[1]]"
            ),
            "the choice's group 'one' is not a whole number",
        ),
        (
            _question("essay", "<minwordlimit>500</minwordlimit><maxwordlimit>100</maxwordlimit>"),
            "the word limit's minimum 500 is above its maximum 100",
        ),
        (
            _question("essay", "<minwordlimit>many</minwordlimit>"),
            "the minimum word count 'many' is not a whole number",
        ),
        (
            _question("essay", "<maxwordlimit>1.5</maxwordlimit>"),
            "the maximum word count '1.5' is not a whole number",
        ),
        (
            _question("essay", "<attachments>some</attachments>"),
            "the number of attachments 'some' is not a whole number",
        ),
        (
            _question("essay", "<responserequired>yes</responserequired>"),
            "<responserequired> is 'yes': true, false, 1 or 0 is accepted",
        ),
    ],
)
def test_problems_name_the_question_and_its_line(data, message):
    result = parse(data)
    assert message in [problem.message for problem in result.problems]
    for problem in result.problems:
        assert problem.number == 1
        assert problem.line is not None and problem.line >= 3
    assert result.questions == []
    assert not result.ok


def test_a_problem_points_at_the_line_of_the_bad_answer():
    data = _quiz(
        '<question type="multichoice">\n<name><text>Stops</text></name>\n'
        "<questiontext><text>Q</text></questiontext>\n"
        '<answer fraction="100"><text>A</text></answer>\n<answer fraction="x"><text>B</text></answer>\n</question>'
    )
    assert parse(data).problems == [Problem(1, "Stops", "the answer's fraction 'x' is not a number", 7)]


def test_problems_are_numbered_by_question_and_the_good_ones_still_read():
    data = _quiz(
        '<question type="category"><category><text>$course$/top/A</text></category></question>\n'
        + _element("shortanswer", '<answer fraction="100"><text>A</text></answer>', name="Good")
        + _element("shortanswer", '<answer fraction="10"><text>A</text></answer>', name="Bad")
    )
    result = parse(data)
    assert [(q.number, q.name) for q in result.questions] == [(1, "Good")]
    assert [(p.number, p.name) for p in result.problems] == [(2, "Bad")]
    assert str(result.problems[0]).startswith("question 2 (Bad), line ")


# --------------------------------------------------------------------------------------- writing


def test_writing_gives_utf8_moodle_xml_with_categories_only_where_they_change(sample):
    data = write(list(sample.values()))
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    assert data.rstrip().endswith(b"</quiz>")
    text = data.decode("utf-8")
    categories = [line.strip() for line in text.splitlines() if "<category>" in line]
    assert categories == [
        "<category><text>$course$/top/Roads policing/Stops</text></category>",
        "<category><text>$course$/top/Roads policing</text></category>",
        "<category><text>$course$/top</text></category>",
        "<category><text>$course$/top/Custody/Rights // entitlements</text></category>",
    ]


def test_writing_puts_markup_in_cdata_and_escapes_plain_text():
    question = Question(
        type="description",
        name="Fish & chips",
        text="<p>Say ]]> safely</p>",
        general_feedback="plain words",
    )
    text = write([question]).decode()
    assert "<name><text><![CDATA[Fish & chips]]></text></name>" in text
    assert "<text><![CDATA[<p>Say ]]]]><![CDATA[> safely</p>]]></text>" in text
    assert "<text>plain words</text>" in text
    (back,) = parse(write([question])).questions
    assert back.text == "<p>Say ]]> safely</p>"
    assert back.name == "Fish & chips"


def test_writing_gives_exact_fractions_formats_tags_and_units(sample):
    text = write(
        [sample["Documents to produce"], sample["Stopping distance"], sample["Phonetic alphabet"]]
    ).decode()
    assert text.count('<answer fraction="33.33333" format="html">') == 2
    assert '<answer fraction="33.33334" format="html">' in text
    assert '<answer fraction="-100" format="html">' in text
    assert '<questiontext format="moodle_auto_format">' in text
    assert '<questiontext format="plain_text">' in text
    assert "<single>false</single>" in text
    assert "<text>*</text>" in text
    assert "<tolerance>5</tolerance>" in text
    assert "<multiplier>3.28084</multiplier>" in text
    assert "<unit_name>ft</unit_name>" in text
    assert "<usecase>0</usecase>" in text
    assert '<answer fraction="50" format="moodle_auto_format">' in text


def test_writing_tags_and_truefalse(sample):
    text = write([sample["Power to stop"], sample["Drink drive limit"]]).decode()
    assert (
        "<tags>\n      <tag><text>roads</text></tag>\n      <tag><text>powers</text></tag>\n    </tags>"
        in text
    )
    assert '<questiontext format="markdown">' in text
    assert '<answer fraction="100" format="moodle_auto_format">\n      <text>true</text>' in text
    assert '<answer fraction="0" format="moodle_auto_format">\n      <text>false</text>' in text


def test_writing_nothing_gives_an_empty_quiz():
    assert parse(write([])).ok


# ------------------------------------------------------------------------------------ round trip


def test_the_rich_sample_round_trips(sample):
    questions = list(sample.values())
    result = parse(write(questions))
    assert result.ok
    assert [_without_origin(q) for q in result.questions] == [_without_origin(q) for q in questions]


def test_writing_the_sample_again_gives_the_same_file(sample):
    once = write(list(sample.values()))
    assert write(parse(once).questions) == once


_XML_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
_texts = st.lists(
    st.one_of(_XML_CHARS, st.sampled_from(["\n", "\t", " ", "<", ">", "&", "]]>", "<p>", "[["])), max_size=12
).map("".join)
_nonblank = _texts.filter(lambda text: text.strip() != "")
_names = _texts.map(str.strip).filter(bool)
_formats = st.sampled_from(["html", "markdown", "plain", "moodle"])
_fractions = st.decimals(min_value=-1, max_value=1, places=7)
_marks = st.decimals(min_value=0, max_value=100, places=7)
_numbers = st.decimals(min_value=-(10**9), max_value=10**9, places=5)
_category_part = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="/"), max_size=8
)
_categories = st.lists(_category_part.map(str.strip).filter(bool), max_size=3).map(tuple)


@st.composite
def _questions(draw):
    qtype = draw(
        st.sampled_from(
            [
                "multichoice",
                "truefalse",
                "shortanswer",
                "numerical",
                "matching",
                "ordering",
                "gapselect",
                "essay",
                "description",
            ]
        )
    )
    question = Question(
        type=qtype,
        name=draw(_names),
        text=draw(_nonblank.filter(lambda text: "[[" not in text)),
        text_format=draw(_formats),
        category=draw(_categories),
        general_feedback=draw(_texts),
        default_mark=draw(_marks),
        penalty=draw(st.decimals(min_value=0, max_value=1, places=7)),
        tags=draw(st.lists(_texts, max_size=3)),
        idnumber=draw(_texts.map(str.strip)),
    )

    def answers(first: Decimal) -> list[Answer]:
        rest = draw(
            st.lists(st.tuples(_texts, _fractions.filter(lambda f: f <= 0), _texts, _formats), max_size=3)
        )
        return [Answer(draw(_texts), first, draw(_texts), draw(_formats))] + [Answer(*r) for r in rest]

    def combined_feedback() -> None:
        question.correct_feedback = draw(_texts)
        question.partially_correct_feedback = draw(_texts)
        question.incorrect_feedback = draw(_texts)

    if qtype == "multichoice":
        question.single = draw(st.booleans())
        question.shuffle = draw(st.booleans())
        question.answer_numbering = draw(st.sampled_from(["abc", "ABCD", "123", "iii", "none"]))
        question.answers = answers(Decimal(1))
        if len(question.answers) < 2:
            question.answers.append(Answer("other", Decimal(0)))
        combined_feedback()
    elif qtype == "truefalse":
        question.correct = draw(st.booleans())
        question.true_feedback = draw(_texts)
        question.false_feedback = draw(_texts)
    elif qtype == "shortanswer":
        question.case_sensitive = draw(st.booleans())
        question.answers = answers(Decimal(1))
    elif qtype == "numerical":
        question.numerical_answers = [
            NumericalAnswer(
                value=draw(st.one_of(st.none(), _numbers)),
                tolerance=draw(st.decimals(min_value=0, max_value=1000, places=5)),
                fraction=fraction,
                feedback=draw(_texts),
            )
            for fraction in [Decimal(1), *draw(st.lists(_fractions, max_size=2))]
        ]
        question.units = [NumericalUnit(name, draw(_numbers)) for name in draw(st.lists(_names, max_size=2))]
    elif qtype == "matching":
        question.shuffle = draw(st.booleans())
        question.pairs = [MatchPair(draw(_nonblank), draw(_texts)) for _ in range(draw(st.integers(2, 4)))]
        question.pairs += [MatchPair("", text) for text in draw(st.lists(_texts, max_size=1))]
        combined_feedback()
    elif qtype == "ordering":
        question.items = draw(st.lists(_texts, min_size=2, max_size=5))
        combined_feedback()
    elif qtype == "gapselect":
        question.shuffle = draw(st.booleans())
        question.choices = [
            GapChoice(text, group)
            for text, group in draw(st.lists(st.tuples(_texts, st.integers(1, 20)), min_size=1, max_size=4))
        ]
        question.text += "".join(f" [[{n}]]" for n in range(1, len(question.choices) + 1))
        combined_feedback()
    elif qtype == "essay":
        question.response_format = draw(st.sampled_from(["editor", "plain", "noinline", "monospaced"]))
        question.response_required = draw(st.booleans())
        question.response_template = draw(_texts)
        question.grader_info = draw(_texts)
        question.attachments = draw(st.integers(-1, 3))
        question.min_words = draw(st.one_of(st.none(), st.integers(0, 100)))
        question.max_words = draw(st.one_of(st.none(), st.integers(100, 1000)))
    return question


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_questions(), max_size=4))
def test_any_questions_round_trip(questions):
    result = parse(write(questions))
    assert result.problems == [] and result.unsupported == []
    assert [_without_origin(q) for q in result.questions] == questions
