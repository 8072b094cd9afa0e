"""A requirement's settings and audience in words, as its pages show them."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bluelamp.compliance.models import Requirement
from bluelamp.core.timefmt import format_date
from bluelamp.organisations.api import Organisation, Unit


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _either(values: Sequence[str]) -> str:
    """ "A", "A or B", "A, B or C"."""
    values = list(values)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " or " + values[-1]


def first_due_in_words(requirement: Requirement) -> str:
    kind, days = requirement.first_due_kind, requirement.first_due_days
    if kind == Requirement.FirstDueKind.DATE and requirement.first_due_date:
        return f"first due on {format_date(requirement.first_due_date)}"
    if kind == Requirement.FirstDueKind.START_DATE:
        return (
            f"first due {_plural(days, 'day')} after employment start "
            "(after joining the audience when no start date is recorded)"
        )
    if days == 0:
        return "first due on joining the audience"
    return f"first due {_plural(days, 'day')} after joining the audience"


def settings_in_words(requirement: Requirement) -> str:
    """ "Valid for 12 months; recertify in the 60 days before expiry; first due 90 days after
    joining the audience."""
    parts = []
    if requirement.validity_months is None:
        parts.append("Never expires once completed")
    else:
        parts.append(f"Valid for {_plural(requirement.validity_months, 'month')}")
        if requirement.window_days:
            parts.append(f"recertify in the {_plural(requirement.window_days, 'day')} before expiry")
        else:
            parts.append("recertifying early starts a new period from the day it is done")
    parts.append(first_due_in_words(requirement))
    return "; ".join(parts)


@dataclass(frozen=True)
class Names:
    """What an audience's ids stand for: unit paths and requirement codes."""

    units: dict[int, str]
    requirements: dict[int, str]


def names_for(requirements: Iterable[Requirement]) -> Names:
    """The names the audiences of `requirements` refer to, in two queries (or none)."""
    unit_ids: set[int] = set()
    requirement_ids: set[int] = set()
    for requirement in requirements:
        unit_ids.update(requirement.audience.get("units", []))
        requirement_ids.update(requirement.audience.get("requirements", []))
    units = dict(Unit.objects.filter(id__in=unit_ids).values_list("id", "full_path")) if unit_ids else {}
    codes = (
        dict(Requirement.objects.filter(id__in=requirement_ids).values_list("id", "code"))
        if requirement_ids
        else {}
    )
    return Names(units=units, requirements=codes)


def scope_in_words(owner: Organisation) -> str:
    if owner.is_national_body:
        return "every force that holds the PL-P-200 licence"
    return owner.name


def audience_in_words(audience: dict, *, owner: Organisation, names: Names) -> str:
    """ "Everyone in Kent Police", or "People in Kent Police in East (and everything below it),
    whose rank or grade is Constable or Sergeant; and 2 people named; except 1 person named"."""
    clauses = []
    if audience.get("units"):
        units = [names.units.get(u, f"a unit no longer there ({u})") for u in audience["units"]]
        below = "it" if len(units) == 1 else "them"
        clauses.append(f"in {_either(units)} (and everything below {below})")
    if audience.get("ranks"):
        clauses.append(f"whose rank or grade is {_either(audience['ranks'])}")
    if audience.get("job_roles"):
        clauses.append(f"whose job role is {_either(audience['job_roles'])}")
    started_from, started_to = audience.get("started_from"), audience.get("started_to")
    if started_from or started_to:
        start = format_date(dt.date.fromisoformat(started_from)) if started_from else ""
        end = format_date(dt.date.fromisoformat(started_to)) if started_to else ""
        if start and end:
            clauses.append(f"whose employment started between {start} and {end}")
        elif start:
            clauses.append(f"whose employment started on or after {start}")
        else:
            clauses.append(f"whose employment started on or before {end}")
    if audience.get("requirements"):
        codes = [
            names.requirements.get(r, f"a requirement no longer there ({r})")
            for r in audience["requirements"]
        ]
        clauses.append(f"who are in the audience of {_either(codes)}")
    scope = scope_in_words(owner)
    if audience.get("all") and not clauses:
        text = f"Everyone in {scope}"
    elif clauses:
        text = f"People in {scope} " + ", ".join(clauses)
    else:
        text = "Only the people named"
    included, excluded = len(audience.get("include", [])), len(audience.get("exclude", []))
    if included and (clauses or audience.get("all")):
        text += f"; and {_plural(included, 'person', 'people')} named"
    elif included:
        text += f": {_plural(included, 'person', 'people')}"
    if excluded:
        text += f"; except {_plural(excluded, 'person', 'people')} named"
    return text
