from django.contrib import admin

from bluelamp.audit.admin import AuditedAdminMixin
from bluelamp.servicedesk.models import Category, ExtraClosure


@admin.register(ExtraClosure)
class ExtraClosureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # Service-desk leads use /service-desk/closures/; here platform administrators may also
    # correct past closures, which that page refuses.
    list_display = ["date", "reason", "created_by", "created_at"]
    date_hierarchy = "date"
    search_fields = ["reason"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # Retire a category (untick "active") rather than delete it: old tickets keep theirs.
    list_display = ["name", "description", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]
