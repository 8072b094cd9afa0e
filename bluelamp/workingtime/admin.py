from django.contrib import admin

from bluelamp.audit.api import AuditedAdminMixin
from bluelamp.workingtime.models import ExtraClosure


@admin.register(ExtraClosure)
class ExtraClosureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # Service-desk leads use /service-desk/closures/; here platform administrators may also
    # correct past closures, which that page refuses.
    list_display = ["date", "calendar", "reason", "created_by", "created_at"]
    list_filter = ["calendar"]
    date_hierarchy = "date"
    search_fields = ["reason"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
