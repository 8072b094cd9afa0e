"""The question banks' part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered by bluelamp/assessment/banks/plugin.py; see bluelamp/core/plugins.py)."""

from bluelamp.assessment.banks.rest import views

# (prefix, viewset, basename) for the version's router.
routes = [
    ("question-banks", views.BankViewSet, "question-bank"),
    ("questions", views.QuestionViewSet, "question"),
]

urlpatterns: list = []
