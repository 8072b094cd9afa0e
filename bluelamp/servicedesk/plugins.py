"""What the service desk adds to the site: its header links, its own row of sections on its
staff pages, and its scheduled jobs (registered by ServiceDeskConfig.ready(); see
bluelamp/core/plugins.py). Only the desk's public door (api.py) is used here, so that the desk's
applets can move without this module."""

import functools

from django.urls import get_script_prefix, reverse

from bluelamp.core.plugins import (
    DemoLoader,
    NavEntry,
    NavItem,
    SectionNav,
    register_demo_loaders,
    register_jobs,
    register_nav,
    register_section_nav,
)
from bluelamp.organisations.api import Perm, access_for
from bluelamp.servicedesk.api import DAILY_TASKS, FREQUENT_TASKS
from bluelamp.servicedesk.demo import load_demo

# The desk's pages a requester uses too: no desk navigation there.
_REQUESTER_PAGES = {
    "support",
    "support_sent",
    "my_tickets",
    "my_ticket",
    "help",
    "help_article",
    "survey_mine",
    "survey_link",
}


def _desk_staff(user) -> bool:
    return access_for(user, Perm.SERVICE_DESK).national


def _desk_lead(user) -> bool:
    return _desk_staff(user) and access_for(user, Perm.SERVICE_DESK_LEAD).national


@functools.lru_cache(maxsize=64)
def _href(script_prefix: str, name: str, *args: str) -> str:
    """reverse(), once per process for each prefix (every desk page draws all the sections)."""
    return reverse(name, args=args or None)


def desk_sections(request) -> list[NavItem]:
    """The desk's own sections, on its staff pages: each one click away, so that the header
    stays short (it has only "Service desk" and, for leads, the dashboard)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "servicedesk" or match.url_name in _REQUESTER_PAGES:
        return []
    user = request.user
    if not _desk_staff(user):
        return []
    sections = [
        ("Queue", "servicedesk:queue"),
        ("Log a call", "servicedesk:contact_new"),
        ("Major incidents", "servicedesk:major_incidents"),
        ("Problems", "servicedesk:problems"),
        ("Knowledge base", "servicedesk:kb_list"),
        ("Canned responses", "servicedesk:canned_responses"),
    ]
    if access_for(user, Perm.SERVICE_DESK_LEAD).national:
        sections += [("Dashboard", "servicedesk:dashboard"), ("Closures", "servicedesk:closures")]
    path = request.path
    prefix = get_script_prefix()
    # A ticket's work page (and its actions) belongs with the queue it is worked from.
    tickets = _href(prefix, "servicedesk:ticket", "BL").removesuffix("BL/")
    items = []
    for label, name in sections:
        href = _href(prefix, name)
        active = path.startswith(href) or (name == "servicedesk:queue" and path.startswith(tickets))
        items.append(NavItem(text=label, href=href, active=active, current=path == href))
    return items


def register() -> None:
    register_nav(
        NavEntry("Service desk", "servicedesk:queue", order=30, visible=_desk_staff),
        NavEntry("Desk dashboard", "servicedesk:dashboard", order=40, visible=_desk_lead),
        # Last: anyone signed in may ask for help.
        NavEntry("Support", "servicedesk:support", order=1000),
    )
    register_section_nav(
        SectionNav(
            name="Service desk",
            items=desk_sections,
            navigation_id="desk-navigation",
            menu_button_text="Desk menu",
            test_id="desk-nav",
        )
    )
    register_jobs(frequency="daily", tasks=DAILY_TASKS)
    register_jobs(frequency="frequent", tasks=FREQUENT_TASKS)
    # Before learning's (order 30), as the demo has always loaded them.
    register_demo_loaders(DemoLoader("servicedesk", order=20, load=load_demo))
