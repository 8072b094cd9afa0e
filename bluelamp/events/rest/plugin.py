"""Events' REST API: its routes join /api/v1/ (called from bluelamp/events/plugins.py)."""

from bluelamp.core.plugins import register_api_urls


def register() -> None:
    register_api_urls("bluelamp.events.rest.urls")
