"""What people adds to the site: its header links, its home-page cards and its daily job
(registered by PeopleConfig.ready(); see bluelamp/core/plugins.py)."""

from bluelamp.core.plugins import (
    HomeCard,
    NavEntry,
    register_api_urls,
    register_home_cards,
    register_jobs,
    register_nav,
)
from bluelamp.organisations.api import Perm, access_for
from bluelamp.people.models import ImportRun
from bluelamp.people.selectors import people_visible
from bluelamp.people.tasks import discard_stale_import_files


def _may(perm: Perm):
    return lambda user: access_for(user, perm).anything


def people_you_manage(user) -> dict | None:
    if not access_for(user, Perm.PEOPLE_MANAGE).anything:
        return None
    people = people_visible(user, Perm.PEOPLE_MANAGE)
    return {
        "active": people.filter(status="active").count(),
        "leavers": people.filter(status="leaver").count(),
    }


def recent_imports(user) -> dict | None:
    access = access_for(user, Perm.PEOPLE_IMPORT)
    if not access.anything:
        return None
    runs = ImportRun.objects.select_related("organisation", "started_by")
    if not access.national:
        runs = runs.filter(organisation_id__in=access.organisation_ids)
    return {"runs": runs[:5]}


def register() -> None:
    register_api_urls("bluelamp.people.rest.urls")
    register_nav(
        NavEntry("People", "people:list", order=50, visible=_may(Perm.PEOPLE_VIEW)),
        NavEntry("Import", "people:import", order=60, visible=_may(Perm.PEOPLE_IMPORT)),
    )
    register_home_cards(
        HomeCard("people/cards/people_you_manage.html", order=10, context=people_you_manage),
        HomeCard("people/cards/recent_imports.html", order=20, context=recent_imports),
    )
    register_jobs(frequency="daily", tasks=[discard_stale_import_files])
