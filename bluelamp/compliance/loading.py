"""Requirements from a file (`bluelamp load-requirements FILE --org SLUG`).

The file is JSON or YAML: a mapping with a list under `requirements`, one item per requirement
(FORMAT below). Everything is checked first, each item and everything it names (units by their
paths as the HR import writes them, courses and prerequisites by code); then, in one transaction,
each requirement is created or updated by its code through services.requirement_save, so
audiences are evaluated and changes audited as from the pages. A file with any error writes
nothing and says, for each item at fault, its number and code, the field, and what is accepted.
Loading the same file again changes nothing: a requirement that already reads as the file says is
left alone ("unchanged"), without a save or an audit event.
"""

import datetime as dt
import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from bluelamp.compliance import audiences
from bluelamp.compliance.models import Requirement
from bluelamp.compliance.services import CourseChoice, RequirementInput, requirement_errors, requirement_save
from bluelamp.core.validation import date_errors
from bluelamp.learning.api import Course
from bluelamp.organisations.api import Organisation, Unit

FORMAT = """\
requirements:
  - code: FA-REFRESH                  # unique within the organisation; created or updated by it
    title: First aid refresher
    description: Optional text.
    courses: [FA-101, {code: FA-102, min_version: 2}]   # course codes: the organisation's or national
    audience:                         # different keys combine with AND, a key's values with OR
      units: ["East Division/Canterbury"]   # full unit paths, as in the HR file; each with all below it
      ranks: [Police Constable, Sergeant]
      job_roles: [Response officer]
      started_from: 2024-01-01        # employment start on or after / on or before
      started_to: 2024-12-31
      requirements: [TASER]           # people in the audience of these requirements (codes)
      # or  all: true                 # everyone in the organisation
    first_due: {days_after: joining, days: 90}  # or {days_after: start_date, days: N}, {date: YYYY-MM-DD}
    validity_months: 12               # null: never expires
    window_days: 60                   # recertification window before expiry
    due_soon_days: 30                 # optional (default 30)
    escalate_after_days: 14           # optional (default 14)
    auto_enrol: false                 # optional
    prerequisites: [FA-BASIC]         # requirement codes: in this file, or already loaded
"""

ITEM_KEYS = (
    "code",
    "title",
    "description",
    "courses",
    "audience",
    "first_due",
    "validity_months",
    "window_days",
    "due_soon_days",
    "escalate_after_days",
    "auto_enrol",
    "prerequisites",
)
REQUIRED_KEYS = ("code", "title", "courses", "audience", "first_due")
AUDIENCE_KEYS = ("all", "units", "ranks", "job_roles", "started_from", "started_to", "requirements")
DAYS_AFTER = (Requirement.FirstDueKind.JOINING.value, Requirement.FirstDueKind.START_DATE.value)
FIRST_DUE_ACCEPTED = (
    '{"days_after": "joining" or "start_date", "days": N} (N a whole number, 0 or more) '
    'or {"date": "YYYY-MM-DD"}'
)
# The service's field names as the file names them.
_FILE_FIELD = {"first_due_kind": "first_due", "first_due_days": "first_due", "first_due_date": "first_due"}


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file: with an item (its number from 1, its code), or the file."""

    number: int | None
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.number is None:
            return self.message
        item = f"requirement {self.number}" + (f" ({self.code})" if self.code else "")
        return f"{item}, {self.field}: {self.message}"


class LoadRefused(Exception):
    """The file was not loaded, and nothing was written; `problems` says why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class Loaded:
    action: str  # "created", "updated" or "unchanged"
    requirement: Requirement


@dataclass
class _Item:
    """One item of the file, read and checked, with what it names still as written."""

    number: int
    code: str
    values: dict  # RequirementInput's plain fields, as given (the rest take its defaults)
    courses: list[tuple[str, int | None]] = field(default_factory=list)
    audience: dict = field(default_factory=dict)  # with units as paths
    prerequisites: list[str] = field(default_factory=list)
    faulty: bool = False  # problems were found reading it


