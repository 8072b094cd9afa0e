"""Assessment's landing page and its link in the header: one place from which training
administrators and tutors reach each applet's pages (banks, marking, verification, gradebooks).
An applet's section appears once its page exists (its URL name resolves) and the reader may use
it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from bluelamp.core.plugins import NavEntry, register_nav
from bluelamp.organisations.api import Perm, access_for


def _manages(user) -> bool:
    return access_for(user, Perm.LEARNING_MANAGE).anything


def _marks(user) -> bool:
    return access_for(user, Perm.LEARNING_TUTOR).anything or _manages(user)


@dataclass(frozen=True)
class Section:
    title: str
    url_name: str
    description: str
    visible: Callable[[Any], bool]


SECTIONS = (
    Section(
        "Question banks",
        "assessment:banks",
        "Questions for quizzes, in categories: write them, or import and export GIFT and Moodle XML files.",
        _manages,
    ),
    Section(
        "Quizzes",
        "assessment:quiz_list",
        "The quizzes of the courses you manage: settings, questions, reasonable adjustments and previews.",
        _manages,
    ),
    Section(
        "Assignments",
        "assessment:assignment_list",
        "The assignments of the courses you manage: briefs, criteria, deadlines and extensions.",
        _manages,
    ),
    Section(
        "Quiz answers to mark",
        "assessment:quiz_marking",
        "Essay answers waiting for a marker, quiz by quiz.",
        _marks,
    ),
    Section(
        "Assignments to mark",
        "assessment:assignment_marking",
        "Submissions allocated to you or waiting for a marker, and feedback ready for release.",
        _marks,
    ),
    Section(
        "Internal verification",
        "assessment:assignment_verification",
        "Samples of marked work to second-mark, and the decisions kept for external quality assurance.",
        _marks,
    ),
    Section(
        "Gradebooks",
        "assessment:gradebooks",
        "Every graded activity of a course, its weights, the course grade and overrides.",
        _marks,
    ),
)


def _href(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def sections_for(user) -> list[dict[str, str]]:
    shown = []
    for section in SECTIONS:
        href = _href(section.url_name)
        if href is not None and section.visible(user):
            shown.append({"title": section.title, "href": href, "description": section.description})
    return shown


@login_required
@require_GET
def home(request):
    if not _marks(request.user):
        raise Http404("No such page")
    sections = sections_for(request.user)
    return render(request, "assessment/home.html", {"title": "Assessment", "sections": sections})


def register() -> None:
    register_nav(NavEntry("Assessment", "assessment:home", order=122, visible=_marks))
