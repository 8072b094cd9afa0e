"""The complaint's outcome, on the ticket work page. Shape only: the services decide what is allowed."""

from django import forms

from bluelamp.core.forms import text_area
from bluelamp.servicedesk.complaints.models import ComplaintOutcome

_area = text_area


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
