"""The WSGI application (bluelamp/core/handlers.py): machine endpoints through MACHINE_MIDDLEWARE,
pages through every middleware, each request resolved once."""

from unittest import mock

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from bluelamp.core.handlers import BluelampWSGIHandler
from bluelamp.organisations.middleware import OrganisationMiddleware

pytestmark = pytest.mark.django_db


def call(app, method: str, path: str, **extra) -> tuple[int, dict[str, str], bytes]:
    """Send one request to a WSGI application as a server would (but for closing the database
    connection when it ends, which would end the test's transaction: Django's test client leaves
    that out too)."""
    environ = RequestFactory().generic(method, path, **extra).environ
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = int(status.split()[0])
        started["headers"] = dict(headers)

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        response = app(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    return started["status"], started["headers"], body


@pytest.fixture(scope="module")
def application():
    return BluelampWSGIHandler()


def test_machine_middleware_keeps_security_sessions_and_telemetry():
    machine = settings.MACHINE_MIDDLEWARE
    assert set(machine) < set(settings.MIDDLEWARE)
    assert [m for m in settings.MIDDLEWARE if m in machine] == machine  # the same order
    for kept in (
        "django.middleware.security.SecurityMiddleware",
        "bluelamp.core.headers.SecurityHeadersMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "bluelamp.people.signed_in.AuthenticationMiddleware",
        "bluelamp.core.middleware.RequestContextMiddleware",
        "bluelamp.operations.logs.RequestLogMiddleware",
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ):
        assert kept in machine
    assert "bluelamp.organisations.middleware.OrganisationMiddleware" not in machine
    # No document: the fixed policy below, not the pages' one built for each response.
    assert "bluelamp.core.headers.ContentSecurityPolicyMiddleware" not in machine


def test_page_only_middleware_sees_pages_only(monkeypatch):
    seen = []
    original = OrganisationMiddleware.__call__

    def spy(self, request):
        seen.append(request.path)
        return original(self, request)

    monkeypatch.setattr(OrganisationMiddleware, "__call__", spy)
    application = BluelampWSGIHandler()  # built with the spy in place
    call(application, "GET", "/health/live")
    assert seen == []
    call(application, "GET", "/accessibility/")
    assert seen == ["/accessibility/"]


def test_a_machine_endpoint_answers_with_the_security_headers(application):
    status, headers, body = call(application, "GET", "/health/live")
    assert status == 200 and body == b"the process answers\n"
    # Security headers as on every response.
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_a_page_goes_through_every_middleware(application):
    status, headers, body = call(application, "GET", "/accessibility/")
    assert status == 200 and b"Accessibility" in body
    assert headers["X-Frame-Options"] == "DENY"


def test_a_path_that_resolves_to_nothing_is_a_page_not_found(application):
    status, _, body = call(application, "GET", "/health/nowhere/")
    assert status == 404
    status, headers, _ = call(application, "GET", "/health/live/")  # no such machine path: a page
    assert status in (301, 404)


@pytest.mark.parametrize("path", ["/accessibility/", "/health/live"])
def test_each_request_is_resolved_once(application, path):
    from django.urls.resolvers import URLResolver

    with mock.patch.object(URLResolver, "resolve", autospec=True, side_effect=URLResolver.resolve) as resolve:
        status, _, _ = call(application, "GET", path)
    assert status == 200
    assert [c.args[1] for c in resolve.call_args_list].count(path) == 1
