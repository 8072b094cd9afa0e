"""What mandatory training adds to the site, and what it listens to (registered by
ComplianceConfig.ready(); see bluelamp/core/plugins.py). Each part registers its own: the pages'
links (web/nav.py), reminders and jobs (reminders.py), the REST API (rest/urls.py) and demo data
(demo.py)."""

from bluelamp.compliance import counts_cache, evaluation, follow, hooks
from bluelamp.core.plugins import present_parts
from bluelamp.learning.api import listen_completions_changed
from bluelamp.people.api import listen_people_changed

PARTS = (
    "bluelamp.compliance.web.nav",
    "bluelamp.compliance.web.cards",
    "bluelamp.compliance.reminders",
    "bluelamp.compliance.rest.plugin",
    "bluelamp.compliance.demo",
    "bluelamp.compliance.upcoming",
)


def register() -> None:
    listen_people_changed(hooks.people_or_completions_changed)
    listen_people_changed(counts_cache.people_changed)  # the dashboards' tables (units made in bulk)
    listen_completions_changed(hooks.people_or_completions_changed)
    evaluation.after_evaluation(follow.enrol_automatically)
    for part in present_parts(PARTS):
        part.register()
