"""Mandatory training's REST API: its routes join /api/v1/ (called from bluelamp/compliance/plugins.py)."""

from bluelamp.core.plugins import register_api_urls


def register() -> None:
    register_api_urls("bluelamp.compliance.rest.urls")
