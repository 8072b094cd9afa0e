"""What the banks applet adds to the site (registered by bluelamp/assessment/plugins.py): its part
of the REST API. Its pages are under /assessment/banks/ (bluelamp/assessment/urls.py); the header's
"Assessment" entry and its landing page are the domain's."""

from bluelamp.core.plugins import register_api_urls


def register() -> None:
    register_api_urls("bluelamp.assessment.banks.rest.urls")
