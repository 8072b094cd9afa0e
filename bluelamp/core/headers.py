"""Security headers beyond Django's own (docs/operations.md, "Security headers").

- `ContentSecurityPolicyMiddleware`: django-csp's middleware (the policy is
  settings.CONTENT_SECURITY_POLICY) with three additions: a library's view may be given more by
  its URL name (CSP_UPDATES_BY_VIEW: allauth's single sign-on pages, whose forms lead to the
  identity provider); the staged rollout (CSP_ENFORCE false, the environment's CSP_REPORT_ONLY)
  sends the same policy, a view's changes included, as Content-Security-Policy-Report-Only; and
  the Reporting-Endpoints header that the policy's `report-to` names (on HTTPS pages: over plain
  HTTP the policy reports to `report-uri` alone).
- `SecurityHeadersMiddleware`: Permissions-Policy, Cross-Origin-Resource-Policy and
  X-Permitted-Cross-Domain-Policies; and for a machine endpoint's answer (a SCORM commit's JSON,
  health, metrics: no document, and not through the middleware above, settings.
  PAGE_ONLY_MIDDLEWARE) the fixed policy an API sends, which allows nothing.

Django's SecurityMiddleware and XFrameOptionsMiddleware send the rest (nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, X-Frame-Options, HSTS in production).
"""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils.cache import patch_cache_control

# Nothing in Bluelamp uses these; a page, or content framed in one, may not ask for them.
# Fullscreen and autoplay stay allowed (e-learning video) for the site and the frames it delegates
# them to with allow="...".
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def _reporting_endpoint(request) -> str:
    """The Reporting-Endpoints value for the policy's `report-to` name, at its `report-uri`
    address (absolute, on the host the page came from), or "" when the policy reports nowhere."""
    directives = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES", {})
    name, addresses = directives.get("report-to"), directives.get("report-uri")
    if not name or not addresses:
        return ""
    return f'{name}="{request.build_absolute_uri(str(addresses[0]))}"'


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        has_own_policy = HEADER in response or HEADER_REPORT_ONLY in response
        if not has_own_policy:
            self._update_for_view(request, response)
            if not request.is_secure():
                self._report_uri_only(response)
        response = super().process_response(request, response)
        if has_own_policy or HEADER not in response:
            return response
        policy = response[HEADER]
        if not settings.CSP_ENFORCE:
            # The staged rollout: the same policy, reported and not enforced.
            del response[HEADER]
            response[HEADER_REPORT_ONLY] = policy
        if "report-to " in policy:
            endpoint = _reporting_endpoint(request)
            if endpoint:
                response.headers.setdefault("Reporting-Endpoints", endpoint)
        return response

    @staticmethod
    def _report_uri_only(response) -> None:
        """Over plain HTTP (development), no report-to: Chromium takes Reporting-Endpoints only
        from secure pages, and given report-to it ignores report-uri, so it would report nothing."""
        replace = dict(getattr(response, "_csp_replace", None) or {})
        replace.setdefault("report-to", None)
        response._csp_replace = replace

    @staticmethod
    def _update_for_view(request, response) -> None:
        match = getattr(request, "resolver_match", None)
        extra = getattr(settings, "CSP_UPDATES_BY_VIEW", {}).get(match.view_name) if match else None
        if extra:
            update = dict(getattr(response, "_csp_update", None) or {})
            for directive, sources in extra.items():
                update[directive] = [*update.get(directive, []), *sources]
            response._csp_update = update


# What a machine endpoint's answer may load or be framed by: nothing.
MACHINE_POLICY = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Permissions-Policy (above); Cross-Origin-Resource-Policy: our responses are for our own
    pages (another site cannot embed them as images, scripts or the like), except those any
    origin may read by design (Access-Control-Allow-Origin: *, e.g. the Open Badges documents);
    X-Permitted-Cross-Domain-Policies: none (no PDF reader or plug-in may load from us across
    sites). A response that sets one itself keeps it. Responses to a signed-in person: Cache-Control:
    private, no-store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        for_anyone = response.get("Access-Control-Allow-Origin") == "*"
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", "cross-origin" if for_anyone else "same-origin"
        )
        response.headers.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        if getattr(request, "bluelamp_machine_endpoint", False):
            response.headers.setdefault(HEADER, MACHINE_POLICY)
        # What a signed-in person is shown is theirs alone: neither the browser nor a proxy keeps
        # a copy (a shared computer at a station; Back after signing out). A response that says
        # itself how it may be cached keeps that.
        user = getattr(request, "user", None)
        if "Cache-Control" not in response and user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
