"""Reading the audit log for a scope (the caller decides which organisations the reader may see)."""

import datetime as dt

from django.db.models import Q, QuerySet

from bluelamp.audit.models import AuditEvent


def audit_events(
    *,
    organisation_ids: set[int] | None,
    include_national: bool,
    action: str = "",
    actor_query: str = "",
    object_query: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    organisation_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """Events visible to a reader.

    organisation_ids=None means every organisation (a platform administrator); otherwise only
    events about those organisations, plus platform-wide events when include_national is set.
    """
    events = AuditEvent.objects.select_related("organisation")
    if organisation_ids is not None:
        scope = Q(organisation_id__in=organisation_ids)
        if include_national:
            scope |= Q(organisation__isnull=True)
        events = events.filter(scope)
    if organisation_id is not None:
        events = events.filter(organisation_id=organisation_id)
    if action:
        events = events.filter(action__startswith=action)
    if actor_query:
        events = events.filter(actor_label__icontains=actor_query)
    if object_query:
        events = events.filter(object_label__icontains=object_query)
    if since:
        events = events.filter(occurred_at__gte=since)
    if until:
        events = events.filter(occurred_at__lt=until)
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
