"""/metrics, for Prometheus: only with `Authorization: Bearer <METRICS_TOKEN>`. Without a token
configured the address does not exist (404), so a deployment that does not scrape shows nothing."""

from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from bluelamp.core.endpoints import machine_endpoint
from bluelamp.operations import metrics


@machine_endpoint
@never_cache
@require_safe
def metrics_view(request) -> HttpResponse:
    from django.conf import settings

    if not settings.METRICS_TOKEN:
        raise Http404
    if not metrics.token_matches(request.headers.get("Authorization", "")):
        response = HttpResponse("A bearer token is needed.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


urlpatterns = [path("metrics", metrics_view, name="metrics")]
