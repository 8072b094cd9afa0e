from django import forms


class ExtraClosureForm(forms.Form):
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
