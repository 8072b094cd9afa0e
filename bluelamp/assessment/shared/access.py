"""Who may set up and who may mark assessment on a course, shared by quizzes and assignments.

- Setting up (quizzes, assignments, the gradebook's items and weights): the course's managers
  (learning's `may_manage_course`: learning managers of the whole owner organisation).
- Marking, moderating and reading results: tutors (Perm.LEARNING_TUTOR) and learning managers
  whose scope covers the learner (their organisation, or the unit the learner is in), and the
  course's managers for everyone on it (the national body's programme team marks the national
  programme's learners). Anyone else gets "not found".
"""

from __future__ import annotations

from django.db.models import Q

from bluelamp.learning.api import may_manage_course
from bluelamp.organisations.api import Perm, access_for


def may_set_up(actor, course) -> bool:
    return may_manage_course(actor, course)


def _markers_access(actor):
    return access_for(actor, Perm.LEARNING_TUTOR), access_for(actor, Perm.LEARNING_MANAGE)


def may_mark_anyone(actor, course) -> bool:
    """The actor may mark at least some learners of the course."""
    tutor, manage = _markers_access(actor)
    return may_manage_course(actor, course) or tutor.anything or manage.anything


def learners_q(actor, course, prefix: str = "person__") -> Q:
    """A filter for rows with a learner at `prefix` (e.g. attempts): those the actor may mark."""
    if may_manage_course(actor, course):
        return Q()
    tutor, manage = _markers_access(actor)
    q = Q(pk__in=[])
    for access in (tutor, manage):
        if access.anything:
            q |= access.people_q(prefix)
    return q


def markable_q(actor, prefix: str = "person__") -> Q | None:
    """People the actor may mark on any course (tutors and learning managers over them), not
    counting courses they manage; None: no one. For lists that span courses."""
    q = None
    for access in _markers_access(actor):
        if access.anything:
            q = access.people_q(prefix) if q is None else q | access.people_q(prefix)
    return q


def may_mark(actor, *, learner, course) -> bool:
    if may_manage_course(actor, course):
        return True
    unit_path = getattr(getattr(learner, "unit", None), "path", None)
    return any(
        access.covers_unit(learner.organisation_id, unit_path)
        for access in _markers_access(actor)
        if access.anything
    )
