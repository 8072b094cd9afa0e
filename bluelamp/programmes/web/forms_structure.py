"""The forms of building programmes and running cohorts. They check what a form can (a choice from
the list, a whole number, a real date, text on one line) and turn what was typed into the inputs
of bluelamp/programmes/structure.py; what belongs together (a unique code, a set's rule, a course
used once, a cohort not smaller than its people) is the services' to check, and the views show
their errors on these fields (core.forms.add_service_errors)."""

from __future__ import annotations

import datetime as dt

from django import forms

from bluelamp.core.forms import DateInput, WholeNumberField, text_area
from bluelamp.core.validation import date_errors, text_errors
from bluelamp.learning.api import Course
from bluelamp.organisations.api import Organisation
from bluelamp.programmes.models import Programme, UnitSet
from bluelamp.programmes.structure import ProgrammeInput, SetInput, UnitInput

# A cohort starts within a few years either side of now: a start in 1926 or 2226 is a typo.
EARLIEST_START = dt.date(2000, 1, 1)
LATEST_START = dt.date(2100, 12, 31)


def _text(label: str, *, max_length: int, help_text: str = "", required: bool = False, error: str = ""):
    """A one-line box whose "too long" error names the field and the length typed."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        error_messages={
            "required": error or f"Enter the {label.lower()}",
            "max_length": f"{label} can be at most %(limit_value)d characters: this one has %(show_value)d",
        },
    )


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _one_line_errors(form: forms.Form, *names: str, multiline: tuple[str, ...] = ()) -> None:
    """Refuse control characters (core.validation) on the fields named, each on its own field."""
    values = {
        name: form.cleaned_data.get(name) for name in names if isinstance(form.cleaned_data.get(name), str)
    }
    for name, message in text_errors(multiline=multiline, **values).items():
        form.add_error(name, message)


# --- the programme ------------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    """A programme's details (structure.ProgrammeInput); creating one also asks whose it is."""

    owner = forms.ChoiceField(
        label="Owner",
        help_text="The organisation whose programme it is. A national programme is open to every force "
        "with national content; a force's own is for its own people.",
        error_messages={
            "required": "Choose the organisation whose programme it is",
            "invalid_choice": "“%(value)s” is not an organisation you may make programmes for: choose one "
            "from the list",
        },
    )
    code = _text(
        "Code",
        max_length=40,
        required=True,
        help_text="A short reference, unique within the owner: letters, digits and hyphens, e.g. CMI-L7-CERT.",
        error="Enter the programme's code, e.g. CMI-L7-CERT",
    )
    title = _text("Title", max_length=200, required=True, error="Enter the programme's title")
    summary = text_area(
        "Summary (optional)",
        help_text="Who it is for and what it leads to: the catalogue shows it to learners.",
        required=False,
        rows=4,
    )
    level = _text("Level (optional)", max_length=40, help_text="For example, Level 7.")
    awarding_body = _text(
        "Awarding body (optional)",
        max_length=120,
        help_text="For example, CMI. Leave it empty for a pathway that leads to no qualification.",
    )
    qualification_size = forms.ChoiceField(
        label="Size of the qualification",
        choices=Programme.Size.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the size of the qualification",
            "invalid_choice": "“%(value)s” is not a size: choose award, certificate, diploma, degree or pathway",
        },
    )
    credit_total = WholeNumberField(
        label="Credits needed (optional)",
        help_text="The credits the qualification needs, e.g. 20. Leave it empty if it is not credit-rated.",
        what="a number of credits",
        accepted="enter a whole number from 1 to 1000, or leave it empty",
    )
    applications_open = forms.BooleanField(
        label="Learners may apply",
        help_text="Their line manager and then a programme administrator approve each application.",
        required=False,
    )
    contact_email = forms.EmailField(
        label="Programme concierge's e-mail address (optional)",
        help_text="Learners see it on their programme page.",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter the e-mail address in the right format, like name@example.police.uk",
            "max_length": "An e-mail address has at most %(limit_value)d characters: this one has %(show_value)d",
        },
    )

    def __init__(self, *args, owners: list[Organisation] | None = None, **kwargs):
        """`owners`: the organisations to choose from when creating (None: changing a programme,
        whose owner stays). With one, it is not asked."""
        super().__init__(*args, **kwargs)
        self.owners = {str(o.pk): o for o in owners or []}
        if len(self.owners) < 2:
            del self.fields["owner"]
        else:
            _choice_field(self, "owner").choices = [
                ("", "Choose an organisation"),
                *[(pk, o.name) for pk, o in self.owners.items()],
            ]

    def clean_owner(self) -> Organisation:
        return self.owners[self.cleaned_data["owner"]]

    def clean(self):
        cleaned = super().clean()
        _one_line_errors(self, "code", "title", "level", "awarding_body", "summary", multiline=("summary",))
        return cleaned

    def chosen_owner(self) -> Organisation:
        """The owner chosen, or the only one there was to choose."""
        if "owner" in self.fields:
            return self.cleaned_data["owner"]
        return next(iter(self.owners.values()))

    def programme_input(self) -> ProgrammeInput:
        data = self.cleaned_data
        return ProgrammeInput(
            code=data["code"],
            title=data["title"],
            summary=data["summary"],
            level=data["level"],
            awarding_body=data["awarding_body"],
            qualification_size=data["qualification_size"],
            credit_total=data["credit_total"],
            applications_open=data["applications_open"],
            contact_email=data["contact_email"],
        )

    @staticmethod
    def initial_of(programme: Programme) -> dict:
        return {
            "code": programme.code,
            "title": programme.title,
            "summary": programme.summary,
            "level": programme.level,
            "awarding_body": programme.awarding_body,
            "qualification_size": programme.qualification_size,
            "credit_total": "" if programme.credit_total is None else str(programme.credit_total),
            "applications_open": programme.applications_open,
            "contact_email": programme.contact_email,
        }


