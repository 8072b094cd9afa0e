"""Forms for a person's mandatory training: granting and revoking an exemption, extending a due
date. They check shape (a real date, a requirement from the list, the evidence file's type and
size); the services (bluelamp/compliance/services.py) decide what is allowed and say what is wrong
with the rest (an end before the start, an empty reason), so the web and the API answer alike.

Dates are GOV.UK date inputs: day, month and year in three boxes, with GOV.UK's error messages
("The start date must include a month", "… must be a real date").
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django import forms

from bluelamp.core.forms import text_area
from bluelamp.learning.api import EVIDENCE_ACCEPTED, EVIDENCE_TYPES, check_evidence

# --- GOV.UK date input ----------------------------------------------------------------------------

PARTS = ("day", "month", "year")


class DatePartsWidget(forms.MultiWidget):
    """Three text boxes, named <field>_day, <field>_month and <field>_year."""

    def __init__(self, attrs=None):
        super().__init__({part: forms.TextInput for part in PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DateInputField(forms.MultiValueField):
    """A date typed as day, month and year. `what` names it in messages ("the start date")."""

    widget = DatePartsWidget
    # Which of the three boxes the last error is about, for their red borders (none: all three).
    error_parts: tuple[str, ...] = ()

    def __init__(self, *, label: str, what: str, required: bool = True, help_text: str = "", **kwargs):
        self.what = what
        parts = [forms.CharField(required=False, strip=True) for _ in PARTS]
        super().__init__(
            fields=parts,
            require_all_fields=False,
            required=required,
            label=label,
            help_text=help_text or "For example, 27 3 2027",
            error_messages={"required": f"Enter {what}", "incomplete": f"Enter {what}"},
            **kwargs,
        )

    def clean(self, value):
        self.error_parts = ()
        return super().clean(value)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        values = dict(zip(PARTS, data_list, strict=True))
        missing = [part for part in PARTS if not values[part]]
        what = self.what[0].upper() + self.what[1:]
        example = "for example, 27 3 2027"
        if missing:
            self.error_parts = tuple(missing)
            listed = " and a ".join(missing)
            raise forms.ValidationError(f"{what} must include a {listed} ({example})")
        numbers = {}
        for part in PARTS:
            if not values[part].isdigit():
                self.error_parts = (part,)
                raise forms.ValidationError(
                    f"{what} must be written in numbers: the {part} {values[part]!r} is not a number ({example})"
                )
            numbers[part] = int(values[part])
        if len(values["year"]) != 4:
            self.error_parts = ("year",)
            raise forms.ValidationError(f"The year of {self.what} must include 4 numbers ({example})")
        try:
            return dt.date(numbers["year"], numbers["month"], numbers["day"])
        except (ValueError, OverflowError):
            self.error_parts = ("day", "month") if numbers["month"] <= 12 else ("month",)
            raise forms.ValidationError(
                f"{what} must be a real date: {values['day']} {values['month']} {values['year']} is not ({example})"
            ) from None


def date_input_params(bound) -> dict:
    """govukDateInput's parameters for a bound DateInputField: the typed values kept, the error on
    the form group and on the boxes it concerns (or all three)."""
    field = bound.field
    value = bound.value()
    if isinstance(value, dt.date) or value is None:
        value = field.widget.decompress(value)
    error_parts = getattr(field, "error_parts", ()) if bound.errors else ()
    # The error summary links to the field's id: the first box in error has it.
    first = next((part for part in PARTS if part in error_parts), PARTS[0])
    items = []
    for n, part in enumerate(PARTS):
        width = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
        flagged = bound.errors and (not error_parts or part in error_parts)
        items.append(
            {
                "name": f"{bound.html_name}_{part}",
                "id": bound.auto_id if part == first else f"{bound.auto_id}_{part}",
                "label": part.capitalize(),
                "value": value[n] or "",
                "classes": width + (" govuk-input--error" if flagged else ""),
            }
        )
    params = {
        "id": f"{bound.auto_id}-group",
        "fieldset": {"legend": {"text": bound.label, "classes": "govuk-fieldset__legend--s"}},
        "hint": {"text": str(field.help_text)} if field.help_text else None,
        "errorMessage": {"text": " ".join(bound.errors)} if bound.errors else None,
        "items": items,
    }
    return {k: v for k, v in params.items() if v is not None}


# --- evidence files: the same rules and messages as evidence on the learner record -------------


def evidence_content_type(file_name: str) -> str:
    extension = PurePath(file_name or "").suffix.lower().lstrip(".")
    return EVIDENCE_TYPES.get(extension, ("application/octet-stream",))[0]


# --- the forms ------------------------------------------------------------------------------------


def _requirement_field(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "Choose a requirement"), *choices],
        error_messages={
            "required": "Choose the requirement",
            "invalid_choice": "Choose one of the requirements in the list",
        },
    )


class ExemptionForm(forms.Form):
    requirement = forms.ChoiceField()
    reason = text_area(
        "Reason",
        help_text="Why they are excused. Keep health details to what the decision needs.",
        error="Enter the reason for the exemption",
        rows=4,
    )
    starts_on = DateInputField(label="Start date", what="the start date")
    ends_on = DateInputField(
        label="End date (optional)",
        what="the end date",
        required=False,
        help_text="Leave empty for an exemption without an end. For example, 27 3 2027",
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text=f"A letter or certificate: {EVIDENCE_ACCEPTED}",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
    )

    def __init__(self, *args, requirements: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"] = _requirement_field("Requirement", requirements)
        self.order_fields(["requirement", "reason", "starts_on", "ends_on", "evidence"])

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            check_evidence(upload)
        return upload

    def date_params(self, name: str) -> dict:
        return date_input_params(self[name])


class ExemptionRevokeForm(forms.Form):
    reason = text_area(
        "Why is the exemption being revoked?", error="Enter why the exemption is being revoked", rows=3
    )


class ExtensionForm(forms.Form):
    requirement = forms.ChoiceField()
    to_due_on = DateInputField(label="New due date", what="the new due date")
    reason = text_area("Reason", error="Enter the reason for the extension", rows=4)

    def __init__(self, *args, requirements: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"] = _requirement_field("Requirement", requirements)
        self.order_fields(["requirement", "to_due_on", "reason"])

    def date_params(self, name: str) -> dict:
        return date_input_params(self[name])
