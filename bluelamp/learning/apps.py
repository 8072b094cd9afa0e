from django.apps import AppConfig
from django.core import checks


class LearningConfig(AppConfig):
    name = "bluelamp.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self):
        checks.register(check_scorm_content_origin, checks.Tags.security, deploy=True)
        # Its header links and daily job (docs/decisions/0010-domains-plug-in.md); the catalogue's
        # and My learning's signal receivers (writes drop their cached pages).
        from bluelamp.learning import catalogue, mine, plugins

        del catalogue, mine

        plugins.register()


def check_scorm_content_origin(app_configs=None, **kwargs):
    """Production serves SCORM content from an origin of its own (see scorm/content_host.py)."""
    from urllib.parse import urlsplit

    from django.conf import settings

    origin = getattr(settings, "SCORM_CONTENT_ORIGIN", "")
    if not origin:
        return [
            checks.Error(
                "SCORM_CONTENT_ORIGIN is not set.",
                hint="Set it to an origin of its own for SCORM content, e.g. https://learn-content.example "
                "(a host name that resolves to this application, on another domain than the site's).",
                id="bluelamp.E001",
            )
        ]
    parts = urlsplit(origin)
    site = urlsplit(settings.SITE_URL)
    suffix = getattr(settings, "ORGANISATION_DOMAIN_SUFFIX", "")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host or parts.path not in ("", "/"):
        return [
            checks.Error(
                f"SCORM_CONTENT_ORIGIN {origin!r} is not an origin.",
                hint="Give scheme and host only, e.g. https://learn-content.example",
                id="bluelamp.E002",
            )
        ]
    if host == (site.hostname or "").lower() or (suffix and (host == suffix or host.endswith("." + suffix))):
        return [
            checks.Error(
                f"SCORM_CONTENT_ORIGIN {origin!r} shares a host or domain with the site.",
                hint="Content on the site's own domain can reach the site's cookies; use another domain.",
                id="bluelamp.E003",
            )
        ]
    return []
