"""What "now" and "today" are on certificates' pages: one place, so that tests fix it once
(`monkeypatch.setattr(clock, "now", ...)`). Today is London's date: a certificate that expires
on 31 March is valid all that day in the UK, whatever the server's clock says in UTC."""

import datetime as dt

from django.utils import timezone

from bluelamp.core.timefmt import london


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return london(now()).date()
