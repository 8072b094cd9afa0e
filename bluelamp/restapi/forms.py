from django import forms

from bluelamp.restapi.services import EXPIRY_CHOICES_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so that you can tell your tokens apart, e.g. “HR nightly sync”",
        error_messages={"required": "Enter a name that says what the token is for."},
    )
    expires_in_days = forms.ChoiceField(
        label="Expires after",
        widget=forms.RadioSelect,
        choices=[(str(days), f"{days} days") for days in EXPIRY_CHOICES_DAYS] + [("never", "Never")],
        initial="90",
        error_messages={"required": "Choose when the token expires."},
    )

    def clean_expires_in_days(self) -> int | None:
        value = self.cleaned_data["expires_in_days"]
        return None if value == "never" else int(value)