def _shown(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


# --- reading the file ------------------------------------------------------------------------


def parse(data: bytes, *, file_name: str = "") -> list:
    """The items under `requirements`; LoadRefused when the file is not JSON or YAML of that shape."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadRefused(
            [Problem(None, "", "", f"The file is not UTF-8 text (byte {exc.start}).")]
        ) from None
    name = file_name.lower()
    try:
        if name.endswith(".json"):
            document = json.loads(text)
        elif name.endswith((".yaml", ".yml")):
            document = yaml.safe_load(text)
        else:
            try:
                document = json.loads(text)
            except json.JSONDecodeError:
                document = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise LoadRefused(
            [
                Problem(
                    None,
                    "",
                    "",
                    f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        what = getattr(exc, "problem", None) or str(exc)
        raise LoadRefused([Problem(None, "", "", f"The file is not valid YAML: {what}{at}.")]) from None
    shape = 'The file must hold a mapping with a list under "requirements", e.g. {"requirements": [{"code": "FA-REFRESH", ...}]}'
    if not isinstance(document, dict) or "requirements" not in document:
        raise LoadRefused([Problem(None, "", "", shape + ".")])
    problems = [
        Problem(
            None,
            "",
            "",
            f'Unknown key "{key}" at the top of the file; the only key accepted is "requirements".',
        )
        for key in sorted(map(str, document))
        if key != "requirements"
    ]
    items = document["requirements"]
    if not isinstance(items, list):
        problems.append(Problem(None, "", "", f"{shape}, not {_shown(items)}."))
    elif not items:
        problems.append(
            Problem(None, "", "", 'The list under "requirements" is empty: there is nothing to load.')
        )
    if problems:
        raise LoadRefused(problems)
    return items


def _whole(value) -> int | None:
    """A whole number of 0 or more, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return None if date_errors(day=day) else day


def _read_item(number: int, raw, problems: list[Problem]) -> _Item | None:
    """The item, checked for shape and types; None (with its problems added) when it is not usable."""
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                number,
                "",
                "requirement",
                f"each requirement is a mapping of keys (code, title, ...), not {_shown(raw)}",
            )
        )
        return None
    code = raw.get("code")
    shown_code = code.strip() if isinstance(code, str) else ""
    found: list[Problem] = []

    def add(field_name: str, message: str) -> None:
        found.append(Problem(number, shown_code, field_name, message))

    for key in raw:
        if key not in ITEM_KEYS:
            add(str(key), f"unknown key; accepted: {', '.join(ITEM_KEYS)}")
    for key in REQUIRED_KEYS:
        if key not in raw:
            add(
                key,
                f"missing; every requirement needs {', '.join(REQUIRED_KEYS[:-1])} and {REQUIRED_KEYS[-1]}",
            )
    values: dict = {}
    for key in ("code", "title", "description"):
        if key in raw:
            if isinstance(raw[key], str):
                values[key] = raw[key]
            else:
                add(
                    key,
                    f"must be text (in quotes if it looks like a number or a date), not {_shown(raw[key])}",
                )
    if isinstance(code, str) and not shown_code:
        add("code", 'must not be empty; give a short code, e.g. "FA-REFRESH"')
    item = _Item(number=number, code=shown_code, values=values)

    if "courses" in raw:
        courses = raw["courses"]
        accepted = 'a list of course codes, each "FA-101" or {"code": "FA-101", "min_version": 2}'
        if not isinstance(courses, list) or not courses:
            add("courses", f"must be {accepted}, not {_shown(courses)}")
        else:
            for entry in courses:
                if isinstance(entry, str) and entry.strip():
                    item.courses.append((entry.strip(), None))
                elif isinstance(entry, dict) and isinstance(entry.get("code"), str) and entry["code"].strip():
                    unknown = sorted(set(map(str, entry)) - {"code", "min_version"})
                    minimum = entry.get("min_version")
                    if unknown:
                        add(
                            "courses",
                            f"{_shown(entry)}: unknown key {', '.join(unknown)}; accepted: code, min_version",
                        )
                    elif minimum is not None and (_whole(minimum) is None or _whole(minimum) == 0):
                        add(
                            "courses",
                            f"{_shown(entry)}: min_version must be a whole number, 1 or more, or left out",
                        )
                    else:
                        item.courses.append(
                            (entry["code"].strip(), None if minimum is None else _whole(minimum))
                        )
                else:
                    add("courses", f"{_shown(entry)} is not a course: give {accepted}")

    if "audience" in raw:
        _read_audience(raw["audience"], item, add)

    if "first_due" in raw:
        first_due = raw["first_due"]
        bad = f"{_shown(first_due)} is not accepted; give {FIRST_DUE_ACCEPTED}"
        if isinstance(first_due, dict) and set(map(str, first_due)) == {"days_after", "days"}:
            days = _whole(first_due["days"])
            if first_due["days_after"] not in DAYS_AFTER:
                add(
                    "first_due",
                    f'days_after {_shown(first_due["days_after"])} is not accepted; give "joining" or "start_date"',
                )
            elif days is None:
                add(
                    "first_due",
                    f"days {_shown(first_due['days'])} is not accepted; give a whole number of days, 0 or more",
                )
            else:
                values.update(first_due_kind=first_due["days_after"], first_due_days=days)
        elif isinstance(first_due, dict) and set(map(str, first_due)) == {"date"}:
            day = _date(first_due["date"])
            if day is None:
                add(
                    "first_due",
                    f"date {_shown(first_due['date'])} is not accepted; give a date as YYYY-MM-DD, from 1900 to 2200",
                )
            else:
                values.update(
                    first_due_kind=Requirement.FirstDueKind.DATE, first_due_days=0, first_due_date=day
                )
        else:
            add("first_due", bad)

    if "validity_months" in raw:
        months = raw["validity_months"]
        if months is None:
            values["validity_months"] = None
        elif _whole(months) is None:
            add(
                "validity_months",
                f"{_shown(months)} is not accepted; give a whole number of months (1 to 240), or null for no expiry",
            )
        else:
            values["validity_months"] = _whole(months)
    for key, unit in (("window_days", "days"), ("due_soon_days", "days"), ("escalate_after_days", "days")):
        if key in raw:
            number_given = _whole(raw[key])
            if number_given is None:
                add(key, f"{_shown(raw[key])} is not accepted; give a whole number of {unit}, 0 or more")
            else:
                values[key] = number_given
    if "auto_enrol" in raw:
        if isinstance(raw["auto_enrol"], bool):
            values["auto_enrol"] = raw["auto_enrol"]
        else:
            add("auto_enrol", f"{_shown(raw['auto_enrol'])} is not accepted; give true or false")
    if "prerequisites" in raw:
        wanted = raw["prerequisites"]
        if wanted is None:
            wanted = []
        if not isinstance(wanted, list) or not all(isinstance(c, str) and c.strip() for c in wanted):
            add(
                "prerequisites",
                f'must be a list of requirement codes, e.g. ["FA-BASIC"], not {_shown(wanted)}',
            )
        else:
            item.prerequisites = list(dict.fromkeys(c.strip() for c in wanted))
    problems.extend(found)
    item.faulty = bool(found)
    return item


