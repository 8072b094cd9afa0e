from django.contrib import admin

from bluelamp.audit.admin_mixins import AuditedAdminMixin  # noqa: F401 - until every admin imports it from api
from bluelamp.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_label", "organisation", "action", "object_label", "ip_address"]
    list_filter = ["action", "organisation"]
    search_fields = ["actor_label", "object_label", "action"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
