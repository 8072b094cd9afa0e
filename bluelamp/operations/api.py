"""What other domains may use of production operations: availability's minute sample reads the
health report (`readiness`, each part's `PartReport`, and the `overall` verdict /health/ready
gives), and its status page the latest backup verification."""

from bluelamp.operations.backups.services import latest_verification
from bluelamp.operations.health import PartReport, overall, readiness

__all__ = ["PartReport", "latest_verification", "overall", "readiness"]
