"""What other domains may use of production operations: the change/release issue's status page
reads the latest backup verification (and the health report) from here."""

from bluelamp.operations.backups.services import latest_verification

__all__ = ["latest_verification"]
