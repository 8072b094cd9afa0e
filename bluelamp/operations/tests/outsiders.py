"""The outsider cases of production operations' addresses (see tests/test_every_url_has_an_outsider.py):
the health checks are public by design and show nothing of anyone's; the metrics answer only the
bearer of METRICS_TOKEN, so to everyone else (and always when no token is configured, as here)
they do not exist; the CSP report endpoint takes browsers' reports from anyone and answers only a
status."""

from tests.test_every_url_has_an_outsider import PUBLIC, REFUSED, Case

CASES = {
    "health/live": Case(
        lambda w: "/health/live", PUBLIC, why="load balancers ask whether the process answers"
    ),
    "health/ready": Case(
        lambda w: "/health/ready",
        PUBLIC,
        why="load balancers ask whether the process may take requests: parts' states, no data",
    ),
    "metrics": Case(lambda w: "/metrics", REFUSED),
    "csp-reports": Case(
        lambda w: "/csp-reports",
        PUBLIC,
        methods=("post",),
        # A violation report as a browser posts it (its JSON shape; the test client labels it
        # application/json, which the endpoint takes as the report-uri form).
        json={"csp-report": {"document-uri": "http://testserver/", "violated-directive": "img-src"}},
        why="browsers report policy violations from any page, signed in or not: it takes, shows nothing",
    ),
}


def build(w) -> None:
    """Nothing of Kent's to add: these addresses show no organisation's data."""
