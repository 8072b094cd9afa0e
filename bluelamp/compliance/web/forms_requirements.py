"""The form a training administrator sets up a requirement with. It checks shape (numbers,
dates, staff numbers that exist) and turns what was typed into services.RequirementInput; the
service decides what may be saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q

from bluelamp.compliance.evaluation import national_body_ids
from bluelamp.compliance.models import Requirement
from bluelamp.compliance.services import CourseChoice, RequirementInput, people_in_scope
from bluelamp.compliance.web.wording import scope_in_words
from bluelamp.core.forms import DateInput, text_area
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.learning.api import Course
from bluelamp.organisations.api import Organisation, Unit
from bluelamp.people.api import Person, ranks_and_grades

# The fields that make up the audience: what "Preview who this applies to" reads.
AUDIENCE_FIELDS = (
    "audience",
    "units",
    "ranks",
    "job_roles",
    "started_from",
    "started_to",
    "in_requirements",
    "include",
    "exclude",
)
_COUNTED_IN_DAYS = (Requirement.FirstDueKind.JOINING, Requirement.FirstDueKind.START_DATE)


def _date(label: str, *, help_text: str = "", example: str = "31/03/2027") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=help_text,
        error_messages={"invalid": f"Enter {label.lower()} as a real date, for example {example}"},
    )


def _number(
    label: str,
    *,
    required: bool = False,
    min_value: int = 0,
    max_value: int = 3650,
    unit: str = "days",
    help_text: str = "",
    example: int = 30,
    initial: int | None = None,
) -> forms.IntegerField:
    what = label[0].lower() + label[1:]
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=max_value,
        initial=initial,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": f"Enter the {what} in {unit}, for example {example}",
            "invalid": f"Enter the {what} as a whole number of {unit}, for example {example}",
            "min_value": f"Enter {min_value} {unit} or more for the {what}",
            "max_value": f"Enter {max_value:,} {unit} or fewer for the {what}",
        },
    )


def _choose_several(label: str, *, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "%(value)s is not one of the choices: choose from the list"},
    )


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Choices:
    """What the form offers for one owner: courses, units, ranks and other requirements."""

    courses: list[Course]
    units: list[tuple[int, str]]
    ranks: list[str]
    requirements: list[tuple[int, str]]
    latest_version: dict[int, int] = field(default_factory=dict)  # course id -> latest published


def choices_for(owner: Organisation, requirement: Requirement | None = None, *, on: dt.date) -> Choices:
    """The owner's own and national published courses (and any the requirement already names),
    the owner's units by their full path (none for the national body: units are each force's
    own), the national ranks and grades and any others its people hold, and the other active
    requirements it may refer to."""
    owners = {owner.id, *national_body_ids()}
    linked = list(requirement.course_links.values_list("course_id", flat=True)) if requirement else []
    courses = list(
        Course.objects.filter(owner_id__in=owners)
        .filter(Q(status=Course.Status.PUBLISHED, current_version__isnull=False) | Q(id__in=linked))
        .select_related("current_version", "owner")
        .order_by("code", "id")
    )
    latest = {c.id: c.current_version.number for c in courses if c.current_version is not None}
    # Already linked first, in their saved order (the first is the one people are enrolled on).
    order = {course_id: n for n, course_id in enumerate(linked)}
    courses.sort(key=lambda c: (order.get(c.id, len(order)), c.code.casefold()))
    units: list[tuple[int, str]] = []
    if not owner.is_national_body:
        units = list(
            Unit.objects.filter(organisation=owner).order_by("full_path").values_list("id", "full_path")
        )
    held = (
        people_in_scope(owner, on=on)
        .filter(status=Person.Status.ACTIVE)
        .exclude(rank="")
        .order_by("rank")
        .values_list("rank", flat=True)
        .distinct()
    )
    # The national ranks and grades in their order (Constable first), then any others held or chosen.
    ranks: dict[str, str] = {}
    others_held = sorted(
        [*held, *(requirement.audience.get("ranks", []) if requirement else [])], key=str.casefold
    )
    for rank in [*ranks_and_grades(), *others_held]:
        ranks.setdefault(rank.strip().casefold(), rank.strip())
    others = Requirement.objects.filter(owner_id__in=owners).select_related("owner").order_by("code", "id")
    if requirement is not None:
        chosen = {
            *requirement.prerequisites.values_list("id", flat=True),
            *requirement.audience.get("requirements", []),
        }
        others = others.exclude(pk=requirement.pk).filter(
            Q(state=Requirement.State.ACTIVE) | Q(id__in=chosen)
        )
    else:
        others = others.filter(state=Requirement.State.ACTIVE)
    return Choices(
        courses=courses,
        units=units,
        ranks=list(ranks.values()),
        requirements=[(r.id, _requirement_label(r, owner)) for r in others],
        latest_version=latest,
    )


def _requirement_label(requirement: Requirement, owner: Organisation) -> str:
    label = f"{requirement.code} {requirement.title}"
    if requirement.owner_id != owner.id:
        label += f" ({requirement.owner.name})"
    if requirement.state == Requirement.State.RETIRED:
        label += " (retired)"
    return label


class OwnerForm(forms.Form):
    """Step one for those who manage more than one organisation: whose requirement it is."""

    owner = forms.ChoiceField(
        label="Who owns the requirement?",
        help_text="A national requirement applies in every force that holds the PL-P-200 licence.",
        error_messages={
            "required": "Choose who owns the requirement",
            "invalid_choice": "Choose who owns the requirement",
        },
    )

    def __init__(self, data=None, *, owners: list[Organisation]):
        super().__init__(data)
        _choice_field(self, "owner").choices = [
            ("", "Choose an organisation"),
            *[(o.slug, o.name) for o in owners],
        ]


class RequirementForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="A short reference unique within the owner, for example FA-REFRESH.",
        error_messages={
            "required": "Enter a code, for example FA-REFRESH",
            "max_length": "The code can be at most 40 characters",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the title",
            "max_length": "The title can be at most 200 characters",
        },
    )
    description = text_area(
        "Description (optional)", required=False, rows=3, help_text="What it is for and who decided it."
    )
    courses = forms.MultipleChoiceField(
        label="Courses that satisfy it",
        help_text="Completing any one of them meets the requirement. People enrolled automatically "
        "are enrolled on the first one chosen.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one course that satisfies the requirement",
            "invalid_choice": "%(value)s is not one of the courses offered: choose from the list",
        },
    )
    audience = forms.ChoiceField(
        label="Who must do it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the requirement applies to"},
    )
    units = _choose_several("Units", help_text="Each with everything below it.")
    ranks = _choose_several(
        "Ranks or grades", help_text="The national ranks and grades, then any others the owner's people hold."
    )
    job_roles = text_area(
        "Job roles", required=False, rows=3, help_text="One per line, as they are written in HR records."
    )
    started_from = _date("Employment started on or after", example="1/1/2024")
    started_to = _date("Employment started on or before", example="31/12/2024")
    in_requirements = _choose_several(
        "People in the audience of", help_text="Those another requirement applies to."
    )
    include = text_area(
        "Also include these people",
        required=False,
        rows=3,
        help_text="Staff numbers (or e-mail addresses), one per line: included whatever the rules say.",
    )
    exclude = text_area(
        "Leave out these people",
        required=False,
        rows=3,
        help_text="Staff numbers (or e-mail addresses), one per line: left out whatever the rules say.",
    )
    first_due_kind = forms.ChoiceField(
        label="When is it first due for someone who has never done it?",
        widget=forms.RadioSelect,
        choices=[
            (Requirement.FirstDueKind.JOINING, "A number of days after they join the audience"),
            (Requirement.FirstDueKind.START_DATE, "A number of days after their employment start"),
            (Requirement.FirstDueKind.DATE, "On a fixed date"),
        ],
        initial=Requirement.FirstDueKind.JOINING,
        error_messages={"required": "Choose when the requirement is first due"},
    )
    first_due_days = _number(
        "Number of days",
        help_text="After joining the audience, or after employment start, as chosen above (counted from "
        "joining for anyone whose start date is not recorded). 0 means straight away.",
        example=90,
    )
    first_due_date = _date("First due date", help_text="Only when it is due on a fixed date.")
    validity_months = _number(
        "Valid for (months)",
        min_value=1,
        max_value=240,
        unit="months",
        example=12,
        help_text="Leave empty if a completion never expires.",
    )
    window_days = _number(
        "Recertification window (days before expiry)",
        max_value=730,
        example=60,
        help_text="Completing it in these days before expiry extends from the old expiry, so nothing is lost. "
        "0 or empty: no window.",
    )
    due_soon_days = _number(
        "Due soon from (days before the due date)", required=True, max_value=365, initial=30, example=30
    )
    escalate_after_days = _number(
        "Tell training administrators after (days overdue)",
        required=True,
        min_value=1,
        max_value=365,
        initial=14,
        example=14,
    )
    prerequisites = _choose_several(
        "Prerequisites",
        help_text="Requirements someone must hold in date for this one to count; otherwise they are suspended.",
    )
    auto_enrol = forms.BooleanField(
        label="Enrol people automatically: they see it in My learning with its due date", required=False
    )

    def __init__(self, data=None, *, owner: Organisation, choices: Choices, on: dt.date, initial=None):
        super().__init__(data, initial=initial)
        self.owner, self.choice_data, self.on = owner, choices, on
        self.courses_by_id = {str(c.id): c for c in choices.courses}
        _choice_field(self, "courses").choices = [
            (str(c.id), f"{c.code} {c.title}" + ("" if c.owner_id == owner.id else f" ({c.owner.name})"))
            for c in choices.courses
        ]
        for course in choices.courses:
            self.fields[f"min_version_{course.id}"] = forms.IntegerField(
                label=f"Minimum version of {course.code} (optional)",
                required=False,
                min_value=1,
                help_text="Completions of earlier versions do not count. Leave empty for any version.",
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
                error_messages={
                    "invalid": f"Enter the minimum version of {course.code} as a whole number, for example 2",
                    "min_value": f"Enter a minimum version of {course.code} of 1 or more",
                },
            )
        _choice_field(self, "audience").choices = [
            ("all", f"Everyone in {scope_in_words(owner)}"),
            ("rules", "People who match the rules below"),
        ]
        if owner.is_national_body:
            del self.fields["units"]  # units are each force's own
        else:
            _choice_field(self, "units").choices = [(str(i), path) for i, path in choices.units]
        _choice_field(self, "ranks").choices = [(r, r) for r in choices.ranks]
        requirement_choices = [(str(i), label) for i, label in choices.requirements]
        _choice_field(self, "in_requirements").choices = requirement_choices
        _choice_field(self, "prerequisites").choices = requirement_choices
        self.include_ids: list[int] = []
        self.exclude_ids: list[int] = []

    # Fields and their parts, for the template.
    def min_version_fields(self):
        return {str(c.id): self[f"min_version_{c.id}"] for c in self.choice_data.courses}

    def clean_description(self) -> str:
        value = self.cleaned_data.get("description", "")
        found = text_errors(multiline=("description",), description=value)
        if found:
            raise forms.ValidationError(found["description"])
        return value

    def _people(self, name: str) -> list[int]:
        """Staff numbers (or e-mail addresses) turned into people of the owner's scope; any not
        found, or matching several people, are named in the error."""
        wanted = _lines(self.cleaned_data.get(name, ""))
        if not wanted:
            return []
        numbers = [w for w in wanted if "@" not in w]
        emails = [w for w in wanted if "@" in w]
        q = Q(staff_number__in=numbers) if numbers else Q(pk__in=[])
        for email in emails:
            q |= Q(email__iexact=email)
        found: dict[str, list[tuple[int, str]]] = {}
        for pid, number, email, organisation in (
            people_in_scope(self.owner, on=self.on)
            .filter(q)
            .values_list("id", "staff_number", "email", "organisation__name")
        ):
            if number in numbers:
                found.setdefault(number, []).append((pid, organisation))
            found.setdefault(email.casefold(), []).append((pid, organisation))
        unknown, several, ids = [], [], []
        for line in wanted:
            matches = found.get(line.casefold() if "@" in line else line, [])
            if not matches:
                unknown.append(line)
            elif len(matches) > 1:
                several.append(f"{line} ({', '.join(sorted(o for _, o in matches))})")
            else:
                ids.append(matches[0][0])
        problems = []
        if unknown:
            are = "is" if len(unknown) == 1 else "are"
            problems.append(f"{', '.join(unknown)} {are} not one of {_scope_people(self.owner)}")
        if several:
            problems.append(
                f"{'; '.join(several)}: that staff number is used in more than one force, "
                "so give their e-mail address instead"
            )
        if problems:
            raise forms.ValidationError(". ".join(problems))
        return sorted(set(ids))

    def clean_include(self) -> str:
        self.include_ids = self._people("include")
        return self.cleaned_data["include"]

    def clean_exclude(self) -> str:
        self.exclude_ids = self._people("exclude")
        return self.cleaned_data["exclude"]

    def clean(self):
        data = super().clean()
        for name, message in date_errors(
            **{k: data.get(k) for k in ("started_from", "started_to", "first_due_date")}
        ).items():
            self.add_error(name, message)
        start, end = data.get("started_from"), data.get("started_to")
        if start and end and start > end:
            self.add_error("started_to", "The latest start date must be on or after the earliest one")
        kind = data.get("first_due_kind")
        if (
            kind == Requirement.FirstDueKind.DATE
            and not data.get("first_due_date")
            and "first_due_date" not in self.errors
        ):
            self.add_error(
                "first_due_date", "Enter the date everyone is first due by, for example 31/03/2027"
            )
        if (
            kind in _COUNTED_IN_DAYS
            and data.get("first_due_days") is None
            and "first_due_days" not in self.errors
        ):
            self.add_error("first_due_days", "Enter the number of days, for example 90 (0 for straight away)")
        for course_id in data.get("courses", []):
            minimum = data.get(f"min_version_{course_id}")
            latest = self.choice_data.latest_version.get(int(course_id))
            course = self.courses_by_id[course_id]
            if minimum is not None and latest is not None and minimum > latest:
                self.add_error(
                    f"min_version_{course_id}",
                    f"{course.code} has published versions 1 to {latest}: enter one of those, or leave it empty",
                )
        return data

    # What the form says, for the service and the preview.

    def audience_data(self) -> dict:
        data = self.cleaned_data
        audience: dict = {"include": self.include_ids, "exclude": self.exclude_ids}
        if data.get("audience") == "all":
            audience["all"] = True
            return audience
        audience.update(
            units=[int(u) for u in data.get("units", [])],
            ranks=list(data.get("ranks", [])),
            job_roles=_lines(data.get("job_roles", "")),
            started_from=data["started_from"].isoformat() if data.get("started_from") else None,
            started_to=data["started_to"].isoformat() if data.get("started_to") else None,
            requirements=[int(r) for r in data.get("in_requirements", [])],
        )
        return audience

    def requirement_input(self) -> RequirementInput:
        data = self.cleaned_data
        kind = data["first_due_kind"]
        chosen = set(data["courses"])
        courses = [
            CourseChoice(course=c, min_version=data.get(f"min_version_{c.id}"))
            for c in self.choice_data.courses
            if str(c.id) in chosen
        ]
        prerequisite_ids = [int(r) for r in data.get("prerequisites", [])]
        return RequirementInput(
            code=data["code"],
            title=data["title"],
            description=data.get("description", ""),
            courses=courses,
            audience=self.audience_data(),
            first_due_kind=kind,
            first_due_days=(data.get("first_due_days") or 0) if kind in _COUNTED_IN_DAYS else 0,
            first_due_date=data.get("first_due_date") if kind == Requirement.FirstDueKind.DATE else None,
            validity_months=data.get("validity_months"),
            window_days=data.get("window_days") or 0,
            due_soon_days=data["due_soon_days"],
            escalate_after_days=data["escalate_after_days"],
            prerequisites=list(Requirement.objects.filter(id__in=prerequisite_ids).order_by("code")),
            auto_enrol=bool(data.get("auto_enrol")),
        )

    def service_field(self, key: str) -> str | None:
        """Where a service's error about `key` belongs on this form (None: the form as a whole)."""
        return key if key in self.fields else None

    def keep_only_audience_errors(self) -> None:
        """For a preview: only what is wrong with the audience is shown; the rest waits for Save."""
        for name in list(self.errors):
            if name not in AUDIENCE_FIELDS:
                del self.errors[name]


