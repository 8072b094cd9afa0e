"""/health/live and /health/ready: public (load balancers call them), machine endpoints (no
branding, no MFA redirect), never cached. ALLOWED_HOSTS still applies: probe with the site's host
name in the Host header."""

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bluelamp.core.endpoints import machine_endpoint
from bluelamp.operations import health


@machine_endpoint
@never_cache
@require_safe
def live(request) -> HttpResponse:
    """The process answers: nothing else is touched (no database), so a restart is only asked
    for when this process itself is stuck."""
    return HttpResponse("the process answers\n", content_type="text/plain; charset=utf-8")


@machine_endpoint
@never_cache
@require_safe
def ready(request) -> JsonResponse:
    """Every part this process needs, and whether it may take requests (503 when a required part
    is down)."""
    reports = health.readiness()
    status = health.overall(reports)
    return JsonResponse(
        {"status": status, "parts": {report.name: report.as_dict() for report in reports}},
        status=503 if status == health.DOWN else 200,
    )


urlpatterns = [
    path("health/live", live, name="health_live"),
    path("health/ready", ready, name="health_ready"),
]
