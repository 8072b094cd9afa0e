from django.contrib import admin

from bluelamp.audit.api import AuditedAdminMixin
from bluelamp.organisations.models import (
    Licence,
    LicenceContact,
    Organisation,
    RoleAssignment,
    SingleSignOn,
    Unit,
)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "host_name"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "host_name"]
    readonly_fields = ["uuid", "created_at", "updated_at"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    # Units change through the Units page (which keeps paths and the audit log right).
    list_display = ["full_path", "organisation", "code"]
    list_filter = ["organisation"]
    search_fields = ["full_path", "code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LicenceContactInline(admin.TabularInline):
    model = LicenceContact
    extra = 0
    fields = ["name", "email", "role"]


@admin.register(Licence)
class LicenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "organisation", "type", "starts_on", "ends_on", "status"]
    list_filter = ["type", "status"]
    search_fields = ["reference", "organisation__name"]
    inlines = [LicenceContactInline]
    readonly_fields = ["uuid", "created_at", "updated_at"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    # Grants and revokes go through the role services so that scope rules and MFA apply.
    list_display = ["person", "role", "organisation", "unit", "granted_at", "revoked_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["person__email", "person__last_name"]
    raw_id_fields = ["person", "unit", "granted_by", "revoked_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SingleSignOn)
class SingleSignOnAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # OpenID Connect is set up on each organisation's Single sign-on page (audited, secret kept
    # out of the log). Here a platform administrator links a SAML SocialApp, made in allauth's
    # "Social applications" admin, to its organisation: see docs/decisions/0003-single-sign-on.md.
    list_display = ["organisation", "social_app", "enabled", "create_unknown_people"]
    list_filter = ["enabled", "create_unknown_people"]
    search_fields = ["organisation__name", "social_app__provider_id"]
    raw_id_fields = ["organisation", "social_app"]
    readonly_fields = ["created_at", "updated_at"]
