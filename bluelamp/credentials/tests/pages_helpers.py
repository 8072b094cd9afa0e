"""What the certificates' page tests share: a fixed clock, issuing a certificate through the
services, and reading a page's main text."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from bluelamp.credentials.services import certificate_issue
from bluelamp.credentials.tests.helpers import AT, complete

# The pages' "now": a week after the lead helpers' AT (2 November 2026), whatever today is.
NOW = AT + dt.timedelta(days=7)


@pytest.fixture
def fixed_clock(monkeypatch):
    """Fix what the certificates' pages take for now (web/clock.py)."""
    monkeypatch.setattr("bluelamp.credentials.web.clock.now", lambda: NOW)
    return NOW


def issue(template, person, *, actor, at=AT, sign_now=True, completion=None):
    """Complete the template's course as `person` (unless given a completion) and issue them its
    certificate for it."""
    from bluelamp.learning.api import Course

    if completion is None:
        course = Course.objects.get(uuid=template.achievement_uuid)
        completion = complete(person, course, at=at)
    return certificate_issue(
        actor=actor,
        template=template,
        person=person,
        achieved_on=completion.completed_on,
        source_ref=str(completion.uuid),
        at=at,
        sign_now=sign_now,
    )


def text(response) -> str:
    """The page's main content as words, tags stripped and spaces collapsed."""
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")] if "<main" in page else page
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip())


def errors(response) -> list[str]:
    """The error summary's messages."""
    page = response.content.decode()
    start = page.find("govuk-error-summary__list")
    if start < 0:
        return []
    block = page[start : page.index("</ul>", start)]
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip())
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]
