"""For every domain's Django admin: record its edits in the audit log (exported by bluelamp.audit.api)."""

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
