"""How much notice licensees get of a release, and the earliest day a release may go live.

The service management intent (seeds/000, "Release notice periods") sets minimum notice by the
kind of release: minor 5, significant 15, major 30 working days; a change to the overall
infrastructure (such as the minimum technical requirements for computers) or to the
implementation and execution of training programmes, 3 months.

Counting (one reading, written down so that the pages, the services and `bluelamp
release-earliest` give the same day):
  * Working days are England & Wales working days: weekends, bank holidays and the extra
    closures recorded in the working-time calendar do not count.
  * The day the notice is sent never counts, whatever time it was sent. A release may go live on
    the N-th working day after it, or later.
  * Three months: the same day of the month three months later, or that month's last day where
    the day does not exist (30 November → 28 or 29 February); moved to the next working day if it
    is not one.

All arithmetic is the working-time module's; this module only says which rule applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from bluelamp.workingtime.api import (
    Calendar,
    add_calendar_months,
    default_calendar,
    working_day_on_or_after,
    working_days_after,
)


class ReleaseType(models.TextChoices):
    MINOR = "minor", "Minor"
    SIGNIFICANT = "significant", "Significant"
    MAJOR = "major", "Major"
    INFRASTRUCTURE = "infrastructure", "Infrastructure change"
    TRAINING_PROGRAMME = "training_programme", "Training-programme change"


@dataclass(frozen=True)
class NoticeRule:
    """A kind of release: its notice period and, from the seed's table, what it means to whom."""

    working_days: int | None  # None: calendar months instead
    months: int | None
    change_type: str
    licensee_impact: str
    contact_centre_impact: str
    business_admin_impact: str

    @property
    def period(self) -> str:
        if self.working_days is not None:
            return f"{self.working_days} working days"
        return f"{self.months} months"


# The seed's table, word for word (seeds/000, "Release notice periods"); it has no row for
# infrastructure or training-programme changes, only their 3 months' notice.
_INFRASTRUCTURE = (
    "Where a change affects the overall infrastructure (such as a change in the minimum technical "
    "requirements for computers) or the implementation and execution of training programmes DDaT will "
    "provide 3 months' notice of such change."
)
RULES: dict[str, NoticeRule] = {
    ReleaseType.MINOR: NoticeRule(
        5,
        None,
        "Cosmetic changes, Bug Fixes, small scale functionality or usability changes",
        "No action or should be able to explain the change to customers",
        "May receive a small number of calls and may need to explain the change",
        "No action required",
    ),
    ReleaseType.SIGNIFICANT: NoticeRule(
        15,
        None,
        "Significant changes to functionality in some areas",
        "Needs to understand the changes and plan for the effects",
        "May receive large numbers of calls and need to explain the change. May need training.",
        "May need to make small adjustments to operations",
    ),
    ReleaseType.MAJOR: NoticeRule(
        30,
        None,
        "Significant changes affecting core functionality or large customer population",
        "Need to understand the changes and plan for the effects",
        "May receive large numbers of calls and need to explain the change. May need training.",
        "May need to make significant changes to operations or allocate extra resources to cope",
    ),
    ReleaseType.INFRASTRUCTURE: NoticeRule(None, 3, _INFRASTRUCTURE, "", "", ""),
    ReleaseType.TRAINING_PROGRAMME: NoticeRule(None, 3, _INFRASTRUCTURE, "", "", ""),
}


def rule_for(release_type: str) -> NoticeRule:
    try:
        return RULES[release_type]
    except KeyError:
        accepted = ", ".join(ReleaseType.values)
        raise ValueError(f"{release_type!r} is not a kind of release: use one of {accepted}") from None


def earliest_release_day(
    release_type: str, notice_on: dt.date, *, calendar: Calendar | None = None
) -> dt.date:
    """The first day a release of this type may go live when its notice is sent on `notice_on`
    (England & Wales working days, extra closures included, unless a calendar is given)."""
    rule = rule_for(release_type)
    calendar = calendar or default_calendar()
    if rule.working_days is not None:
        return working_days_after(notice_on, rule.working_days, calendar=calendar)
    assert rule.months is not None
    return working_day_on_or_after(add_calendar_months(notice_on, rule.months), calendar=calendar)
