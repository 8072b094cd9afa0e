"""Operations' addresses (health, metrics, CSP reports), gathered from each part's
`urls_<part>.py`; included at the site's root (/health/…, /metrics, /csp-reports)."""

from bluelamp.core.plugins import present_parts

PARTS = tuple(f"bluelamp.operations.urls_{name}" for name in ("health", "metrics", "csp_reports"))

urlpatterns = [pattern for part in present_parts(PARTS) for pattern in part.urlpatterns]
