"""/csp-reports: where browsers report Content-Security-Policy violations (the policy's
`report-uri`, and the `csp` endpoint of the Reporting-Endpoints header its `report-to` names).

Public by design: a violation happens on any page, signed in or not, and the browser posts it
without the page's cookies or CSRF token. So it is exempt from CSRF, limited per client address
(RATE_LIMIT_CSP_REPORTS, in the shared cache), takes small bodies of a known shape only
(bluelamp/operations/csp_reports.py) and answers nothing but a status: 204 when taken. Off
(404, and no reporting directives in the policy) with CSP_REPORTS=false.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from bluelamp.core.endpoints import machine_endpoint
from bluelamp.operations import csp_reports


def _refuse(refusal: csp_reports.ReportRefused) -> HttpResponse:
    csp_reports.refused(refusal.reason)
    return HttpResponse(f"{refusal}\n", status=refusal.status, content_type="text/plain; charset=utf-8")


def _body(request) -> bytes:
    """At most one byte over the limit: a larger body is never read in full."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > csp_reports.MAX_BODY_BYTES:
        raise csp_reports.ReportRefused(
            f"A report may be at most {csp_reports.MAX_BODY_BYTES} bytes.", status=413, reason="too_large"
        )
    return request.read(csp_reports.MAX_BODY_BYTES + 1)


@machine_endpoint
@csrf_exempt
@never_cache
@require_POST
def csp_report(request) -> HttpResponse:
    if not settings.CSP_REPORTS:
        raise Http404
    if is_ratelimited(
        request, group="csp-reports", key="ip", rate=settings.RATE_LIMIT_CSP_REPORTS, increment=True
    ):
        csp_reports.refused("rate_limited")
        response = HttpResponse(
            "Too many reports from your address.\n", status=429, content_type="text/plain"
        )
        response["Retry-After"] = "60"
        return response
    try:
        violations = csp_reports.parse(_body(request), content_type=request.META.get("CONTENT_TYPE", ""))
    except csp_reports.ReportRefused as refusal:
        return _refuse(refusal)
    csp_reports.record(violations)
    return HttpResponse(status=204)


urlpatterns = [path("csp-reports", csp_report, name="csp_reports")]