# --- sets and units -----------------------------------------------------------------------------


class SetForm(forms.Form):
    """A set of units and its rule (structure.SetInput)."""

    title = _text(
        "Set's title", max_length=200, required=True, error="Enter the set's title, e.g. Mandatory units"
    )
    description = text_area(
        "Description (optional)",
        help_text="What the set is for, as learners read it, e.g. Choose one of these.",
        required=False,
        rows=2,
    )
    rule = forms.ChoiceField(
        label="What a learner must complete",
        choices=UnitSet.Rule.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what a learner must complete of the set",
            "invalid_choice": "“%(value)s” is not a rule: choose every unit, a number of units or a number "
            "of credits",
        },
    )
    required_units = WholeNumberField(
        label="Number of units (for “at least a number of units”)",
        help_text="For example, 2: any 2 of the set's units.",
        what="a number of units",
        accepted="enter a whole number, 1 or more",
        most=1000,
    )
    required_credits = WholeNumberField(
        label="Number of credits (for “at least a number of credits”)",
        help_text="For example, 14: units of the set carrying 14 credits or more between them.",
        what="a number of credits",
        accepted="enter a whole number, 1 or more",
        most=10_000,
    )
    sequence = forms.ChoiceField(
        label="Order",
        choices=[
            (UnitSet.Sequence.ANY_ORDER, "In any order"),
            (UnitSet.Sequence.IN_ORDER, "In order: each unit opens when the one before it is complete"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the units are taken in order or in any order",
            "invalid_choice": "“%(value)s” is not an order: choose in order or in any order",
        },
    )

    def clean(self):
        cleaned = super().clean()
        _one_line_errors(self, "title", "description", multiline=("description",))
        return cleaned

    def set_input(self) -> SetInput:
        data = self.cleaned_data
        return SetInput(
            title=data["title"],
            description=data["description"],
            rule=data["rule"],
            required_units=data["required_units"],
            required_credits=data["required_credits"],
            sequence=data["sequence"],
        )

    @staticmethod
    def initial_of(unit_set: UnitSet | None) -> dict:
        if unit_set is None:
            return {"rule": UnitSet.Rule.ALL, "sequence": UnitSet.Sequence.ANY_ORDER}
        return {
            "title": unit_set.title,
            "description": unit_set.description,
            "rule": unit_set.rule,
            "required_units": "" if unit_set.required_units is None else str(unit_set.required_units),
            "required_credits": "" if unit_set.required_credits is None else str(unit_set.required_credits),
            "sequence": unit_set.sequence,
        }


def _credits() -> WholeNumberField:
    return WholeNumberField(
        label="Credits",
        help_text="What the unit carries toward the qualification; 0 if none.",
        required=True,
        what="a number of credits",
        accepted="enter a whole number from 0 to 500",
        error_messages={"required": "Enter the unit's credits, 0 if it carries none"},
    )


def _due_after_days() -> WholeNumberField:
    return WholeNumberField(
        label="Due after (days, optional)",
        help_text="Days after the cohort starts, e.g. 60. Leave it empty for no due date.",
        what="a number of days",
        accepted="enter a whole number from 0 to 3650, or leave it empty",
    )


class UnitForm(forms.Form):
    """A unit's credits and due date; adding one also asks which course it is."""

    course = forms.ChoiceField(
        label="Course",
        help_text="A published course of the programme's owner, or a national one.",
        error_messages={
            "required": "Choose the unit's course",
            "invalid_choice": "“%(value)s” is not a course you can add here: choose a published course from "
            "the list (each course is a unit once in a version)",
        },
    )
    credits = _credits()
    due_after_days = _due_after_days()

    def __init__(
        self, *args, courses: list[Course] | None = None, owner: Organisation | None = None, **kwargs
    ):
        """`courses`: those to choose from when adding a unit (None: changing one, whose course
        stays); a national course is labelled as such on a force's programme."""
        super().__init__(*args, **kwargs)
        self.courses = {str(c.uuid): c for c in courses or []}
        if courses is None:
            del self.fields["course"]
            return
        choices = [("", "Choose a course")]
        for course in self.courses.values():
            text = f"{course.code} {course.title}"
            if owner is not None and course.owner_id != owner.pk:
                text += f" ({course.owner.name})"
            choices.append((str(course.uuid), text))
        _choice_field(self, "course").choices = choices

    def clean_course(self) -> Course:
        return self.courses[self.cleaned_data["course"]]

    def unit_input(self) -> UnitInput:
        data = self.cleaned_data
        return UnitInput(
            course=data["course"], credits=data["credits"], due_after_days=data["due_after_days"]
        )


class PublishForm(forms.Form):
    notes = text_area(
        "What changed (optional)",
        help_text="For the programme's administrators and the record, e.g. Unit 705 added as an option.",
        required=False,
        rows=3,
    )

    def clean(self):
        cleaned = super().clean()
        _one_line_errors(self, "notes", multiline=("notes",))
        return cleaned


# --- cohorts -------------------------------------------------------------------------------------


class CohortForm(forms.Form):
    """A cohort's name, start and size; creating one also asks where, when there is a choice."""

    organisation = forms.ChoiceField(
        label="Organisation",
        help_text="Whose people the cohort is for.",
        error_messages={
            "required": "Choose the organisation whose people the cohort is for",
            "invalid_choice": "“%(value)s” is not an organisation where you run this programme: choose one "
            "from the list",
        },
    )
    name = _text(
        "Cohort's name", max_length=120, required=True, error="Enter the cohort's name, e.g. Spring 2027"
    )
    starts_on = forms.DateField(
        label="Starts on",
        help_text="Its people's due dates count from this day. For example, 2/3/2027.",
        widget=DateInput,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Enter the day the cohort starts",
            "invalid": "Enter the start as a real date, for example 2/3/2027",
        },
    )
    places = WholeNumberField(
        label="Places (optional)",
        help_text="The most people it takes. Leave it empty for no limit.",
        what="a number of places",
        accepted="enter a whole number, 1 or more, or leave it empty for no limit",
        most=100_000,
    )

    def __init__(self, *args, organisations: list[Organisation] | None = None, **kwargs):
        """`organisations`: where the cohort may be, when creating one (None: changing one, which
        stays where it is). With one, it is not asked."""
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations or []}
        if len(self.organisations) < 2:
            del self.fields["organisation"]
        else:
            _choice_field(self, "organisation").choices = [
                ("", "Choose an organisation"),
                *[(pk, o.name) for pk, o in self.organisations.items()],
            ]

    def clean_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]

    def clean_places(self) -> int | None:
        places = self.cleaned_data["places"]
        if places == 0:
            # The service refuses it when creating, not when changing: say so in both.
            raise forms.ValidationError("0 places: enter 1 or more, or leave it empty for no limit")
        return places

    def clean(self):
        cleaned = super().clean()
        _one_line_errors(self, "name")
        for name, message in date_errors(
            earliest=EARLIEST_START, latest=LATEST_START, starts_on=cleaned.get("starts_on")
        ).items():
            self.add_error(name, message)
        return cleaned

    def chosen_organisation(self) -> Organisation:
        if "organisation" in self.fields:
            return self.cleaned_data["organisation"]
        return next(iter(self.organisations.values()))
