"""The shared input rules: no control characters in text, dates within a sensible range."""

import datetime as dt

from bluelamp.core.validation import date_errors, text_errors


def test_text_with_a_control_character_is_refused_naming_the_character():
    errors = text_errors(name="Kent\x07 Police", code="K1", notes=None)
    assert errors == {
        "name": "This contains a control character (U+0007), which is not accepted. "
        "Use letters, digits, spaces and punctuation, on one line."
    }
    assert "U+001B" in text_errors(name="\x1b[31mred")["name"]
    assert "U+0000, NUL" in text_errors(name="a\x00b")["name"]
    assert "U+007F, DEL" in text_errors(name="a\x7fb")["name"]


def test_line_breaks_and_tabs_only_where_text_may_have_several_lines():
    assert text_errors(notes="One\r\nTwo\tthree", multiline=("notes",)) == {}
    assert "U+000A, line break" in text_errors(name="One\nTwo")["name"]
    assert text_errors(notes="bell\x07", multiline=("notes",))["notes"].endswith(
        "Use letters, digits, spaces, punctuation and line breaks."
    )


def test_ordinary_text_is_accepted():
    assert text_errors(name="O'Brien-Zoë (Détective) #1 = 2 + @x", empty="", none=None) == {}


def test_dates_outside_the_range_are_refused_with_the_range():
    errors = date_errors(starts_on=dt.date(336, 1, 1), ends_on=dt.date(2036, 1, 1))
    assert errors == {
        "starts_on": "0336-01-01 is not a date that can be used here: give a date from 1 January 1900 "
        "to 31 December 2200."
    }
    assert date_errors(ends_on=dt.date(9999, 12, 31))
    assert date_errors(day=dt.date(1900, 1, 1), last=dt.date(2200, 12, 31), none=None) == {}
    assert (
        "from 1 January 2020 to 31 December 2030"
        in date_errors(due=dt.date(2031, 1, 1), earliest=dt.date(2020, 1, 1), latest=dt.date(2030, 12, 31))[
            "due"
        ]
    )