def _read_audience(audience, item: _Item, add) -> None:
    example = '{"all": true} or {"ranks": ["Sergeant"], "units": ["East Division"]}'
    if not isinstance(audience, dict):
        add("audience", f"must be a mapping of rules, e.g. {example}, not {_shown(audience)}")
        return
    out: dict = {}
    for key, value in audience.items():
        if key not in AUDIENCE_KEYS:
            add("audience", f'unknown rule "{key}"; accepted: {", ".join(AUDIENCE_KEYS)}')
        elif key == "all":
            if value is not True:
                add("audience.all", f"{_shown(value)} is not accepted; give true, or leave it out")
            else:
                out["all"] = True
        elif key in ("units", "ranks", "job_roles", "requirements"):
            what = {
                "units": "unit paths",
                "ranks": "ranks or grades",
                "job_roles": "job roles",
                "requirements": "requirement codes (people in their audiences)",
            }[key]
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, str) and v.strip() for v in value)
            ):
                add(
                    f"audience.{key}",
                    f'must be a list of {what}, e.g. ["{_EXAMPLES[key]}"], not {_shown(value)}',
                )
            else:
                out[key] = [v.strip() for v in value]
        else:
            day = _date(value)
            if day is None:
                add(
                    f"audience.{key}",
                    f"{_shown(value)} is not accepted; give a date as YYYY-MM-DD, from 1900 to 2200",
                )
            else:
                out[key] = day.isoformat()
    item.audience = out


