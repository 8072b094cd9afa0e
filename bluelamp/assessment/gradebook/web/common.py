"""What the gradebook's pages share: breadcrumbs, where to go back to after a form, and numbers
as people write them."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from bluelamp.assessment.gradebook.calculation import percentage, rounded


def page(request, template: str, context: dict, *, status: int = 200):
    """`render`, with the helpers every gradebook page writes numbers with."""
    return render(
        request, template, {"plain": plain, "percent": percent, "share": share, **context}, status=status
    )


def _href(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return None


def crumbs(course=None, *more: tuple[str, str]) -> list[dict]:
    """Assessment › Gradebooks › the course's gradebook › `more` (text, href) pairs."""
    trail = []
    home = _href("assessment:home")
    if home:
        trail.append({"text": "Assessment", "href": home})
    trail.append({"text": "Gradebooks", "href": reverse("assessment:gradebooks")})
    if course is not None:
        trail.append({"text": course.code, "href": reverse("assessment:gradebook", args=[course.uuid])})
    trail += [{"text": text, "href": href} for text, href in more]
    return trail


def next_url(request, default: str) -> str:
    """Where a form goes back to: the page it was opened from (`next`, on this site), else
    `default`."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return default


def plain(value: Decimal | None) -> str:
    """A grade as a person writes it: 7.50 → 7.5, 10.00 → 10; nothing for no grade."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def percent(value: Decimal | None) -> str:
    """A percentage rounded as every grade is (half up) to two decimal places: 72.50%; nothing
    for none."""
    if value is None:
        return ""
    return f"{rounded(value)}%"


def share(grade: Decimal | None, max_grade: Decimal) -> str:
    """A grade as a percentage of its maximum: 7.5 out of 10 → 75.00%."""
    return percent(percentage(grade, max_grade))
