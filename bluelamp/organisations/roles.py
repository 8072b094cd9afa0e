"""The roles a person can hold, where each may be held, and what each allows.

One table answers "what may this role do": permissions are checked through
`bluelamp.organisations.permissions`, never by comparing role names in views.
"""

from dataclasses import dataclass

from django.db import models


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", "Platform administrator"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation administrator"
    TRAINING_ADMIN = "training_admin", "Training administrator"
    LINE_MANAGER = "line_manager", "Line manager"
    TUTOR = "tutor", "Tutor/trainer"
    LEARNER = "learner", "Learner"
    CONTACT_CENTRE_ADVISER = "cc_adviser", "Contact-centre adviser"
    CONTACT_CENTRE_TEAM_LEADER = "cc_team_leader", "Contact-centre team leader"
    APP_OPS_ENGINEER = "app_ops_engineer", "Application operations engineer"
    SENIOR_APP_OPS_ENGINEER = "senior_app_ops_engineer", "Senior application operations engineer"
    LEAD_ENGINEER = "lead_engineer", "Lead engineer"
    IT_SERVICE_MANAGER = "it_service_manager", "IT service manager"
    CAB_MEMBER = "cab_member", "CAB member"
    REPORT_VIEWER = "report_viewer", "Report viewer"


class Perm(models.TextChoices):
    """Permissions. Each is checked against the scope where the role is held."""

    PLATFORM_ADMIN = "platform.admin", "Administer the platform"
    ORGANISATIONS_MANAGE = "organisations.manage", "Create and edit organisations"
    ORGANISATION_EDIT = "organisation.edit", "Edit an organisation's branding and sign-in settings"
    LICENCES_MANAGE = "licences.manage", "Manage licences"
    LICENCES_VIEW = "licences.view", "View licences"
    UNITS_MANAGE = "units.manage", "Manage units"
    PEOPLE_VIEW = "people.view", "View people"
    PEOPLE_MANAGE = "people.manage", "Edit people"
    PEOPLE_IMPORT = "people.import", "Import people from HR files"
    ROLES_GRANT = "roles.grant", "Grant and revoke roles"
    ROLES_VIEW = "roles.view", "View role holders and the admin-privileges report"
    AUDIT_VIEW = "audit.view", "View the audit log"
    REPORTS_VIEW = "reports.view", "View reports"
    SERVICE_DESK = "servicedesk.work", "Work service desk tickets"
    SERVICE_DESK_LEAD = "servicedesk.lead", "Lead the service desk"
    CHANGES_APPROVE = "changes.approve", "Approve changes (CAB)"
    LEARNING_TUTOR = "learning.tutor", "Tutor and mark learners' work"
    LEARNING_MANAGE = "learning.manage", "Manage courses and enrolments"


class Scope(models.TextChoices):
    NATIONAL = "national", "National"
    ORGANISATION = "organisation", "Organisation"
    UNIT = "unit", "Unit"


@dataclass(frozen=True)
class RoleDefinition:
    role: Role
    description: str
    scopes: frozenset[Scope]
    permissions: frozenset[Perm]
    # Administrative roles require MFA and appear on the admin-privileges report.
    administrative: bool
    # Only held by people of the national body (the service desk and engineering roles).
    national_body_only: bool = False
    # Not granted explicitly: derived from reporting lines.
    implicit: bool = False


_ALL = frozenset(Scope)
_ORG_OR_UNIT = frozenset({Scope.ORGANISATION, Scope.UNIT})
_NATIONAL = frozenset({Scope.NATIONAL})
_DESK = frozenset({Perm.SERVICE_DESK, Perm.PEOPLE_VIEW, Perm.LICENCES_VIEW})

