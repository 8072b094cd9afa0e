"""What the organisations services share: snapshots for the audit log, refusing with every
message at once, and the check of who may act."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.organisations.permissions import Access, access_for
from bluelamp.organisations.roles import Perm

# `actor=SYSTEM` (None): the platform itself acts, not a person — the demo loader, imports and
# operator commands run from the server, and tests' factories. A service that accepts it says so
# in its docstring; the audit log records such an action as "system".
SYSTEM = None


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def check_actor(actor, perm: Perm, allowed: Callable[[Access], bool], refusal: str) -> None:
    """PermissionDenied(refusal) unless `actor` holds `perm` where `allowed` says, or is the system."""
    if actor is SYSTEM:
        return
    if not allowed(access_for(actor, perm)):
        raise PermissionDenied(refusal)