def _scope_people(owner: Organisation) -> str:
    if owner.is_national_body:
        return "the people of the forces that hold PL-P-200"
    return f"{owner.name}'s people"


def initial_for(requirement: Requirement) -> dict:
    """The form's starting values for a saved requirement (people named by staff number, or by
    e-mail address where they have none)."""
    audience = requirement.audience
    named = {*audience.get("include", []), *audience.get("exclude", [])}
    label = {}
    if named:
        for pid, number, email in Person.objects.filter(id__in=named).values_list(
            "id", "staff_number", "email"
        ):
            label[pid] = number if number and not requirement.owner.is_national_body else email
    kind = requirement.first_due_kind
    initial = {
        "code": requirement.code,
        "title": requirement.title,
        "description": requirement.description,
        "courses": [],
        "audience": "all" if audience.get("all") else "rules",
        "units": [str(u) for u in audience.get("units", [])],
        "ranks": list(audience.get("ranks", [])),
        "job_roles": "\n".join(audience.get("job_roles", [])),
        "started_from": audience.get("started_from"),
        "started_to": audience.get("started_to"),
        "in_requirements": [str(r) for r in audience.get("requirements", [])],
        "include": "\n".join(label[p] for p in audience.get("include", []) if p in label),
        "exclude": "\n".join(label[p] for p in audience.get("exclude", []) if p in label),
        "first_due_kind": kind,
        "first_due_days": requirement.first_due_days if kind in _COUNTED_IN_DAYS else None,
        "first_due_date": requirement.first_due_date,
        "validity_months": requirement.validity_months,
        "window_days": requirement.window_days,
        "due_soon_days": requirement.due_soon_days,
        "escalate_after_days": requirement.escalate_after_days,
        "prerequisites": [str(p) for p in requirement.prerequisites.values_list("id", flat=True)],
        "auto_enrol": requirement.auto_enrol,
    }
    for link in requirement.course_links.all():
        initial["courses"].append(str(link.course_id))
        initial[f"min_version_{link.course_id}"] = link.min_version
    return initial
