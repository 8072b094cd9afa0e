"""What "now" and "today" are on changes' pages: one place, so that tests fix it once
(`monkeypatch.setattr(clock, "now", ...)`). Today is London's date: notice periods count UK days."""

import datetime as dt

from django.utils import timezone

from bluelamp.core.timefmt import london


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return london(now()).date()
