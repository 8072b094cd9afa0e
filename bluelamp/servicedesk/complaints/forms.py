"""The complaint's outcome, on the ticket work page. Shape only: the services decide what is allowed."""

from django import forms

from bluelamp.servicedesk.complaints.models import ComplaintOutcome


def _area(label, *, help_text="", required=True, error=None, rows=4):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": error or f"Enter {label.lower()}"},
    )


class ComplaintOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the complaint",
        choices=ComplaintOutcome.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose upheld, partly upheld or not upheld"},
    )
    outcome_text = _area(
        "What the investigation found and what was done",
        help_text="Sent to the requester with the resolution.",
        error="Enter what the investigation found and what was done",
    )
