"""What organisations adds to the site: its header links, the home page's licences card and its
daily jobs (registered by OrganisationsConfig.ready(); see bluelamp/core/plugins.py)."""

import datetime as dt

from django.utils import timezone

from bluelamp.core.plugins import (
    HomeCard,
    NavEntry,
    exactly,
    register_api_urls,
    register_home_cards,
    register_jobs,
    register_nav,
)
from bluelamp.organisations.models import Licence
from bluelamp.organisations.permissions import access_for
from bluelamp.organisations.roles import Perm
from bluelamp.organisations.tasks import mark_expired_licences, send_licence_reminders


def _may(perm: Perm):
    return lambda user: access_for(user, perm).anything


def _edits_only_own_organisation(user) -> bool:
    """An organisation's own administrators; national ones have "Organisations" instead."""
    edit = access_for(user, Perm.ORGANISATION_EDIT)
    return not edit.national and edit.covers_organisation(user.organisation_id)


def licences_ending(user) -> dict | None:
    access = access_for(user, Perm.LICENCES_VIEW)
    if not access.anything:
        return None
    today = timezone.localdate()
    licences = Licence.objects.select_related("organisation").filter(
        status=Licence.Status.ACTIVE, ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=90)
    )
    if not access.national:
        licences = licences.filter(organisation_id__in=access.organisation_ids_touched() or set())
    return {"licences": licences.order_by("ends_on")[:10]}


def register() -> None:
    register_api_urls("bluelamp.organisations.rest.urls")
    register_nav(
        NavEntry(
            "Your organisation",
            "organisations:detail",
            order=10,
            visible=_edits_only_own_organisation,
            url_args=lambda user: [user.organisation.slug],
            active=exactly,
        ),
        NavEntry("Units", "organisations:units", order=70, visible=_may(Perm.UNITS_MANAGE)),
        NavEntry("Organisations", "organisations:list", order=80, visible=_may(Perm.ORGANISATIONS_MANAGE)),
        NavEntry("Licences", "organisations:licences", order=90, visible=_may(Perm.LICENCES_VIEW)),
        NavEntry("Roles", "organisations:roles", order=100, visible=_may(Perm.ROLES_VIEW)),
    )
    register_home_cards(
        HomeCard("organisations/cards/licences_ending.html", order=30, context=licences_ending),
    )
    register_jobs(frequency="daily", tasks=[send_licence_reminders, mark_expired_licences])