_EXAMPLES = {
    "units": "East Division/Canterbury",
    "ranks": "Sergeant",
    "job_roles": "Response officer",
    "requirements": "FA-BASIC",
}


# --- what the items name ---------------------------------------------------------------------


def _path_parts(path: str) -> list[str] | None:
    parts = [" ".join(part.split()) for part in path.strip().strip("/").split("/")]
    return parts if all(parts) else None


class _Lookups:
    """Units, courses and requirements the file may name, for the owner."""

    def __init__(self, owner: Organisation):
        self.owner = owner
        national = Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_BODY).first()
        self.owners = [owner.pk] + ([national.pk] if national and national.pk != owner.pk else [])
        self._units: dict[int, dict[str, tuple[int, str]]] = {}
        self._forces: dict[str, Organisation] | None = None

    def _units_of(self, organisation_id: int) -> dict[str, tuple[int, str]]:
        """An organisation's units by full path (folded): (id, full path)."""
        if organisation_id not in self._units:
            self._units[organisation_id] = {
                path.casefold(): (pk, path)
                for pk, path in Unit.objects.filter(organisation_id=organisation_id).values_list(
                    "pk", "full_path"
                )
            }
        return self._units[organisation_id]

    def _force_named(self, name: str) -> Organisation | None:
        if self._forces is None:
            self._forces = {}
            for organisation in Organisation.objects.exclude(kind=Organisation.Kind.NATIONAL_BODY):
                self._forces[organisation.name.casefold()] = organisation
                self._forces[organisation.slug.casefold()] = organisation
        return self._forces.get(name.casefold())

    def unit(self, path: str) -> tuple[int | None, str]:
        """The unit's id, or None and what is wrong. Paths are matched as the HR import matches
        them: every level, case and runs of spaces aside."""
        parts = _path_parts(path)
        if parts is None:
            return None, f'"{path}" has an empty level; write unit paths as "Division/Station/Team"'
        if self.owner.is_national_body:
            force = self._force_named(parts[0])
            if force is None or len(parts) == 1:
                return None, (
                    f'"{path}" does not name a force\'s unit: a national requirement names units as '
                    '"Force name/Unit path", e.g. "Kent Police/East Division"'
                )
            units, rest, where = self._units_of(force.pk), parts[1:], force
        else:
            units, rest, where = self._units_of(self.owner.pk), parts, self.owner
            # "Kent Police/East Division" names Kent's "East Division" (unless Kent has a unit
            # called "Kent Police" at the top).
            if (
                "/".join(rest).casefold() not in units
                and len(rest) > 1
                and rest[0].casefold() in {self.owner.name.casefold(), self.owner.slug.casefold()}
            ):
                rest = rest[1:]
        key = "/".join(rest).casefold()
        if key in units:
            return units[key][0], ""
        message = (
            f'no unit "{path}" in {where.name}; give its full path from the top, as the HR file names it'
        )
        # A path given from partway down ("Canterbury" for "East Division/Canterbury"), or a typo.
        close = [path for path in units if path.endswith("/" + key)][:1] or difflib.get_close_matches(
            key, list(units), n=1
        )
        if close:
            prefix = f"{where.name}/" if self.owner.is_national_body else ""
            message += f' (did you mean "{prefix}{units[close[0]][1]}"?)'
        return None, message

    def courses(self, codes: Iterable[str]) -> dict[str, Course]:
        """Courses by code (folded): the owner's own first, then the national body's."""
        wanted = {code.lower() for code in codes}
        found: dict[str, Course] = {}
        rank = {owner: n for n, owner in enumerate(self.owners)}
        for course in (
            Course.objects.annotate(folded=Lower("code"))
            .filter(owner_id__in=self.owners, folded__in=wanted)
            .order_by("pk")
        ):
            key = course.code.lower()
            if key not in found or rank[course.owner_id] < rank[found[key].owner_id]:
                found[key] = course
        return found

    def requirements(self) -> dict[str, Requirement]:
        """Saved requirements by code (folded): the owner's own first, then the national body's."""
        found: dict[str, Requirement] = {}
        for requirement in Requirement.objects.filter(owner_id__in=self.owners).select_related("owner"):
            key = requirement.code.lower()
            if key not in found or requirement.owner_id == self.owner.pk:
                found[key] = requirement
        return found

    def whose(self) -> str:
        if self.owner.is_national_body:
            return f"{self.owner.name}'s"
        return f"{self.owner.name}'s or the national body's"


