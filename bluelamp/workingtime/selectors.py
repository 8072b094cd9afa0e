"""Reading extra closures."""

import datetime as dt

from django.db.models import QuerySet

from bluelamp.workingtime.calendar import DEFAULT_CALENDAR
from bluelamp.workingtime.models import ExtraClosure


def extra_closures(*, calendar: str | None = None) -> QuerySet[ExtraClosure]:
    """Extra closures (of one calendar, or all), earliest first, with who recorded them."""
    closures = ExtraClosure.objects.select_related("created_by").order_by("date", "calendar")
    return closures.filter(calendar=calendar) if calendar else closures


def extra_closure_dates(*, calendar: str = DEFAULT_CALENDAR) -> frozenset[dt.date]:
    """The dates of every extra closure of `calendar` (for its working-time calendar)."""
    return frozenset(ExtraClosure.objects.filter(calendar=calendar).values_list("date", flat=True))


def access_extra_closure(person, closure_id: int) -> ExtraClosure:
    """The closure, to someone who may manage closures; "not found" to anyone else."""
    from django.http import Http404

    from bluelamp.workingtime.services import may_manage_closures

    closure = ExtraClosure.objects.filter(pk=closure_id).first()
    if closure is None or not may_manage_closures(person):
        raise Http404("No such closure")
    return closure
