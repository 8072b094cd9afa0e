"""The WSGI application: pages through every middleware, machine endpoints through fewer.

A machine endpoint (`bluelamp.core.endpoints.machine_endpoint`: the SCORM runtime's commits,
health checks, metrics, public credential documents) answers a program, never a person. It has
no use for what only pages need (static files, messages, allauth's sign-in stages, htmx,
branding by organisation, the MFA redirect, sign-in lockout), yet paid for all of it: a SCORM
commit, the busiest request there is, went through nineteen middlewares.

So the application is two Django handlers. Each request is resolved once: a machine endpoint
goes to a handler built from MACHINE_MIDDLEWARE (settings: MIDDLEWARE without those page-only
ones), everything else, a path that resolves to nothing included, to the handler built from
MIDDLEWARE. Security (HTTPS, headers, CSP, CSRF), sessions, authentication, request ids, logs
and metrics are in both.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, get_path_info
from django.urls import Resolver404, resolve

from bluelamp.core.endpoints import MACHINE_ENVIRON_KEY, is_machine_match

# The URL's match, worked out once for both the choice of handler and Django's own resolving.
_MATCH_ENVIRON_KEY = "bluelamp.resolver_match"


class _ResolvedOnce:
    """Django resolves every request's path (BaseHandler.resolve_request); the application has
    already, unless a middleware gave the request a URLconf of its own."""

    def resolve_request(self, request):
        match = request.META.get(_MATCH_ENVIRON_KEY)
        if match is None or hasattr(request, "urlconf"):
            return super().resolve_request(request)  # type: ignore[misc]
        request.resolver_match = match
        return match


class BluelampWSGIHandler(_ResolvedOnce, WSGIHandler):
    """Django's WSGI handler for pages; machine endpoints are handed to a second one."""

    def __init__(self):
        super().__init__()
        self.machine_handler = MachineEndpointHandler()

    def __call__(self, environ, start_response):
        try:
            match = resolve(get_path_info(environ))
        except Resolver404:
            match = None  # Django resolves it again and answers "not found" as it always does
        machine = match is not None and is_machine_match(match)
        environ[MACHINE_ENVIRON_KEY] = machine  # asked once (organisations' middleware reads it)
        environ[_MATCH_ENVIRON_KEY] = match
        if machine:
            return self.machine_handler(environ, start_response)
        return super().__call__(environ, start_response)


class MachineEndpointHandler(_ResolvedOnce, WSGIHandler):
    """Django's WSGI handler with MACHINE_MIDDLEWARE."""

    def load_middleware(self, is_async=False):
        with _middleware(settings.MACHINE_MIDDLEWARE):
            super().load_middleware(is_async)

    def get_response(self, request):
        # What organisations' middleware (not in this list) says of a machine endpoint.
        request.bluelamp_machine_endpoint = True
        request.organisation = None
        return super().get_response(request)


@contextmanager
def _middleware(names: list[str]):
    """Django builds a handler's middleware from settings.MIDDLEWARE: this one, while it is built
    (once, as the process starts and before it takes a request)."""
    saved = settings.MIDDLEWARE
    settings.MIDDLEWARE = names
    try:
        yield
    finally:
        settings.MIDDLEWARE = saved


def get_wsgi_application() -> BluelampWSGIHandler:
    """As django.core.wsgi.get_wsgi_application, with Bluelamp's handler."""
    import django

    django.setup(set_prefix=False)
    return BluelampWSGIHandler()
