"""Writing problems: desk staff only, checked in full, atomic, audited.

A problem recorded as a known error publishes its workaround to the knowledge base: the adviser
chooses whether the article is public (customers can help themselves) or internal (staff apply it).
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.kb.services import article_create, article_publish, article_update
from bluelamp.servicedesk.problems.models import Problem, ProblemCounter
from bluelamp.servicedesk.staff import is_desk_staff
from bluelamp.servicedesk.tickets.models import Category, Ticket
from bluelamp.servicedesk.writing import at_or_now, require_desk_staff, stripped

ArticleStatus = Article.Status
ProblemStatus = Problem.Status


# The rules every desk service applies (bluelamp.servicedesk.writing), under their local names.
_now = at_or_now
_require_staff = require_desk_staff
_text = stripped


class _ArticleFields(TypedDict):
    title: str
    summary: str
    body: str
    audience: str
    category: Category | None


def _audit(actor, action: str, obj, label: str, **changes) -> None:
    audit_record(actor=actor, action=f"servicedesk.{action}", obj=obj, object_label=label, **changes)


def _next_problem_reference(year: int) -> str:
    # As ticket references: one counter row per year, its row lock serialising concurrent writers.
    if not ProblemCounter.objects.filter(year=year).update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                ProblemCounter.objects.create(year=year, last_number=1)
        except IntegrityError:
            ProblemCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = ProblemCounter.objects.values_list("last_number", flat=True).get(year=year)
    return f"PRB-{year}-{number:04d}"


def _check_owner(owner) -> None:
    if owner is not None and not is_desk_staff(owner):
        raise ValidationError(
            {
                "owner": f"{owner.get_full_name()} does not work the service desk: choose a desk adviser or engineer"
            }
        )


def _lock_problem(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


@transaction.atomic
def problem_create(
    *,
    actor,
    title: str,
    description: str,
    owner=None,
    from_ticket: Ticket | None = None,
    at: dt.datetime | None = None,
) -> Problem:
    """A new problem under investigation, standalone or raised from an incident (then linked)."""
    _require_staff(actor)
    at = _now(at)
    _check_owner(owner)
    problem = Problem(
        title=_text(title),
        description=_text(description),
        owner=owner or actor,
        created_by=actor,
        created_at=at,
        updated_at=at,
        reference="PRB-pending",
    )
    problem.full_clean(exclude=["reference"])
    problem.reference = _next_problem_reference(timezone.localtime(at).year)
    problem.save()
    _audit(
        actor,
        "problem.create",
        problem,
        problem.reference,
        after={"title": problem.title, "from_ticket": from_ticket.reference if from_ticket else ""},
    )
    if from_ticket is not None:
        problem.incidents.add(from_ticket)
    return problem


@transaction.atomic
def problem_link_incident(
    *, actor, problem: Problem, ticket: Ticket, at: dt.datetime | None = None
) -> Problem:
    _require_staff(actor)
    problem = _lock_problem(problem)
    if problem.incidents.filter(pk=ticket.pk).exists():
        raise ValidationError({"reference": f"{ticket.reference} is already linked to {problem.reference}"})
    problem.incidents.add(ticket)
    problem.updated_at = _now(at)
    problem.save(update_fields=["updated_at"])
    _audit(actor, "problem.link_incident", problem, problem.reference, after={"ticket": ticket.reference})
    return problem


@transaction.atomic
def problem_unlink_incident(
    *, actor, problem: Problem, ticket: Ticket, at: dt.datetime | None = None
) -> Problem:
    _require_staff(actor)
    problem = _lock_problem(problem)
    if not problem.incidents.filter(pk=ticket.pk).exists():
        raise ValidationError({"reference": f"{ticket.reference} is not linked to {problem.reference}"})
    problem.incidents.remove(ticket)
    problem.updated_at = _now(at)
    problem.save(update_fields=["updated_at"])
    _audit(actor, "problem.unlink_incident", problem, problem.reference, before={"ticket": ticket.reference})
    return problem


@transaction.atomic
def problem_record_root_cause(
    *, actor, problem: Problem, root_cause: str, at: dt.datetime | None = None
) -> Problem:
    _require_staff(actor)
    root_cause = _text(root_cause)
    if not root_cause:
        raise ValidationError({"root_cause": "Enter the root cause"})
    problem = _lock_problem(problem)
    before = problem.root_cause
    problem.root_cause = root_cause
    problem.updated_at = _now(at)
    problem.save(update_fields=["root_cause", "updated_at"])
    _audit(
        actor,
        "problem.root_cause",
        problem,
        problem.reference,
        before={"root_cause": before},
        after={"root_cause": root_cause},
    )
    return problem


def _workaround_body(problem: Problem, workaround: str) -> str:
    return (
        f"{workaround}\n\n## Status\n\nThis is a known error ({problem.reference}). We are working on a fix."
    )


@transaction.atomic
def problem_mark_known_error(
    *,
    actor,
    problem: Problem,
    workaround: str,
    audience: str,
    category: Category | None = None,
    at: dt.datetime | None = None,
) -> Problem:
    """Record the workaround and publish it as a knowledge-base article for `audience` (public or
    internal): a new article the first time, the problem's own article updated (and re-published
    if it had been retired) after that."""
    _require_staff(actor)
    at = _now(at)
    workaround = _text(workaround)
    if not workaround:
        raise ValidationError({"workaround": "Enter the workaround, as the people affected should follow it"})
    if audience not in Article.Audience.values:
        raise ValidationError({"audience": "Choose who may read the workaround: public or internal"})
    problem = _lock_problem(problem)
    if problem.status == ProblemStatus.RESOLVED:
        raise ValidationError(f"{problem.reference} is resolved: a known error is for a problem still open.")
    fields: _ArticleFields = {
        "title": f"Known error: {problem.title}",
        "summary": f"A workaround while we fix {problem.reference}.",
        "body": _workaround_body(problem, workaround),
        "audience": audience,
        "category": category,
    }
    if problem.article is None:
        article = article_create(actor=actor, publish=True, at=at, **fields)
    else:
        article = article_update(actor=actor, article=problem.article, at=at, **fields)
        if article.status != ArticleStatus.PUBLISHED:
            article = article_publish(actor=actor, article=article, at=at)
    before = {"status": problem.status, "workaround": problem.workaround}
    problem.workaround = workaround
    problem.status = ProblemStatus.KNOWN_ERROR
    problem.article = article
    problem.updated_at = at
    problem.save(update_fields=["workaround", "status", "article", "updated_at"])
    _audit(
        actor,
        "problem.known_error",
        problem,
        problem.reference,
        before=before,
        after={
            "status": problem.status,
            "workaround": workaround,
            "article": article.slug,
            "audience": audience,
        },
    )
    return problem


@transaction.atomic
def problem_resolve(*, actor, problem: Problem, at: dt.datetime | None = None) -> Problem:
    """Close the problem once its root cause is known. Its article stays: the workaround may still
    help people on an old version; retire the article separately when it does not."""
    _require_staff(actor)
    at = _now(at)
    problem = _lock_problem(problem)
    if problem.status == ProblemStatus.RESOLVED:
        raise ValidationError(f"{problem.reference} is already resolved.")
    if not problem.root_cause:
        raise ValidationError(
            {"root_cause": f"Record the root cause of {problem.reference} before resolving it"}
        )
    before = problem.status
    problem.status = ProblemStatus.RESOLVED
    problem.resolved_at = at
    problem.updated_at = at
    problem.save(update_fields=["status", "resolved_at", "updated_at"])
    _audit(
        actor,
        "problem.resolve",
        problem,
        problem.reference,
        before={"status": before},
        after={"status": problem.status},
    )
    return problem
