"""Availability's REST API: its routes join /api/v1/ (called from bluelamp/availability/plugins.py)."""

from bluelamp.core.plugins import register_api_urls


def register() -> None:
    register_api_urls("bluelamp.availability.rest.urls")
