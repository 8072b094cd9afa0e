"""Events' link in the header (registered by plugins.py): everyone signed in who belongs to an
organisation (what they may book depends on each event's audience)."""

from bluelamp.core.plugins import NavEntry, register_nav


def _has_organisation(user) -> bool:
    return getattr(user, "organisation_id", None) is not None


def register() -> None:
    register_nav(NavEntry("Events", "events:sessions", order=25, visible=_has_organisation))
