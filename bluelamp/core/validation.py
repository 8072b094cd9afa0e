"""Input rules the services share: text a person types holds no control characters, and dates
are ones a person could mean.

Both return messages by field, so that a service can report every field at fault at once
(`raise ValidationError({**text_errors(...), **date_errors(...)})`); the pages show them beside
the fields and the API answers 400 with them.

Why: control characters (a bell, an escape sequence, a NUL) pasted or sent into a name end up in
pages, e-mails, CSV files and logs, where they do harm and help no one. A date such as 0336-01-01
(for 2036) or 9999-12-31 is a typo, not an intention, and date arithmetic on it (reminders 90
days before a licence ends) can fail later, far from the form that accepted it.
"""

from __future__ import annotations

import datetime as dt
import re

# C0 control characters and DEL. Line breaks and tabs are allowed in multi-line fields (notes,
# reasons), never in one-line ones (names, references).
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The default range of dates people give: wide enough for anyone's history and any plan, narrow
# enough to catch a mistyped year. Services name their own where a field needs another.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


def _character(char: str) -> str:
    names = {"\x00": "NUL", "\t": "tab", "\n": "line break", "\r": "carriage return", "\x7f": "DEL"}
    name = names.get(char)
    return f"a control character (U+{ord(char):04X}{', ' + name if name else ''})"


def text_errors(*, multiline: tuple[str, ...] = (), **fields: str | None) -> dict[str, str]:
    """A message for each field whose text holds a control character; `multiline` names the
    fields where line breaks and tabs are fine."""
    errors = {}
    for field, value in fields.items():
        if not value:
            continue
        pattern = _CONTROL_BUT_LINES if field in multiline else _ANY_CONTROL
        found = pattern.search(value)
        if found:
            accepted = (
                "Use letters, digits, spaces, punctuation and line breaks."
                if field in multiline
                else "Use letters, digits, spaces and punctuation, on one line."
            )
            errors[field] = f"This contains {_character(found.group())}, which is not accepted. {accepted}"
    return errors


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B} {value.year}"


def date_errors(
    *, earliest: dt.date = EARLIEST_DATE, latest: dt.date = LATEST_DATE, **fields: dt.date | None
) -> dict[str, str]:
    """A message for each field whose date is outside `earliest`..`latest` (inclusive)."""
    errors = {}
    for field, value in fields.items():
        if value is None:
            continue
        day = value.date() if isinstance(value, dt.datetime) else value
        if not earliest <= day <= latest:
            errors[field] = (
                f"{day.isoformat()} is not a date that can be used here: give a date from "
                f"{_day(earliest)} to {_day(latest)}."
            )
    return errors
