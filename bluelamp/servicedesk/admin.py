from django.contrib import admin

from bluelamp.audit.api import AuditedAdminMixin
from bluelamp.servicedesk.tickets.models import Category


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # Retire a category (untick "active") rather than delete it: old tickets keep theirs.
    list_display = ["name", "description", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]
