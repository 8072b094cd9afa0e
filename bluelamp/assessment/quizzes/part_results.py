"""The results part of quizzes (marking essays by hand, results, question statistics, exports,
regrades): what it adds to the site, registered by quizzes/plugin.py. Its pages are in
web/urls_results.py; its REST API joins /api/v1/ here. The regrade task is enqueued by
regrade.regrade_start, never on a schedule."""

from bluelamp.core.plugins import register_api_urls


def register() -> None:
    register_api_urls("bluelamp.assessment.quizzes.rest.results_urls")
