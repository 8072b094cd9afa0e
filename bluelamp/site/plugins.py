"""The site's own header links: home and the audit log (registered by SiteConfig.ready(); see
bluelamp/core/plugins.py)."""

from bluelamp.core.plugins import NavEntry, exactly, register_nav
from bluelamp.organisations.api import Perm, access_for


def register() -> None:
    register_nav(
        NavEntry("Home", "home", order=0, active=exactly),
        NavEntry(
            "Audit log",
            "audit_log",
            order=110,
            visible=lambda user: access_for(user, Perm.AUDIT_VIEW).anything,
        ),
    )
