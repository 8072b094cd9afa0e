"""Reading service-desk records."""

import datetime as dt

from django.db.models import QuerySet

from bluelamp.servicedesk.models import ExtraClosure


def extra_closures() -> QuerySet[ExtraClosure]:
    """Every extra closure, earliest first, with who recorded it."""
    return ExtraClosure.objects.select_related("created_by").order_by("date")


def extra_closure_dates() -> frozenset[dt.date]:
    """The dates of every extra closure (for the working-time calendar)."""
    return frozenset(ExtraClosure.objects.values_list("date", flat=True))
