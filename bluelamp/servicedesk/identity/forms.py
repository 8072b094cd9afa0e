"""Identity checks and challenge codes, on the ticket work page. Shape only: the services decide
what is allowed."""

from django import forms

from bluelamp.core.forms import text_area
from bluelamp.servicedesk.identity.models import IdentityCheck
from bluelamp.servicedesk.identity.services import CODE_DIGITS

_area = text_area


class IdentityCheckForm(forms.Form):
    method = forms.ChoiceField(
        label="How did you verify the requester's identity?",
        choices=IdentityCheck.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you verified the requester's identity"},
    )
    notes = _area(
        "Notes (optional)",
        required=False,
        help_text="Do not write down the answers to security questions.",
        rows=2,
    )


class ChallengeCodeCheckForm(forms.Form):
    code = forms.CharField(
        label="Code the caller reads out",
        max_length=40,
        help_text=f"The {CODE_DIGITS} digits of the challenge-response code issued on this ticket, "
        "for example 1234 5678. Spaces do not matter.",
        error_messages={"required": f"Enter the {CODE_DIGITS}-digit code the caller reads out"},
    )
