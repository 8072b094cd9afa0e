"""The core part of assignments (setting one up as a course activity, the learner's side,
extensions, notices, the gradebook item): what it adds to the site, registered by
assignments/plugin.py."""

from django.urls import reverse


def _add_url(course, draft) -> str:
    return reverse("assessment:assignment_new", args=[course.uuid])


def _learner_url(enrolment, activity) -> str:
    return reverse("assessment:assignment_learner", args=[activity.target])


def _manage_url(course, activity) -> str:
    return reverse("assessment:assignment_settings", args=[activity.target])


def _describe(activity) -> str:
    import uuid

    from bluelamp.assessment.assignments.models import Assignment
    from bluelamp.core.timefmt import format_datetime

    try:
        key = uuid.UUID(str(activity.target))
    except ValueError:
        return "Assignment (missing)"
    assignment = Assignment.objects.filter(uuid=key).first()
    if assignment is None:
        return "Assignment (missing)"
    due = f"due {format_datetime(assignment.due_at)}" if assignment.due_at else "no due date"
    grading = assignment.get_grading_display().split(" (")[0]
    return f"{grading}; {due}"


def register() -> None:
    from bluelamp.assessment.assignments import notices, tasks
    from bluelamp.core.plugins import register_api_urls, register_jobs
    from bluelamp.learning.api import ActivityKind, register_activity_kind

    register_activity_kind(
        ActivityKind(
            key="assignment",
            label="Assignment",
            add_url=_add_url,
            learner_url=_learner_url,
            manage_url=_manage_url,
            describe=_describe,
        )
    )
    notices.register()
    register_jobs(frequency="daily", tasks=[tasks.send_deadline_reminders])
    register_api_urls("bluelamp.assessment.assignments.rest.urls")
