"""The home page's "Your grades" card (registered by plugin.py; see bluelamp/core/plugins.py): for
people with a grade in an item they may see. One query."""

from __future__ import annotations

from bluelamp.assessment.gradebook.selectors import has_own_grades
from bluelamp.core.plugins import HomeCard, register_home_cards


def your_grades(user) -> dict | None:
    if not getattr(user, "is_authenticated", False):
        return None
    courses = has_own_grades(user)
    return {"courses": courses} if courses else None


def register() -> None:
    register_home_cards(HomeCard("assessment/gradebook/cards/your_grades.html", order=7, context=your_grades))
