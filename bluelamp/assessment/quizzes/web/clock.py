"""What "now" is on the quiz pages: one place, so that tests fix it once
(`monkeypatch.setattr(clock, "now", ...)`) rather than in each page module."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
