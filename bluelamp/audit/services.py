"""Writing to the audit log. Every grant/revoke and privileged action calls `audit_record`."""

from typing import Any

from django.db import models
from django.utils import timezone

from bluelamp.audit.models import AuditEvent
from bluelamp.core.middleware import current_request_context

# Never stored in before/after, whatever a caller passes.
_SECRET_KEYS = {"password", "password1", "password2", "token", "secret", "key", "digest"}


def _clean(values: dict[str, Any] | None) -> dict[str, Any]:
    if not values:
        return {}
    cleaned = {}
    for key, value in values.items():
        if any(part in key.lower() for part in _SECRET_KEYS):
            continue
        if isinstance(value, models.Model):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif not isinstance(value, (str, int, float, bool, list, dict, type(None))):
            value = str(value)
        cleaned[key] = value
    return cleaned


def audit_record(
    *,
    actor,
    action: str,
    organisation=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call inside the writing transaction so that both land or neither does."""
    event = _event(
        actor=actor,
        action=action,
        organisation=organisation,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        before=before,
        after=after,
    )
    event.save()
    return event


def audit_record_many(
    *, actor, action: str, organisation=None, objects: list[models.Model], after: list[dict[str, Any]]
) -> None:
    """Append one event per object in a single insert (bulk writes such as units from an HR file)."""
    AuditEvent.objects.bulk_create(
        [
            _event(actor=actor, action=action, organisation=organisation, obj=obj, after=values)
            for obj, values in zip(objects, after, strict=True)
        ],
        batch_size=2000,
    )


def _event(
    *,
    actor,
    action,
    organisation=None,
    obj=None,
    object_type="",
    object_id="",
    object_label="",
    before=None,
    after=None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:300]
    context = current_request_context()
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent(
        occurred_at=timezone.now(),
        actor=actor_obj,
        actor_label=(f"{actor.get_full_name()} <{actor.email}>" if actor_obj else "system")[:300],
        organisation=organisation,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label[:300],
        before=_clean(before),
        after=_clean(after),
        ip_address=context.ip_address if context else None,
        user_agent=context.user_agent if context else "",
        request_id=context.request_id if context else "",
    )