DEFINITIONS: dict[Role, RoleDefinition] = {
    d.role: d
    for d in [
        RoleDefinition(
            Role.PLATFORM_ADMIN,
            "Runs the whole platform: every organisation, licence, person and role.",
            _NATIONAL,
            frozenset(Perm),
            administrative=True,
            national_body_only=True,
        ),
        RoleDefinition(
            Role.ORGANISATION_ADMIN,
            "Administers one organisation's domain: people, units, branding, roles.",
            _ORG_OR_UNIT,
            frozenset(
                {
                    Perm.ORGANISATION_EDIT,
                    Perm.LICENCES_VIEW,
                    Perm.UNITS_MANAGE,
                    Perm.PEOPLE_VIEW,
                    Perm.PEOPLE_MANAGE,
                    Perm.PEOPLE_IMPORT,
                    Perm.ROLES_GRANT,
                    Perm.ROLES_VIEW,
                    Perm.AUDIT_VIEW,
                    Perm.REPORTS_VIEW,
                    Perm.LEARNING_MANAGE,
                }
            ),
            administrative=True,
        ),
        RoleDefinition(
            Role.TRAINING_ADMIN,
            "Manages learning, enrolments and learner records; imports people.",
            _ALL,
            frozenset(
                {
                    Perm.PEOPLE_VIEW,
                    Perm.PEOPLE_IMPORT,
                    Perm.PEOPLE_MANAGE,
                    Perm.REPORTS_VIEW,
                    Perm.LEARNING_MANAGE,
                    Perm.LICENCES_VIEW,
                }
            ),
            administrative=True,
        ),
        RoleDefinition(
            Role.LINE_MANAGER,
            "Sees and supports the people who report to them (from reporting lines).",
            _ORG_OR_UNIT,
            frozenset({Perm.PEOPLE_VIEW}),
            administrative=False,
            implicit=True,
        ),
        RoleDefinition(
            Role.TUTOR,
            "Teaches and marks learners' work.",
            _ALL,
            frozenset({Perm.LEARNING_TUTOR, Perm.PEOPLE_VIEW}),
            administrative=False,
        ),
        RoleDefinition(
            Role.LEARNER,
            "Takes learning. Everyone is a learner in their own organisation.",
            _ORG_OR_UNIT,
            frozenset(),
            administrative=False,
        ),
        RoleDefinition(
            Role.CONTACT_CENTRE_ADVISER,
            "First line: answers, triages and logs contacts.",
            _NATIONAL,
            _DESK,
            administrative=False,
            national_body_only=True,
        ),
        RoleDefinition(
            Role.CONTACT_CENTRE_TEAM_LEADER,
            "Leads the contact centre: queues, KPIs, reviews.",
            _NATIONAL,
            _DESK | {Perm.SERVICE_DESK_LEAD, Perm.REPORTS_VIEW},
            administrative=True,
            national_body_only=True,
        ),
        RoleDefinition(
            Role.APP_OPS_ENGINEER,
            "Second line: investigates and fixes application incidents.",
            _NATIONAL,
            _DESK,
            administrative=True,
            national_body_only=True,
        ),
        RoleDefinition(
            Role.SENIOR_APP_OPS_ENGINEER,
            "Third line: senior application operations engineer.",
            _NATIONAL,
            _DESK,
            administrative=True,
            national_body_only=True,
        ),
        RoleDefinition(
            Role.LEAD_ENGINEER,
            "Lead application operations engineer; notified of major incidents.",
            _NATIONAL,
            _DESK | {Perm.SERVICE_DESK_LEAD, Perm.CHANGES_APPROVE},
            administrative=True,
            national_body_only=True,
        ),
        RoleDefinition(
            Role.IT_SERVICE_MANAGER,
            "Owns service management: SLAs, major incidents, changes and releases.",
            _NATIONAL,
            _DESK | {Perm.SERVICE_DESK_LEAD, Perm.CHANGES_APPROVE, Perm.REPORTS_VIEW, Perm.AUDIT_VIEW},
            administrative=True,
            national_body_only=True,
        ),
        RoleDefinition(
            Role.CAB_MEMBER,
            "Sits on the Change Advisory Board.",
            _NATIONAL,
            frozenset({Perm.CHANGES_APPROVE}),
            administrative=False,
            national_body_only=True,
        ),
        RoleDefinition(
            Role.REPORT_VIEWER,
            "Reads reports and dashboards for their scope.",
            _ALL,
            frozenset({Perm.REPORTS_VIEW}),
            administrative=False,
        ),
    ]
}

ADMINISTRATIVE_ROLES = frozenset(r for r, d in DEFINITIONS.items() if d.administrative)
GRANTABLE_ROLES = [d for d in DEFINITIONS.values() if not d.implicit]
