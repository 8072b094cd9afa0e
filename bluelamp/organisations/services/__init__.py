"""Writes for organisations, units, licences, role assignments and single sign-on, by subject.

Each service checks who acts first (PermissionDenied), validates fully before writing, runs in one
transaction and records what it did in the audit log in the same transaction; e-mails and tasks
are sent on commit. `actor=None` is the system (see `_common.SYSTEM`), accepted only where a
service's docstring says so.
"""

from bluelamp.organisations.services.licences import (
    LICENCE_EARLIEST,
    LICENCE_LATEST,
    licence_contact_add,
    licence_contact_remove,
    licence_create,
    licence_update,
    licences_mark_expired,
)
from bluelamp.organisations.services.organisations import organisation_create, organisation_update
from bluelamp.organisations.services.roles import role_grant, role_revoke
from bluelamp.organisations.services.single_sign_on import single_sign_on_save
from bluelamp.organisations.services.units import (
    NAME_A_PARENT,
    unit_create,
    unit_ensure_path,
    unit_rename,
    units_ensure_paths,
    units_reserve_ids,
)

__all__ = [
    "LICENCE_EARLIEST",
    "LICENCE_LATEST",
    "NAME_A_PARENT",
    "licence_contact_add",
    "licence_contact_remove",
    "licence_create",
    "licence_update",
    "licences_mark_expired",
    "organisation_create",
    "organisation_update",
    "role_grant",
    "role_revoke",
    "single_sign_on_save",
    "unit_create",
    "unit_ensure_path",
    "unit_rename",
    "units_ensure_paths",
    "units_reserve_ids",
]
