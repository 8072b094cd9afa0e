"""What other domains may use of organisations, licences and roles."""

from bluelamp.organisations.licensing import (
    LicenceStatus,
    has_national_content,
    has_own_domain,
    licence_status,
    licensed_organisation_ids,
    organisation_has_licence,
)
from bluelamp.organisations.models import (
    Licence,
    LicenceContact,
    LicenceType,
    Organisation,
    RoleAssignment,
    Unit,
)
from bluelamp.organisations.permissions import (
    NO_ACCESS,
    Access,
    access_for,
    has_perm_anywhere,
    is_administrator,
)
from bluelamp.organisations.roles import ADMINISTRATIVE_ROLES, DEFINITIONS, GRANTABLE_ROLES, Perm, Role, Scope
from bluelamp.organisations.selectors import (
    access_organisation,
    access_unit,
    organisations_visible,
    roles_of,
    units_in_scope,
)
from bluelamp.organisations.services import (
    licence_contact_add,
    licence_create,
    licence_update,
    organisation_create,
    role_grant,
    role_revoke,
    unit_create,
    unit_ensure_path,
)

__all__ = [
    "ADMINISTRATIVE_ROLES",
    "DEFINITIONS",
    "GRANTABLE_ROLES",
    "NO_ACCESS",
    "Access",
    "Licence",
    "LicenceContact",
    "LicenceStatus",
    "LicenceType",
    "Organisation",
    "Perm",
    "Role",
    "RoleAssignment",
    "Scope",
    "Unit",
    "access_for",
    "access_organisation",
    "access_unit",
    "has_national_content",
    "has_own_domain",
    "has_perm_anywhere",
    "is_administrator",
    "licence_contact_add",
    "licence_create",
    "licence_update",
    "licence_status",
    "licensed_organisation_ids",
    "organisation_create",
    "organisation_has_licence",
    "organisations_visible",
    "role_grant",
    "role_revoke",
    "roles_of",
    "unit_create",
    "unit_ensure_path",
    "units_in_scope",
]
