"""What "now" is on the events pages: one place, so that tests fix it once."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
