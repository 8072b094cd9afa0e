"""What availability plugs into the site (bluelamp/core/plugins.py): the minute's health sample
(run-minutely), the header link, the maintenance banner on every page, its REST API and demo
data."""

from bluelamp.core.plugins import present_parts, register_jobs

PARTS = (
    "bluelamp.availability.web.nav",
    "bluelamp.availability.banner",
    "bluelamp.availability.rest.plugin",
    "bluelamp.availability.demo",
)


def register() -> None:
    from bluelamp.availability.sampling import MINUTELY

    register_jobs(frequency="minutely", tasks=MINUTELY)
    for part in present_parts(PARTS):
        part.register()
