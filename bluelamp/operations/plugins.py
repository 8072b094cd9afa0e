"""What production operations add (registered by OperationsConfig.ready()): each part — health,
metrics, logs, backups — registers its own jobs and checks from its module's `register()`."""

from bluelamp.core.plugins import present_parts

PARTS = (
    "bluelamp.operations.health",
    "bluelamp.operations.metrics",
    "bluelamp.operations.logs",
    "bluelamp.operations.backups.plugin",
)


def register() -> None:
    for part in present_parts(PARTS):
        part.register()
