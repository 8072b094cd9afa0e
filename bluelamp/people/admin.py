from django.contrib import admin

from bluelamp.audit.api import AuditedAdminMixin
from bluelamp.people.listeners import AUDIENCE_FIELDS, people_changed
from bluelamp.people.models import ImportRun, Person, PersonTransfer


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "organisation", "staff_number", "status"]
    list_filter = ["status", "organisation"]
    search_fields = ["email", "first_name", "last_name", "staff_number"]
    raw_id_fields = ["unit", "line_manager"]
    # Passwords are set by their owners (reset by e-mail); roles through the role pages.
    exclude = ["password", "groups", "user_permissions", "is_superuser", "is_staff"]
    readonly_fields = ["uuid", "last_login", "date_joined", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # leavers are marked, never deleted

    def save_model(self, request, obj, form, change):
        # The admin's change view runs in a transaction: the listeners' writes share it.
        super().save_model(request, obj, form, change)
        if not change or set(form.changed_data) & set(AUDIENCE_FIELDS):
            people_changed(person_ids=[obj.pk])


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "organisation", "file_name", "dry_run", "outcome", "rows"]
    list_filter = ["outcome", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PersonTransfer)
class PersonTransferAdmin(admin.ModelAdmin):
    list_display = ["transferred_at", "person", "from_organisation", "to_organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
