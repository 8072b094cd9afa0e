from django.contrib import admin

from bluelamp.audit.models import AuditEvent
from bluelamp.audit.services import audit_record


class AuditedAdminMixin:
    """Django admin edits are privileged actions too: record them in the audit log."""

    @staticmethod
    def _organisation_of(obj):
        if obj._meta.label == "organisations.Organisation":
            return obj
        return getattr(obj, "organisation", None)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {name: form.cleaned_data.get(name) for name in form.changed_data}
        audit_record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            organisation=self._organisation_of(obj),
            after=changed,
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user, action="admin.delete", obj=obj, organisation=self._organisation_of(obj)
        )
        super().delete_model(request, obj)


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
