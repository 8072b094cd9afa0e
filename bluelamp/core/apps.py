from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "bluelamp.core"
    label = "core"
    verbose_name = "Bluelamp core"

    def ready(self):
        checks.register(check_shared_cache, checks.Tags.security, deploy=True)


def check_shared_cache(app_configs=None, **kwargs):
    """Sign-in rate limits and used TOTP codes live in the cache: with a cache of its own per
    process, a limit or a replay check holds in one process only."""
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            checks.Error(
                "The cache is not shared between processes.",
                hint="Set REDIS_URL (e.g. redis://cache.internal:6379/0) so that sign-in rate limits and "
                "the TOTP replay check hold across every web and task process.",
                id="bluelamp.E010",
            )
        ]
    return []
