"""Reading problems: for the desk's staff only; to anyone else they do not exist (the same 404
as a reference that was never issued)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from bluelamp.servicedesk.problems.models import Problem
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.models import Ticket


def problem_list(person, *, status: str = "") -> QuerySet[Problem]:
    if not is_desk_staff(person):
        return Problem.objects.none()
    problems = Problem.objects.select_related("owner", "article")
    if status:
        problems = problems.filter(status=status)
    return problems.order_by("-created_at", "-pk")


def access_problem_for_staff(person, reference: str) -> Problem:
    if not is_desk_staff(person):
        raise Http404("No such problem")
    problem = (
        Problem.objects.select_related("owner", "created_by", "article")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    if problem is None:
        raise Http404("No such problem")
    return problem


def problem_incidents(problem: Problem) -> QuerySet[Ticket]:
    return problem.incidents.select_related("organisation", "assignee").order_by("-created_at")


def ticket_problems(ticket: Ticket) -> QuerySet[Problem]:
    return ticket.problems.order_by("-created_at")
