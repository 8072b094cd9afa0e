"""Sections that domains above learning add to a learner record's page (certificates, under the
completions). Learning knows none of them: a domain registers a section from its plugins, and the
record page draws what each returns for the person, in `order`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class RecordSection:
    """`render(request, person, own)`: the section's HTML for this person's record as `request.user`
    sees it (`own`: their own), or None to leave it out. It must check nothing the record page has
    not: the reader may read this record already."""

    key: str
    order: int
    render: Callable[[Any, Any, bool], str | None]


_SECTIONS: dict[str, RecordSection] = {}


def register_record_section(section: RecordSection) -> None:
    _SECTIONS[section.key] = section


def record_sections(request, person, *, own: bool) -> list[Markup]:
    drawn = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        html = section.render(request, person, own)
        if html:
            drawn.append(Markup(html))  # noqa: S704 - rendered by the domain's own (autoescaped) template
    return drawn
