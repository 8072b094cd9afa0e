"""What other domains may use of changes and releases: a maintenance window (availability) names
the approved request for change it carries out, chosen from those a person may see."""

from bluelamp.changes.models import ChangeRequest
from bluelamp.changes.selectors import access_rfc, approved_changes

__all__ = ["ChangeRequest", "access_rfc", "approved_changes"]
