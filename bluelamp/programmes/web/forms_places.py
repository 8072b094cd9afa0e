"""The forms of the administrators' places pages: deciding an application, placing someone,
allocating a tutor and concierge, the awarding body's registration, withdrawing, and marking
awards claimed. They check shape (a choice from the list, a real date, a length); the services
(bluelamp/programmes/places.py) decide what is allowed, and the views show their errors on these
fields (core.forms.add_service_errors)."""

from __future__ import annotations

import datetime as dt

from django import forms

from bluelamp.core.forms import EXAMPLE_DATE, UKDateField, text_area
from bluelamp.core.timefmt import format_date


def _choice(label: str, *, required: str, invalid: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=bool(required),
        error_messages={"required": required or "Choose one", "invalid_choice": invalid},
    )


class DecisionForm(forms.Form):
    """Approve or decline an application; an administrator also places it in a cohort."""

    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you approve or decline the application",
            "invalid_choice": "“%(value)s” is not a decision: choose approve or decline",
        },
    )
    cohort = _choice(
        "Cohort",
        required="",
        invalid="“%(value)s” is not one of the cohorts you run: choose one from the list",
        help_text="Their plan's due dates count from the cohort's start.",
    )
    note = text_area(
        "Note (needed when you decline)",
        help_text="The applicant reads it. Say why when you decline.",
        required=False,
        rows=4,
    )

    def __init__(self, *args, as_manager: bool, cohorts: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = [
            ("approve", "Support it: it goes to the programme's administrators" if as_manager else "Approve"),
            ("decline", "Decline"),
        ]
        if cohorts is None:
            del self.fields["cohort"]
        else:
            cohort = self.fields["cohort"]
            assert isinstance(cohort, forms.ChoiceField)
            cohort.choices = cohorts

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == "approve"


class PlaceAddForm(forms.Form):
    person = forms.CharField(
        label="Staff number or e-mail address",
        max_length=254,
        help_text="Of someone in the organisations you manage.",
        error_messages={
            "required": "Enter the staff number or e-mail address of the person to place",
            "max_length": "A staff number or e-mail address has at most %(limit_value)d characters: "
            "this one has %(show_value)d",
        },
    )
    cohort = _choice(
        "Cohort",
        required="",
        invalid="“%(value)s” is not one of the cohorts you run: choose one from the list",
        help_text="Their plan's due dates count from the cohort's start.",
    )

    def __init__(self, *args, cohorts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.ChoiceField)
        cohort.choices = [("", "No cohort (no due dates)"), *cohorts]


class AllocateForm(forms.Form):
    tutor = _choice(
        "Personal tutor",
        required="",
        invalid="That person cannot tutor this learner: choose someone from the list",
        help_text="Tutors and course managers of the learner's organisation.",
    )
    concierge = _choice(
        "Programme concierge",
        required="",
        invalid="That person cannot look after this learner: choose someone from the list",
        help_text="The programme's administrators, or tutors of the learner's organisation.",
    )

    def __init__(self, *args, tutors: list[tuple[str, str]], concierges: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in (("tutor", tutors), ("concierge", concierges)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "No one"), *choices]


class RegistrationForm(forms.Form):
    registration_number = forms.CharField(
        label="Registration number",
        required=False,
        max_length=40,
        help_text="As the awarding body gave it. Leave it empty to remove the registration.",
        error_messages={
            "max_length": "A registration number has at most %(limit_value)d characters: "
            "this one has %(show_value)d",
        },
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    registered_on = UKDateField(label="Date registered", what="the date registered", required=False)

    def clean(self):
        data = super().clean()
        if (
            data.get("registration_number")
            and not data.get("registered_on")
            and not self.has_error("registered_on")
        ):
            self.add_error(
                "registered_on",
                f"Enter the date the awarding body registered them, for example {EXAMPLE_DATE}",
            )
        return data


class WithdrawForm(forms.Form):
    reason = text_area(
        "Why are they leaving the programme?",
        help_text="Kept on their record.",
        error="Enter why they are leaving the programme",
        rows=4,
    )


class ClaimForm(forms.Form):
    """Mark awards claimed: the places ticked (or every one shown) and the day of the claim."""

    claimed_on = UKDateField(label="Date claimed", what="the date claimed")
    places = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a learner shown here: tick one from the list"},
    )
    which = forms.ChoiceField(
        choices=[("selected", "selected"), ("all", "all")],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, shown: list[str], today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = shown
        self.today = today
        places = self.fields["places"]
        assert isinstance(places, forms.MultipleChoiceField)
        places.choices = [(key, key) for key in shown]

    def clean_claimed_on(self):
        day = self.cleaned_data["claimed_on"]
        if day > self.today:
            raise forms.ValidationError(
                f"The date claimed, {format_date(day)}, is in the future: enter the day the claim was made"
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("which") == "all":
            data["chosen"] = list(self.shown)
        else:
            data["chosen"] = list(data.get("places") or [])
            if not data["chosen"] and not self.has_error("places"):
                self.add_error("places", "Tick the learners whose awards were claimed, or mark all shown")
        return data
