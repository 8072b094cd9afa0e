"""What the gradebook applet adds to the site (registered by bluelamp/assessment/plugins.py): the
home page's "Your grades" card and its part of the REST API. Its pages are included by
bluelamp/assessment/urls.py; quizzes and assignments hand grades down through sink.py."""

from bluelamp.assessment.gradebook.web import cards
from bluelamp.core.plugins import register_api_urls


def register() -> None:
    cards.register()
    register_api_urls("bluelamp.assessment.gradebook.rest.urls")
