"""The forms of the learner's and tutors' programme pages. They check what a form can (a choice
from the list, a length); the services check the rest (is the programme open, is the cohort
full, is there a reason), and the views show their errors on these fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from bluelamp.core.forms import text_area
from bluelamp.programmes.messages import MAX_LENGTH

STATEMENT_LENGTH = 5000
REASON_LENGTH = 2000
MAX_INACTIVE_DAYS = 365


def _limit(field: forms.Field, length: int, label: str) -> None:
    """At most `length` characters, the error naming the field and how many were typed."""
    field.validators.append(MaxLengthValidator(length))
    field.error_messages["max_length"] = (
        f"{label} can be at most {length:,} characters: yours has %(show_value)d."
    )


class ApplyForm(forms.Form):
    """Applying for a programme: which cohort (optional) and why."""

    cohort = forms.ChoiceField(
        label="Cohort (optional)",
        required=False,
        help_text="When you would like to start. Your programme team can place you in another.",
        error_messages={
            "invalid_choice": "“%(value)s” is not a cohort of this programme you can join: choose one from the list"
        },
    )
    statement = text_area(
        "Why you are applying",
        help_text="How the programme fits your role and what you hope to get from it. Your line manager "
        "and the programme's administrators read this.",
        error="Enter why you are applying and how it fits your role",
        rows=6,
    )

    def __init__(self, *args, cohorts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.ChoiceField)
        cohort.choices = [("", "No preference"), *cohorts]
        _limit(self.fields["statement"], STATEMENT_LENGTH, "Why you are applying")


class MessageForm(forms.Form):
    """A message in a learner's thread."""

    body = text_area("Your message", error="Write your message", rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit(self.fields["body"], MAX_LENGTH, "Your message")


class WithdrawForm(forms.Form):
    """Leaving a programme (or withdrawing an application), with the reason kept on record."""

    reason = text_area(
        "Why you are leaving",
        help_text="Kept on your record with the programme, and read by its administrators.",
        error="Enter why you are leaving the programme",
        rows=4,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit(self.fields["reason"], REASON_LENGTH, "Why you are leaving")


class CaseloadFilterForm(forms.Form):
    """The tutor's caseload filters (a GET form: bookmarkable)."""

    inactive_days = forms.CharField(
        label="No activity for this many days",
        required=False,
        help_text="A learner counts as inactive after this many days without working on a unit or writing to you.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    at_risk = forms.BooleanField(label="Only learners at risk", required=False)

    def clean_inactive_days(self) -> int | None:
        value = self.cleaned_data["inactive_days"].strip()
        if not value:
            return None
        if not value.isdigit() or not 1 <= int(value) <= MAX_INACTIVE_DAYS:
            raise ValidationError(
                f"“{value}” is not a number of days: enter a whole number from 1 to {MAX_INACTIVE_DAYS}, like 21"
            )
        return int(value)
