"""The suggested priority while the support and phone-call forms are filled in.

The forms ask who is affected and how much it stops work; `sla.suggest_priority` turns the
answers into a priority. With JavaScript, htmx asks `priority_suggestion` for a fragment each time
an answer changes and puts it in an aria-live region under the questions (as the help-page
suggestions follow the subject). Without it, the same fragment is rendered with the page when the
form comes back with the answers given, and the confirmation (support) or the ticket (phone call)
shows the priority set, as before. Nothing here is secret: the same matrix and targets are on
the support page's "How we set the priority".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render

from bluelamp.servicedesk.sla import SLA_POLICIES, Impact, Priority, SlaPolicy, Urgency, suggest_priority

__all__ = ["PriorityHint", "priority_hint", "priority_hint_for_form", "priority_suggestion"]


@dataclass(frozen=True)
class PriorityHint:
    priority: Priority
    policy: SlaPolicy


def priority_hint(impact: str | None, urgency: str | None) -> PriorityHint | None:
    """The suggestion for these answers, or None until both are given (and valid)."""
    if impact not in Impact.values or urgency not in Urgency.values:
        return None
    priority = suggest_priority(impact=impact, urgency=urgency)
    return PriorityHint(priority, SLA_POLICIES[priority])


def priority_hint_for_form(form) -> PriorityHint | None:
    """The suggestion for the answers a submitted form came back with (none on a blank form)."""
    if not form.is_bound:
        return None
    prefix = f"{form.prefix}-" if form.prefix else ""
    return priority_hint(form.data.get(f"{prefix}impact"), form.data.get(f"{prefix}urgency"))


def priority_suggestion(request):
    """The fragment for the forms' live region: the suggested priority and its targets."""
    hint = priority_hint(request.GET.get("impact"), request.GET.get("urgency"))
    return render(
        request,
        "servicedesk/tickets/_priority_suggestion.html",
        {"priority_hint": hint, "staff_form": request.GET.get("form") == "call"},
    )
