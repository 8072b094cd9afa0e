"""The security headers' middleware (bluelamp/core/headers.py): the staged rollout sends the same
policy report-only, a view's own changes included; the Reporting-Endpoints header goes with a
policy that names it; a response with its own policy keeps it alone; Cross-Origin-Resource-Policy
opens only what any origin may read by design."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from bluelamp.core.headers import ContentSecurityPolicyMiddleware, SecurityHeadersMiddleware

ROOT = Path(__file__).resolve().parents[3]


def _answer(response_for, path="/somewhere/", view_name="some_view", host="learn.example", secure=True):
    request = RequestFactory().get(path, HTTP_HOST=host, secure=secure)
    request.resolver_match = SimpleNamespace(view_name=view_name)

    def get_response(request):
        response = response_for()
        str(request.csp_nonce)  # the page used its nonce
        return response

    return ContentSecurityPolicyMiddleware(get_response)(request)


def _without_nonce(policy: str) -> str:
    return re.sub(r"'nonce-[^']+'", "'nonce'", policy)


def _player_page():
    response = HttpResponse("<html>")
    response._csp_replace = {"frame-src": ["https://content.learn.example"]}
    return response


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["learn.example", "kent.learn.example"]


def test_the_policy_is_enforced_and_names_where_to_report(settings):
    settings.CSP_ENFORCE = True
    response = _answer(_player_page)
    policy = response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    assert "frame-src https://content.learn.example" in policy and "'nonce-" in policy
    assert "report-to csp" in policy and "report-uri /csp-reports" in policy
    assert response["Reporting-Endpoints"] == 'csp="https://learn.example/csp-reports"'


def test_the_staged_rollout_reports_the_same_policy_and_enforces_none(settings):
    settings.CSP_ENFORCE = True
    enforced = _answer(_player_page)["Content-Security-Policy"]
    settings.CSP_ENFORCE = False
    response = _answer(_player_page)
    assert "Content-Security-Policy" not in response
    staged = response["Content-Security-Policy-Report-Only"]
    # The same policy (its nonce aside), the player's frame-src included.
    assert _without_nonce(staged) == _without_nonce(enforced)
    assert response["Reporting-Endpoints"] == 'csp="https://learn.example/csp-reports"'


def test_reports_go_to_the_host_the_page_came_from():
    response = _answer(lambda: HttpResponse("<html>"), host="kent.learn.example")
    assert response["Reporting-Endpoints"] == 'csp="https://kent.learn.example/csp-reports"'


def test_over_plain_http_reports_go_to_report_uri_alone():
    """Chromium takes Reporting-Endpoints from secure pages only, and ignores report-uri when the
    policy has report-to: over HTTP (development) it would report nothing."""
    response = _answer(_player_page, secure=False)
    policy = response["Content-Security-Policy"]
    assert "report-uri /csp-reports" in policy and "report-to" not in policy
    assert "frame-src https://content.learn.example" in policy
    assert "Reporting-Endpoints" not in response


def test_without_reports_there_is_no_reporting_endpoint(settings):
    directives = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    directives.pop("report-uri"), directives.pop("report-to")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}
    response = _answer(lambda: HttpResponse("<html>"))
    assert "report-" not in response["Content-Security-Policy"]
    assert "Reporting-Endpoints" not in response


@pytest.mark.parametrize("enforce", [True, False])
def test_a_response_with_a_policy_of_its_own_keeps_it_alone(settings, enforce):
    """E.g. an uploaded logo's `default-src 'none'`: neither overwritten nor joined by ours."""
    settings.CSP_ENFORCE = enforce

    def logo():
        response = HttpResponse(b"<svg/>", content_type="image/svg+xml")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = _answer(logo)
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "Content-Security-Policy-Report-Only" not in response and "Reporting-Endpoints" not in response


def test_a_library_view_gets_its_update_by_url_name(settings):
    settings.CSP_UPDATES_BY_VIEW = {"sso_start": {"form-action": ["https:"]}}
    page = _answer(lambda: HttpResponse("<html>"), view_name="sso_start")
    assert "form-action 'self' https:" in page["Content-Security-Policy"]
    other = _answer(lambda: HttpResponse("<html>"), view_name="other")
    assert "form-action 'self';" in other["Content-Security-Policy"] + ";"


def _headers(response_for):
    return SecurityHeadersMiddleware(lambda request: response_for())(RequestFactory().get("/"))


def test_our_responses_are_for_our_own_pages_unless_any_origin_may_read_them():
    page = _headers(lambda: HttpResponse("<html>"))
    assert page["Cross-Origin-Resource-Policy"] == "same-origin"
    assert page["X-Permitted-Cross-Domain-Policies"] == "none"
    assert "camera=()" in page["Permissions-Policy"]

    def public_document():
        response = HttpResponse("{}", content_type="application/ld+json")
        response["Access-Control-Allow-Origin"] = "*"
        return response

    assert _headers(public_document)["Cross-Origin-Resource-Policy"] == "cross-origin"


def _policy_in_a_new_process(**env) -> dict:
    """The policy settings as a server process reads them from its environment."""
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "from csp.checks import check_django_csp_lt_4_0;"
        "print(json.dumps({'directives': settings.CONTENT_SECURITY_POLICY['DIRECTIVES'],"
        " 'enforce': settings.CSP_ENFORCE, 'reports': settings.CSP_REPORTS,"
        " 'updates': settings.CSP_UPDATES_BY_VIEW,"
        " 'csp_checks': [e.id for e in check_django_csp_lt_4_0(None)]}, default=str))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BLUELAMP_ENV", "CSP_", "DEBUG"))}
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "learn.example",
        }
    )
    base.update(env)
    out = subprocess.run(
        [sys.executable, "-c", script], env=base, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_upgrades_insecure_requests_and_sends_forms_to_https_providers_only():
    production = _policy_in_a_new_process(BLUELAMP_ENV="production")
    assert production["directives"]["upgrade-insecure-requests"] is True
    assert production["enforce"] and production["csp_checks"] == []
    assert production["updates"]["openid_connect_login"] == {"form-action": ["https:"]}
    development = _policy_in_a_new_process()
    assert "upgrade-insecure-requests" not in development["directives"]
    assert "http://localhost:*" in development["updates"]["saml_login"]["form-action"]


def test_csp_report_only_stages_the_policy_without_tripping_django_csp():
    """django-csp refuses a Django setting named CSP_REPORT_ONLY (csp.E001): the environment's
    CSP_REPORT_ONLY becomes CSP_ENFORCE, and upgrade-insecure-requests (ignored in a report-only
    policy) is left out."""
    staged = _policy_in_a_new_process(BLUELAMP_ENV="production", CSP_REPORT_ONLY="true")
    assert staged["enforce"] is False and staged["csp_checks"] == []
    assert "upgrade-insecure-requests" not in staged["directives"]
    assert staged["directives"]["report-uri"] == ["/csp-reports"]


def test_csp_reports_off_leaves_reporting_out_of_the_policy():
    quiet = _policy_in_a_new_process(CSP_REPORTS="false")
    assert quiet["reports"] is False
    assert "report-uri" not in quiet["directives"] and "report-to" not in quiet["directives"]
