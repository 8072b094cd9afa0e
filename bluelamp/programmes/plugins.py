"""What programmes add to the site, and what they listen to (registered by
ProgrammesConfig.ready(); see bluelamp/core/plugins.py): programmes as achievements for
certificates, the learner record's completions (places follow them), its notifications, and
each part's links, cards, jobs, REST API and demo data."""

from bluelamp.core.plugins import present_parts, register_jobs
from bluelamp.credentials.api import register_achievement_kind
from bluelamp.learning.api import listen_completions_changed
from bluelamp.notifications.api import register_notification_kind
from bluelamp.people.api import listen_people_changed
from bluelamp.programmes import achievements, audiences, messages, places

PARTS = (
    "bluelamp.programmes.web.nav_learner",
    "bluelamp.programmes.web.nav_tutor",
    "bluelamp.programmes.web.nav_structure",
    "bluelamp.programmes.web.nav_places",
    "bluelamp.programmes.upcoming",
    "bluelamp.programmes.rest.plugin",
    "bluelamp.programmes.demo",
)


def register() -> None:
    register_achievement_kind(achievements.PROGRAMME_KIND)
    listen_completions_changed(places.follow_people)
    listen_people_changed(audiences.follow_people_changed)
    register_jobs(frequency="daily", tasks=[audiences.apply_audience_rules])
    register_notification_kind(
        places.NOTICE_APPLICATION,
        "Programme applications to decide",
        email_optional=False,
        description="When someone who reports to you applies for a programme: they wait for your decision.",
    )
    register_notification_kind(
        places.NOTICE_DECISION,
        "Decisions on your programme applications",
        email_optional=False,
        description="Whether you have a place: you need to know to start.",
    )
    register_notification_kind(
        places.NOTICE_COMPLETED,
        "Programmes you complete",
        email_optional=False,
        description="Your record of completing a qualification.",
    )
    register_notification_kind(
        messages.NOTICE_MESSAGE,
        "Programme messages",
        email_optional=True,
        description="A new message from your tutor, your programme team or a learner you look after.",
    )
    for part in present_parts(PARTS):
        part.register()
