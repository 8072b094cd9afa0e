from django import forms

from bluelamp.workingtime.calendar import CALENDARS, DEFAULT_CALENDAR


class ExtraClosureForm(forms.Form):
    calendar = forms.ChoiceField(
        label="Calendar",
        choices=[(name, label) for name, (label, _) in CALENDARS.items()],
        initial=DEFAULT_CALENDAR,
        required=False,
        help_text="The service desk and national services work to England and Wales",
    )
    date = forms.DateField(
        label="Date (YYYY-MM-DD)",
        help_text="A weekday, today or later, that is not already a bank holiday. For example, 2027-03-26",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2027-03-26"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="Staff see this next to the date, for example “State funeral”",
        error_messages={"required": "Enter the reason for the closure"},
    )

    def clean_calendar(self):
        return self.cleaned_data.get("calendar") or DEFAULT_CALENDAR
