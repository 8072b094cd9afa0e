"""/csp-reports: browsers' Content-Security-Policy violation reports, in both forms they send
(report-uri's application/csp-report, the Reporting API's application/reports+json), taken from
anyone without a CSRF token, each one logged without personal data and counted; anything else
refused with a status that says why, and posts over the rate limit turned away."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client
from prometheus_client import REGISTRY

from bluelamp.operations import csp_reports
from bluelamp.operations.logs import JsonFormatter

URL = "/csp-reports"

# As Chromium sends it to report-uri (what a real report holds, personal bits included).
LEGACY_REPORT = {
    "csp-report": {
        "document-uri": "https://learn.example/people/?q=smith#results",
        "referrer": "https://learn.example/?email=bob%40kent.police.uk",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; script-src 'self' 'nonce-abc'",
        "disposition": "enforce",
        "blocked-uri": "https://bob:hunter2@evil.example:8443/x.js?session=s3cret",
        "line-number": 12,
        "column-number": 3,
        "source-file": "https://learn.example/static/bluelamp/bluelamp.js?v=1",
        "status-code": 200,
        "script-sample": "steal(document.cookie)",
    }
}

# As Chromium batches them for the Reporting API: a report of another type rides along.
REPORTING_API_BATCH = [
    {
        "age": 12,
        "type": "csp-violation",
        "url": "https://learn.example/learning/?search=smith",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/142",
        "body": {
            "blockedURL": "inline",
            "columnNumber": 39,
            "disposition": "report",
            "documentURL": "https://learn.example/learning/?search=smith",
            "effectiveDirective": "style-src-attr",
            "lineNumber": 121,
            "originalPolicy": "default-src 'self'",
            "referrer": "https://learn.example/",
            "sample": "color: red",
            "sourceFile": "https://learn.example/learning/?search=smith",
            "statusCode": 200,
        },
    },
    {
        "age": 3,
        "type": "deprecation",
        "url": "https://learn.example/",
        "user_agent": "Mozilla/5.0",
        "body": {"id": "Something", "message": "going away"},
    },
]

PERSONAL = ["smith", "bob", "hunter2", "s3cret", "steal", "Mozilla", "color: red", "?v=1", "#results"]


def _violations(directive: str, disposition: str) -> float:
    labels = {"directive": directive, "disposition": disposition}
    return REGISTRY.get_sample_value("bluelamp_csp_violations_total", labels) or 0.0


def _refused(reason: str) -> float:
    return REGISTRY.get_sample_value("bluelamp_csp_reports_refused_total", {"reason": reason}) or 0.0


def _post(client, body, content_type: str, **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type, **extra)


@pytest.fixture
def browser_client():
    """As a browser posts it: no session, and CSRF checked as it is for real."""
    return Client(enforce_csrf_checks=True)


def _csp_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "bluelamp.csp"]


@pytest.mark.django_db
def test_a_report_uri_report_is_logged_once_without_personal_data(browser_client, caplog):
    before = _violations("script-src-elem", "enforce")
    with caplog.at_level(logging.INFO, logger="bluelamp.csp"):
        response = _post(browser_client, LEGACY_REPORT, "application/csp-report")
    assert response.status_code == 204 and response.content == b""
    [line] = _csp_lines(caplog)
    assert line["level"] == "WARNING"
    assert line["csp_directive"] == "script-src-elem" and line["csp_disposition"] == "enforce"
    assert line["document_url"] == "https://learn.example/people/"
    assert line["blocked_url"] == "https://evil.example:8443/x.js"
    assert line["source_file"] == "https://learn.example/static/bluelamp/bluelamp.js"
    assert (line["source_line"], line["source_column"]) == (12, 3)
    written = json.dumps(line)
    assert not [bit for bit in PERSONAL if bit in written], written
    assert _violations("script-src-elem", "enforce") == before + 1


@pytest.mark.django_db
def test_a_reporting_api_batch_logs_its_csp_violations_and_skips_other_reports(browser_client, caplog):
    before = _violations("style-src-attr", "report")
    with caplog.at_level(logging.INFO, logger="bluelamp.csp"):
        response = _post(browser_client, REPORTING_API_BATCH, "application/reports+json")
    assert response.status_code == 204
    [line] = _csp_lines(caplog)
    assert line["csp_directive"] == "style-src-attr" and line["csp_disposition"] == "report"
    assert line["document_url"] == line["source_file"] == "https://learn.example/learning/"
    assert line["blocked_url"] == "inline"
    written = json.dumps(line)
    assert not [bit for bit in PERSONAL if bit in written], written
    assert _violations("style-src-attr", "report") == before + 1


@pytest.mark.django_db
def test_a_made_up_directive_is_counted_as_other(client):
    report = {"csp-report": {"document-uri": "https://learn.example/", "violated-directive": "x" * 500}}
    before = _violations("other", "unknown")
    assert _post(client, report, "application/csp-report").status_code == 204
    assert _violations("other", "unknown") == before + 1


@pytest.mark.parametrize(
    ("value", "logged"),
    [
        ("https://learn.example/a/b?c=d#e", "https://learn.example/a/b"),
        ("HTTPS://User:Pw@Learn.Example:443/x", "https://learn.example:443/x"),
        ("data:image/png;base64,AAAA", "data"),
        ("blob:https://learn.example/0c8e-11", "blob"),
        ("eval", "eval"),
        ("chrome-extension://abcdef/inject.js?x=1", "chrome-extension://abcdef/inject.js"),
        ("http://[::1:bad/", "(not an address)"),
        ("/relative/path?q=smith", "/relative/path"),
    ],
)
def test_addresses_lose_what_could_be_personal(value, logged):
    assert csp_reports.without_personal_parts(value) == logged


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [
        ("a=b", "application/x-www-form-urlencoded", 415, "content_type"),
        ("{}", "text/plain", 415, "content_type"),
        ("not json", "application/csp-report", 400, "bad_shape"),
        (b"\xff\xfe", "application/csp-report", 400, "bad_shape"),
        ("[]", "application/csp-report", 400, "bad_shape"),
        ({"csp-report": "x"}, "application/csp-report", 400, "bad_shape"),
        ({"csp-report": {"violated-directive": "img-src"}}, "application/csp-report", 400, "bad_shape"),
        (
            {"csp-report": {"document-uri": 5, "violated-directive": "img-src"}},
            "application/csp-report",
            400,
            "bad_shape",
        ),
        (
            {"csp-report": {"document-uri": "https://x/", "violated-directive": "a", "line-number": "1"}},
            "application/csp-report",
            400,
            "bad_shape",
        ),
        ({"type": "csp-violation"}, "application/reports+json", 400, "bad_shape"),
        ([{"type": "csp-violation", "body": []}], "application/reports+json", 400, "bad_shape"),
        ([{"type": "csp-violation", "body": {}}], "application/reports+json", 400, "bad_shape"),
    ],
)
def test_what_is_not_a_report_is_refused_and_says_why(client, caplog, body, content_type, status, reason):
    before = _refused(reason)
    with caplog.at_level(logging.INFO, logger="bluelamp.csp"):
        response = _post(client, body, content_type)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain") and response.content.strip()
    assert not _csp_lines(caplog)
    assert _refused(reason) == before + 1


@pytest.mark.django_db
def test_a_large_body_is_refused_before_it_is_read(client):
    padding = "x" * csp_reports.MAX_BODY_BYTES
    report = {"csp-report": {"document-uri": "https://x/", "violated-directive": "img-src", "p": padding}}
    before = _refused("too_large")
    response = _post(client, report, "application/csp-report")
    assert response.status_code == 413 and str(csp_reports.MAX_BODY_BYTES) in response.content.decode()
    assert _refused("too_large") == before + 1


@pytest.mark.django_db
def test_only_posts_are_taken(client):
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_the_endpoint_is_gone_when_reports_are_off(client, settings):
    settings.CSP_REPORTS = False
    assert _post(client, LEGACY_REPORT, "application/csp-report").status_code == 404


@pytest.mark.django_db
def test_posts_over_the_rate_limit_are_turned_away_per_address(client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMIT_CSP_REPORTS = "2/m"
    cache.clear()
    try:
        for _ in range(2):
            assert _post(client, LEGACY_REPORT, "application/csp-report").status_code == 204
        before = _refused("rate_limited")
        limited = _post(client, LEGACY_REPORT, "application/csp-report")
        assert limited.status_code == 429 and limited["Retry-After"] == "60"
        assert _refused("rate_limited") == before + 1
        other = _post(client, LEGACY_REPORT, "application/csp-report", REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 204
    finally:
        cache.clear()
