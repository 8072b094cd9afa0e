"""A question in the neutral form (formats/questions.py) to and from the JSON a version keeps.

Decimals are kept as strings (JSON numbers would lose 0.3333333's digits); where a question came
from in a file (`number`, `line`) and where it sits in a bank (`category`, `tags`, `idnumber`:
the Question row holds those) are left out, so two versions compare by content alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal
from typing import Any

from bluelamp.assessment.formats.questions import (
    Answer,
    GapChoice,
    MatchPair,
    NumericalAnswer,
    NumericalUnit,
    Question,
)

_NOT_CONTENT = ("number", "line", "category", "tags", "idnumber")
_LISTS = {
    "answers": Answer,
    "numerical_answers": NumericalAnswer,
    "units": NumericalUnit,
    "pairs": MatchPair,
    "choices": GapChoice,
}


def _is_decimal(field: dataclasses.Field) -> bool:
    return "Decimal" in str(field.type)


_DECIMALS = {f.name for f in dataclasses.fields(Question) if _is_decimal(f)}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        # 1.0000000 and 1 are one mark: the shortest form, so equal questions hash the same.
        return format(value.normalize(), "f")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_data(question: Question) -> dict[str, Any]:
    """The question's content as JSON-safe data."""
    data = dataclasses.asdict(question)
    for name in _NOT_CONTENT:
        data.pop(name, None)
    return _plain(data)


def _item(cls, raw: dict[str, Any]):
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in raw:
            continue
        value = raw[f.name]
        if _is_decimal(f) and value is not None:
            value = Decimal(value)
        values[f.name] = value
    return cls(**values)


def from_data(
    data: dict[str, Any], *, category: tuple[str, ...] = (), tags=(), idnumber: str = ""
) -> Question:
    """The neutral question back from a version's data (and where the Question row puts it)."""
    known = {f.name for f in dataclasses.fields(Question)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known or name in _NOT_CONTENT:
            continue
        if name in _LISTS:
            value = [_item(_LISTS[name], v) for v in value]
        elif name in _DECIMALS and value is not None:
            value = Decimal(value)
        elif name == "items":
            value = list(value)
        values[name] = value
    return Question(**values, category=tuple(category), tags=list(tags), idnumber=idnumber)


def fingerprint(question: Question) -> str:
    """A hash of the question's content (not its place in the bank): equal for equal questions."""
    text = json.dumps(to_data(question), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
