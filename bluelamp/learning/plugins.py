"""What learning adds to the site: its header links, its daily job, its part of the REST API and
its demo data (registered by LearningConfig.ready(); see bluelamp/core/plugins.py)."""

from django.urls import reverse

from bluelamp.core.plugins import (
    DemoLoader,
    NavEntry,
    register_api_urls,
    register_demo_loaders,
    register_jobs,
    register_nav,
)
from bluelamp.learning import upcoming
from bluelamp.learning.demo import load_demo
from bluelamp.learning.tasks import discard_stale_history_files
from bluelamp.organisations.api import Perm, access_for


def _my_learning_active(path: str, href: str) -> bool:
    # "Manage courses" lives under /learning/ too, and has a link of its own.
    return path.startswith(href) and not path.startswith(reverse("learning:manage_courses"))


def register() -> None:
    register_api_urls("bluelamp.learning.rest.urls")
    register_nav(
        NavEntry("My learning", "learning:my_learning", order=20, active=_my_learning_active),
        NavEntry(
            "Manage courses",
            "learning:manage_courses",
            order=120,
            visible=lambda user: access_for(user, Perm.LEARNING_MANAGE).anything,
        ),
    )
    register_jobs(frequency="daily", tasks=[discard_stale_history_files])
    upcoming.register()  # courses due soon, for people's upcoming tasks (bluelamp/core/upcoming.py)
    # Orders leave room: the service desk's demo data has always come before learning's.
    register_demo_loaders(DemoLoader("learning", order=30, load=load_demo))
