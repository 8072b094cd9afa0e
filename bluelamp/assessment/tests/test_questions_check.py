"""The checks every question passes whatever file it came from (formats/questions.py)."""

from decimal import Decimal

from bluelamp.assessment.formats import moodle_xml
from bluelamp.assessment.formats.questions import Answer, Question, check


def several(*percentages: str) -> Question:
    return Question(
        type="multichoice",
        name="Q",
        text="Which?",
        single=False,
        answers=[Answer(text=f"a{i}", fraction=Decimal(p) / 100) for i, p in enumerate(percentages)],
    )


def test_thirds_as_moodle_writes_them_add_up_to_100_percent():
    # Moodle keeps fractions to 7 places and rounds the total to 2, as its own form does.
    assert check(several("33.33333", "33.33333", "33.33333", "-100")) == []
    assert check(several("16.66667", "16.66667", "16.66667", "16.66667", "16.66667", "16.66667")) == []


def test_a_total_clearly_off_100_percent_is_still_refused():
    assert check(several("50", "40", "0")) == [
        "the right answers of a several-answer question add up to 90%, not 100%"
    ]
    assert check(several("50", "49.4")) == [
        "the right answers of a several-answer question add up to 99.4%, not 100%"
    ]


def test_a_moodle_file_with_three_thirds_is_read():
    data = b"""<?xml version="1.0"?><quiz><question type="multichoice"><name><text>Thirds</text></name>
    <questiontext format="html"><text>Which three?</text></questiontext><single>false</single>
    <answer fraction="33.33333"><text>a</text></answer><answer fraction="33.33333"><text>b</text></answer>
    <answer fraction="33.33333"><text>c</text></answer><answer fraction="-100"><text>d</text></answer>
    </question></quiz>"""
    result = moodle_xml.parse(data)
    assert result.ok, result.problems
