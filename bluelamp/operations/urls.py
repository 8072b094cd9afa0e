"""Operations' addresses (health, metrics), gathered from each part's `urls_<part>.py`; included
at the site's root (/health/…, /metrics)."""

from bluelamp.core.plugins import present_parts

PARTS = tuple(f"bluelamp.operations.urls_{name}" for name in ("health", "metrics"))

urlpatterns = [pattern for part in present_parts(PARTS) for pattern in part.urlpatterns]