# --- loading ---------------------------------------------------------------------------------


@dataclass
class _Plan:
    """An item ready to save, but for the requirements of the file it names (saved first)."""

    item: _Item
    data: RequirementInput
    existing: Requirement | None
    needs: list[str]  # codes (folded) of requirements of the file it names: saved before it
    prerequisites_in_file: list[str]
    audience_in_file: list[str]


def load_requirements(
    *, owner: Organisation, data: bytes, file_name: str = "", at: dt.datetime | None = None
) -> list[Loaded]:
    """Create or update the file's requirements for `owner` by code; what became of each, in the
    file's order. Raises LoadRefused, having written nothing, when anything in the file is wrong."""
    items = parse(data, file_name=file_name)
    problems: list[Problem] = []
    read = [_read_item(n, raw, problems) for n, raw in enumerate(items, start=1)]
    lookups = _Lookups(owner)
    saved = lookups.requirements()
    courses = lookups.courses(code for item in read if item for code, _ in item.courses)
    in_file = {item.code.lower() for item in read if item is not None and item.code}
    first_with_code: dict[str, _Item] = {}
    plans: list[_Plan] = []
    for item in read:
        if item is None:
            continue
        before = len(problems)

        def add(field_name: str, message: str, item: _Item = item) -> None:
            problems.append(Problem(item.number, item.code, field_name, message))

        key = item.code.lower()
        if key and key in first_with_code:
            add(
                "code",
                f"requirement {first_with_code[key].number} has the code {item.code}: give each code once",
            )
        elif key:
            first_with_code[key] = item
        choices = []
        for code, minimum in item.courses:
            course = courses.get(code.lower())
            if course is None:
                add("courses", f'no course with the code "{code}" among {lookups.whose()} courses')
            else:
                choices.append(CourseChoice(course, minimum))
        existing = saved.get(key) if key else None
        if existing is not None and existing.owner_id != owner.pk:
            existing = None  # the national body's has that code: this one is the owner's own

        def named(codes: list[str], field_name: str, add=add, key=key) -> tuple[list[str], list[Requirement]]:
            """Requirements named by code: those of the file, and those saved already."""
            of_file, of_saved = [], []
            for code in codes:
                folded = code.lower()
                if folded == key:
                    add(field_name, f"a requirement cannot name itself here ({code})")
                elif folded in in_file:
                    of_file.append(folded)
                elif folded in saved:
                    of_saved.append(saved[folded])
                else:
                    add(
                        field_name,
                        f'no requirement with the code "{code}" in this file or among '
                        f"{lookups.whose()} requirements",
                    )
            return of_file, of_saved

        prerequisites_in_file, prerequisites_saved = named(item.prerequisites, "prerequisites")
        audience = dict(item.audience)
        audience_in_file: list[str] = []
        if "requirements" in audience:
            audience_in_file, audience_saved = named(audience["requirements"], "audience.requirements")
            audience["requirements"] = [r.pk for r in audience_saved]
        if "units" in audience:
            ids = []
            for path in audience["units"]:
                unit_id, message = lookups.unit(path)
                if unit_id is None:
                    add("audience.units", message)
                else:
                    ids.append(unit_id)
            audience["units"] = ids
        if existing is not None:
            # People named in or out on the pages stay so: a file does not name people.
            audience.update({k: v for k, v in existing.audience.items() if k in ("include", "exclude")})
        if item.faulty or len(problems) > before:
            continue
        data_now = RequirementInput(
            **{"courses": choices, "audience": audience, **item.values, "prerequisites": prerequisites_saved}
        )
        # Checked now with what is saved already; the requirements of the file it names are
        # checked again when it is saved after them. (Only those in its audience rules: then
        # "all" stands for them, so that it is not taken for an audience without rules.)
        checked = data_now
        if audience_in_file and not audiences.has_rules(audience):
            checked = replace(data_now, audience={**audience, "all": True})
        for service_field, messages in requirement_errors(
            owner=owner, data=checked, requirement=existing
        ).items():
            for message in messages:
                add(_FILE_FIELD.get(service_field, service_field), message)
        plans.append(
            _Plan(
                item,
                data_now,
                existing,
                needs=[*prerequisites_in_file, *audience_in_file],
                prerequisites_in_file=prerequisites_in_file,
                audience_in_file=audience_in_file,
            )
        )
    order = _dependency_order(plans, problems)
    if problems:
        raise LoadRefused(sorted(problems, key=lambda p: p.number or 0))
    at = at or timezone.now()
    outcome: dict[int, Loaded] = {}
    with transaction.atomic():
        done: dict[str, Requirement] = {}
        for plan in order:
            data_now = plan.data
            if plan.needs:
                audience = dict(data_now.audience)
                if plan.audience_in_file:
                    audience["requirements"] = [
                        *audience.get("requirements", []),
                        *(done[code].pk for code in plan.audience_in_file),
                    ]
                data_now = replace(
                    data_now,
                    audience=audience,
                    prerequisites=[*data_now.prerequisites, *(done[c] for c in plan.prerequisites_in_file)],
                )
            if plan.existing is not None and _reads_as(plan.existing, data_now):
                done[plan.item.code.lower()] = plan.existing
                outcome[plan.item.number] = Loaded("unchanged", plan.existing)
                continue
            try:
                requirement = requirement_save(
                    actor=None, owner=owner, data=data_now, requirement=plan.existing, at=at
                )
            except ValidationError as exc:
                raise LoadRefused(
                    [
                        Problem(plan.item.number, plan.item.code, _FILE_FIELD.get(name, name), message)
                        for name, messages in exc.message_dict.items()
                        for message in messages
                    ]
                ) from None
            done[plan.item.code.lower()] = requirement
            outcome[plan.item.number] = Loaded("created" if plan.existing is None else "updated", requirement)
    return [outcome[number] for number in sorted(outcome)]


