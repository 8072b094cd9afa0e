"""Content-Security-Policy violations reach us from a real browser (headless chromium): a refused
image on a page is posted to /csp-reports and logged without its query string; in the staged
rollout (CSP_REPORT_ONLY) nothing is refused and everything is reported, and the policy sent
report-only draws no complaint from the browser.

Over plain HTTP, as here, chromium reports to the policy's report-uri (it takes the Reporting API's
endpoint from HTTPS pages only; bluelamp/core/headers.py); the Reporting API's form of the same
report is read in bluelamp/operations/tests/test_csp_reports.py.
"""

import logging
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# An address on another origin, with a query string that must not reach the log.
ELSEWHERE = "http://127.0.0.1:9/pixel.png?person=bob"


def _logged(caplog, page, seconds: float = 10.0) -> list[logging.LogRecord]:
    """The bluelamp.csp lines, once the browser's report has arrived."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = [r for r in caplog.records if r.name == "bluelamp.csp"]
        if lines:
            return lines
        page.wait_for_timeout(200)
    return []


def _taken_from_the_page(csp_violations, page, seconds: float = 5.0) -> list[dict]:
    """The violation events the page saw (the test caused them: they fail nothing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not any("directive" in v for v in csp_violations.seen):
        page.wait_for_timeout(100)
    page.wait_for_timeout(200)  # and its console line
    return [v for v in csp_violations.take() if "directive" in v]


def _load_from_elsewhere(page) -> None:
    page.evaluate(
        """(src) => { const image = new Image(); image.src = src; document.body.appendChild(image); }""",
        ELSEWHERE,
    )


def test_a_refused_image_is_reported_and_logged_without_its_query(page, live_server, caplog, csp_violations):
    caplog.set_level(logging.INFO, logger="bluelamp.csp")
    page.goto("/")
    _load_from_elsewhere(page)
    [line] = _logged(caplog, page)
    assert line.csp_directive == "img-src" and line.csp_disposition == "enforce"
    assert line.blocked_url == "http://127.0.0.1:9/pixel.png"
    assert line.document_url == f"{live_server.url}/"
    assert [v["directive"] for v in _taken_from_the_page(csp_violations, page)] == ["img-src"]


def test_the_report_only_stage_refuses_nothing_and_reports_everything(
    page, live_server, settings, caplog, csp_violations
):
    settings.CSP_ENFORCE = False
    caplog.set_level(logging.INFO, logger="bluelamp.csp")
    response = page.goto("/")
    assert "content-security-policy" not in response.headers
    assert "'nonce-" in response.headers["content-security-policy-report-only"]
    # The page's own scripts ran (GOV.UK Frontend marks the body) and the browser had nothing to
    # say about the policy as sent report-only.
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
    assert not csp_violations.seen
    # An inline script without the nonce runs, and is reported.
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.ran = true";
        document.head.appendChild(s); }"""
    )
    assert page.evaluate("window.ran") is True
    [line] = _logged(caplog, page)
    assert line.csp_directive == "script-src-elem" and line.csp_disposition == "report"
    assert line.blocked_url == "inline"
    assert [v["disposition"] for v in _taken_from_the_page(csp_violations, page)] == ["report"]
