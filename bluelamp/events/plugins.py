"""What events plug into the site (bluelamp/core/plugins.py): the expiry of offered places
(run-frequent), the header link, the REST API and demo data."""

from bluelamp.core.plugins import present_parts, register_jobs

PARTS: tuple[str, ...] = ("bluelamp.events.web.nav", "bluelamp.events.rest.plugin", "bluelamp.events.demo")


def register() -> None:
    from bluelamp.events.tasks import FREQUENT

    register_jobs(frequency="frequent", tasks=FREQUENT)
    for part in present_parts(PARTS):
        part.register()
