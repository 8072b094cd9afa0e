"""The core part of quizzes (setting a quiz up as a course activity, taking it, automatic marking,
grades and completion): what it adds to the site, registered by quizzes/plugin.py.

- the activity kind "quiz" (learning's registry): managers add one from the course's draft,
  learners are sent to its start page;
- its REST API (rest/urls.py, which also gathers the results part's routes);
- the frequent job that submits attempts whose time ran out, and the notice it sends the learner.
"""

from django.urls import reverse

from bluelamp.core.plugins import register_api_urls, register_jobs
from bluelamp.learning.api import ActivityKind, register_activity_kind
from bluelamp.notifications.api import register_notification_kind


def _add_url(course, draft) -> str:
    return reverse("assessment:quiz_add", args=[course.uuid])


def _learner_url(enrolment, activity) -> str:
    return reverse("assessment:quiz_start", args=[activity.target])


def _manage_url(course, activity) -> str:
    return reverse("assessment:quiz_manage", args=[activity.target])


def _describe(activity) -> str:
    from bluelamp.assessment.quizzes.web.views_setup import describe

    return describe(activity)


def register() -> None:
    from bluelamp.assessment.quizzes.attempts import TIME_UP
    from bluelamp.assessment.quizzes.tasks import finish_overdue_attempts

    register_activity_kind(
        ActivityKind(
            key="quiz",
            label="Quiz",
            add_url=_add_url,
            learner_url=_learner_url,
            manage_url=_manage_url,
            describe=_describe,
        )
    )
    register_api_urls("bluelamp.assessment.quizzes.rest.urls")
    register_jobs(frequency="frequent", tasks=[finish_overdue_attempts])
    register_notification_kind(
        TIME_UP,
        "Quiz attempts submitted when time ran out",
        email_optional=True,
        description="When a quiz's time runs out while you are away, your attempt is submitted with the "
        "answers saved by then; this tells you so, with a link to its review.",
    )
