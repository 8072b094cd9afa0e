"""What "now" is on availability's pages: one place, so that tests fix it once
(`monkeypatch.setattr(clock, "now", ...)`)."""

import datetime as dt

from django.utils import timezone

from bluelamp.core.timefmt import london


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return london(now()).date()
