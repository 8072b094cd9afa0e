"""A learner's own grades: every course of theirs with a gradebook, and one course's items (those
not hidden), grades, feedback and, when the course shows it, the course total. Nobody else's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.views.decorators.http import require_GET

from bluelamp.assessment.gradebook import selectors
from bluelamp.assessment.gradebook.web.common import page as _page


@login_required
@require_GET
def my_grades(request):
    return _page(
        request,
        "assessment/gradebook/mine.html",
        {"title": "Your grades", "courses": selectors.own_gradebooks(request.user)},
    )


@login_required
@require_GET
def my_course_grades(request, course_uuid):
    own = selectors.access_own_gradebook(request.user, course_uuid)
    return _page(
        request,
        "assessment/gradebook/mine_course.html",
        {
            "title": f"Your grades: {own.course.code} {own.course.title}",
            "own": own,
            "course": own.course,
            "breadcrumbs": [{"text": "Your grades", "href": reverse("assessment:my_grades")}],
        },
    )