def _dependency_order(plans: list[_Plan], problems: list[Problem]) -> list[_Plan]:
    """The plans, each after the requirements of the file it names; a loop is a problem of each
    requirement on it."""
    by_code = {plan.item.code.lower(): plan for plan in plans}
    ordered: list[_Plan] = []
    state: dict[str, int] = {}
    looped: set[str] = set()

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2 or code not in by_code:
            return
        if state.get(code) == 1:
            loop = [*path[path.index(code) :], code]
            shown = " → ".join(by_code[c].item.code for c in loop)
            for member in loop[:-1]:
                if member not in looped:
                    looped.add(member)
                    plan = by_code[member]
                    problems.append(
                        Problem(
                            plan.item.number,
                            plan.item.code,
                            "prerequisites",
                            f"{shown} is a loop: a requirement cannot need itself, even through others",
                        )
                    )
            return
        state[code] = 1
        for needed in by_code[code].needs:
            visit(needed, [*path, code])
        state[code] = 2
        ordered.append(by_code[code])

    for plan in plans:
        visit(plan.item.code.lower(), [])
    return ordered


def _reads_as(requirement: Requirement, data: RequirementInput) -> bool:
    """Whether saving `data` would change nothing of `requirement`."""
    kind = data.first_due_kind
    return (
        requirement.code == data.code.strip()
        and requirement.title == data.title.strip()
        and requirement.description == data.description.strip()
        and requirement.audience == audiences.normalise(data.audience)
        and requirement.first_due_kind == kind
        and requirement.first_due_days == data.first_due_days
        and requirement.first_due_date
        == (data.first_due_date if kind == Requirement.FirstDueKind.DATE else None)
        and requirement.validity_months == data.validity_months
        and requirement.window_days == data.window_days
        and requirement.due_soon_days == data.due_soon_days
        and requirement.escalate_after_days == data.escalate_after_days
        and requirement.auto_enrol == data.auto_enrol
        and [(link.course_id, link.min_version) for link in requirement.course_links.all()]
        == [(choice.course.pk, choice.min_version) for choice in data.courses]
        and set(requirement.prerequisites.values_list("pk", flat=True)) == {p.pk for p in data.prerequisites}
    )
