"""Audiences: who a requirement applies to, as rules over the master record.

An audience is a small JSON document on the requirement. Different keys combine with AND, the
values of one key with OR; `all: true` alone means everyone in the owner's scope; named people
are included or excluded whatever the rules say. Nobody who has left is in any audience.

    {"units": [12, 40]}                  people in unit 12 or 40, each with everything below it
    {"ranks": ["Constable", "Sergeant"]} people of either rank (or grade); case does not matter
    {"job_roles": ["Response officer"]}
    {"started_from": "2024-01-01", "started_to": "2024-12-31"}   by employment start date
    {"requirements": [3]}                people in the audience of requirement 3
    {"include": [person ids], "exclude": [person ids]}
"""

import datetime as dt
from dataclasses import dataclass, field

RULE_KEYS = ("units", "ranks", "job_roles", "started_from", "started_to", "requirements")
KEYS = ("all", *RULE_KEYS, "include", "exclude")


class AudienceError(ValueError):
    """An audience that cannot be used, with what is wrong and what is accepted."""


def _ids(value, key: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise AudienceError(f"audience {key!r} must be a list of ids, not {value!r}")
    return sorted(set(value))


def _names(value, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AudienceError(f"audience {key!r} must be a list of names, not {value!r}")
    return sorted({v.strip() for v in value}, key=str.casefold)


def _day(value, key: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise AudienceError(f"audience {key!r} must be a date as YYYY-MM-DD, not {value!r}") from None


def normalise(audience: dict) -> dict:
    """The audience as stored: only known keys, lists sorted, empty rules dropped. Raises
    AudienceError naming the key and the value when one is not accepted."""
    if not isinstance(audience, dict):
        raise AudienceError("an audience is a set of rules (a JSON object)")
    unknown = sorted(set(audience) - set(KEYS))
    if unknown:
        raise AudienceError(f"unknown audience rule {', '.join(unknown)}; accepted: {', '.join(KEYS)}")
    out: dict = {}
    if audience.get("all"):
        if audience["all"] is not True:
            raise AudienceError("audience 'all' must be true or left out")
        out["all"] = True
    for key in ("units", "requirements", "include", "exclude"):
        if audience.get(key):
            out[key] = _ids(audience[key], key)
    for key in ("ranks", "job_roles"):
        if audience.get(key):
            out[key] = _names(audience[key], key)
    for key in ("started_from", "started_to"):
        if audience.get(key):
            out[key] = _day(audience[key], key)
    if "started_from" in out and "started_to" in out and out["started_from"] > out["started_to"]:
        raise AudienceError("audience 'started_from' is after 'started_to'")
    if "all" in out and any(key in out for key in RULE_KEYS):
        del out["all"]  # the rules narrow it; "all" adds nothing
    return out


def has_rules(audience: dict) -> bool:
    return bool(audience.get("all")) or any(audience.get(key) for key in RULE_KEYS)


@dataclass(frozen=True)
class Facts:
    """What an audience may ask about a person."""

    id: int
    organisation_id: int
    unit_path: str | None
    rank: str
    job_role: str
    start_date: dt.date | None
    active: bool


@dataclass(frozen=True)
class Compiled:
    """An audience ready to match: unit ids turned into tree paths."""

    everyone: bool
    unit_paths: tuple[str, ...] | None
    ranks: frozenset[str] | None
    job_roles: frozenset[str] | None
    started_from: dt.date | None
    started_to: dt.date | None
    requirements: frozenset[int] | None
    include: frozenset[int] = field(default_factory=frozenset)
    exclude: frozenset[int] = field(default_factory=frozenset)

    @property
    def prerequisite_ids(self) -> frozenset[int]:
        return self.requirements or frozenset()


def compile_audience(audience: dict, unit_paths: dict[int, str]) -> Compiled:
    """`unit_paths` maps unit ids to their tree paths (a unit no longer there matches nobody)."""

    def folded(key: str) -> frozenset[str] | None:
        return frozenset(v.casefold() for v in audience[key]) if audience.get(key) else None

    started_from = audience.get("started_from")
    started_to = audience.get("started_to")
    return Compiled(
        everyone=bool(audience.get("all")),
        unit_paths=tuple(unit_paths[u] for u in audience["units"] if u in unit_paths)
        if audience.get("units")
        else None,
        ranks=folded("ranks"),
        job_roles=folded("job_roles"),
        started_from=dt.date.fromisoformat(started_from) if started_from else None,
        started_to=dt.date.fromisoformat(started_to) if started_to else None,
        requirements=frozenset(audience["requirements"]) if audience.get("requirements") else None,
        include=frozenset(audience.get("include") or ()),
        exclude=frozenset(audience.get("exclude") or ()),
    )


def matches(
    audience: Compiled, person: Facts, *, in_audience_of: set[int] | frozenset[int] = frozenset()
) -> bool:
    """Whether the person is in the audience (their organisation is already known to be in the
    requirement's scope). `in_audience_of`: requirements whose audience they are already in."""
    if not person.active or person.id in audience.exclude:
        return False
    if person.id in audience.include:
        return True
    ruled = False
    if audience.unit_paths is not None:
        ruled = True
        if not person.unit_path or not any(person.unit_path.startswith(p) for p in audience.unit_paths):
            return False
    if audience.ranks is not None:
        ruled = True
        if person.rank.casefold() not in audience.ranks:
            return False
    if audience.job_roles is not None:
        ruled = True
        if person.job_role.casefold() not in audience.job_roles:
            return False
    if audience.started_from is not None or audience.started_to is not None:
        ruled = True
        if person.start_date is None:
            return False
        if audience.started_from is not None and person.start_date < audience.started_from:
            return False
        if audience.started_to is not None and person.start_date > audience.started_to:
            return False
    if audience.requirements is not None:
        ruled = True
        if not audience.requirements & set(in_audience_of):
            return False
    return ruled or audience.everyone
