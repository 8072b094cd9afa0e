"""The date rules of mandatory training, as pure functions (docs/decisions/0012-compliance-dates.md).

Nothing here reads the clock or the database: every rule takes the day it is asked about, so that
each can be tested on its own and the evaluation (evaluation.py) only gathers the facts.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bluelamp.core.timefmt import add_months

DUE_SOON_DAYS = 30

EXEMPT = "exempt"
SUSPENDED = "suspended"
COMPLIANT = "compliant"
DUE = "due"
OVERDUE = "overdue"
ASSIGNED = "assigned"
STATUSES = (COMPLIANT, DUE, OVERDUE, ASSIGNED, SUSPENDED, EXEMPT)


def expiry_of(
    completed_on: Iterable[dt.date], *, validity_months: int | None, window_days: int
) -> dt.date | None:
    """When the latest of a person's completions (in any order) runs out; None when they never
    completed or the requirement has no validity.

    A completion on c expires on c + V months. A completion inside the recertification window
    [expiry - W days, expiry] extends from the old expiry (expiry + V months), so recertifying early
    loses nothing; one before the window opens, or after expiry, starts again from its own date. A
    completion never takes away validity already earned (a second completion inside one window, a
    few days after the first, cannot shorten it).
    """
    if validity_months is None:
        return None
    expiry: dt.date | None = None
    for day in sorted(set(completed_on)):
        if expiry is not None and expiry - dt.timedelta(days=window_days) <= day <= expiry:
            expiry = add_months(expiry, validity_months)
        else:
            own = add_months(day, validity_months)
            expiry = own if expiry is None else max(expiry, own)
    return expiry


@dataclass(frozen=True)
class FirstDue:
    """When someone who has never completed is first due: `days` after joining the audience or
    after their employment start ("joining" / "start_date"), or on a fixed `date`."""

    kind: str  # "joining" | "start_date" | "date"
    days: int = 0
    date: dt.date | None = None

    def for_person(self, *, joined_on: dt.date, start_date: dt.date | None) -> dt.date:
        if self.kind == "date" and self.date is not None:
            return self.date
        if self.kind == "start_date" and start_date is not None:
            return start_date + dt.timedelta(days=self.days)
        # No start date on the record: counted from joining, so nobody is due before they joined.
        return joined_on + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class Standing:
    """Where one person stands on one requirement on one day."""

    status: str
    due_on: dt.date | None  # the expiry, or the first due date; moved by an extension
    expires_on: dt.date | None
    last_completed_on: dt.date | None
    in_date: bool  # holds an unexpired completion (or any, without validity): what prerequisites ask
    next_change_on: dt.date | None  # the next day the status changes if nothing else happens


@dataclass(frozen=True)
class Period:
    """An exemption: from `starts_on` to `ends_on` inclusive (open-ended when None)."""

    starts_on: dt.date
    ends_on: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class Extension:
    """A due date moved: while the due date is still `from_due_on`, it is `to_due_on` instead."""

    from_due_on: dt.date
    to_due_on: dt.date


def standing(
    *,
    on: dt.date,
    completed_on: Iterable[dt.date],
    validity_months: int | None,
    window_days: int,
    first_due: FirstDue,
    joined_on: dt.date,
    start_date: dt.date | None = None,
    due_soon_days: int = DUE_SOON_DAYS,
    exemptions: Iterable[Period] = (),
    extensions: Iterable[Extension] = (),
    prerequisites_in_date: bool = True,
    prerequisites_change_on: dt.date | None = None,
) -> Standing:
    """The status of a person for a requirement on day `on`, by the rules in this module's ADR:
    exempt, else suspended (in date on its own but a prerequisite is not), else compliant (in date
    and the due date more than `due_soon_days` away), due (the due date within that many days),
    overdue (the due date has passed, lapsed completions included), or assigned (never completed,
    first due more than `due_soon_days` away).

    Completions after `on` are not counted: the record as it stood that day.
    """
    days = sorted({day for day in completed_on if day <= on})
    last = days[-1] if days else None
    expires_on = expiry_of(days, validity_months=validity_months, window_days=window_days)
    if last is None:
        base_due: dt.date | None = first_due.for_person(joined_on=joined_on, start_date=start_date)
    else:
        base_due = expires_on  # None: completed, without validity: never due again
    due_on = base_due
    for extension in extensions:
        if (
            base_due is not None
            and extension.from_due_on == base_due
            and extension.to_due_on > (due_on or base_due)
        ):
            due_on = extension.to_due_on
    in_date = last is not None and (expires_on is None or on <= expires_on)

    exemption_list = list(exemptions)
    changes: list[dt.date] = []
    for period in exemption_list:
        if period.starts_on > on:
            changes.append(period.starts_on)
        if period.ends_on is not None and period.ends_on >= on:
            changes.append(period.ends_on + dt.timedelta(days=1))
    if expires_on is not None and expires_on >= on:
        changes.append(expires_on + dt.timedelta(days=1))  # in_date ends
    if due_on is not None:
        soon_from = due_on - dt.timedelta(days=due_soon_days)
        if soon_from > on:
            changes.append(soon_from)
        if due_on >= on:
            changes.append(due_on + dt.timedelta(days=1))
    if prerequisites_change_on is not None and prerequisites_change_on > on:
        changes.append(prerequisites_change_on)
    next_change_on = min(changes) if changes else None

    if any(period.covers(on) for period in exemption_list):
        status = EXEMPT
    elif in_date and not prerequisites_in_date:
        status = SUSPENDED
    elif due_on is None:
        status = COMPLIANT  # completed, no validity
    elif due_on < on:
        status = OVERDUE
    elif (due_on - on).days <= due_soon_days:
        status = DUE
    elif in_date:
        status = COMPLIANT
    else:
        # Never completed: assigned. A lapsed completion whose due date an extension moved on is
        # not compliant, only not yet overdue.
        status = ASSIGNED if last is None else DUE
    return Standing(
        status=status,
        due_on=due_on,
        expires_on=expires_on,
        last_completed_on=last,
        in_date=in_date,
        next_change_on=next_change_on,
    )
