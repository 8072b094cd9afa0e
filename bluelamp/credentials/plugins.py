"""What certificates add to the site, and what they listen to (registered by
CredentialsConfig.ready(); see bluelamp/core/plugins.py): courses as achievements and their
completions, the notification sent on issue, the frequent job that signs what a task left
unsigned, the header link and home card, the learner record's section, the REST API and demo
data."""

from bluelamp.core.plugins import present_parts, register_jobs
from bluelamp.credentials import courses, tasks
from bluelamp.credentials.achievements import register_achievement_kind
from bluelamp.credentials.services import NOTICE_ISSUED
from bluelamp.learning.api import listen_completions_changed
from bluelamp.notifications.api import register_notification_kind

PARTS = (
    "bluelamp.credentials.web.nav",
    "bluelamp.credentials.web.cards",
    "bluelamp.credentials.rest.plugin",
    "bluelamp.credentials.demo",
)


def register() -> None:
    register_achievement_kind(courses.COURSE_KIND)
    listen_completions_changed(courses.issue_on_completion)
    register_notification_kind(
        NOTICE_ISSUED,
        "Certificates issued to you",
        email_optional=False,
        description="Sent once for each certificate: it is your proof of the achievement.",
    )
    register_jobs(frequency="frequent", tasks=[tasks.sign_unsigned_credentials])
    for part in present_parts(PARTS):
        part.register()
