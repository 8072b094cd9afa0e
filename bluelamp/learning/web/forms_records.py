"""Forms for the learner record: an external or CPD record, and the history import upload.

The forms collect what was typed; the services (`bluelamp.learning.records`) decide what is valid
and say what is wrong, so that the web, the API and the command line give the same answers.
"""

from django import forms

from bluelamp.learning.records import EVIDENCE_ACCEPTED, MAX_HISTORY_BYTES


class ExternalRecordForm(forms.Form):
    title = forms.CharField(
        label="Course or activity",
        max_length=200,
        help_text="For example, “Advanced driver refresher” or “Safeguarding conference”",
        error_messages={"required": "Enter the name of the course or activity."},
    )
    provider = forms.CharField(
        label="Provider (optional)",
        max_length=200,
        required=False,
        help_text="Who ran it, for example the College of Policing or a university",
    )
    completed_on = forms.DateField(
        label="Date completed (YYYY-MM-DD)",
        help_text="For example, 2025-03-15 (15/03/2025 also works)",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Enter the date you completed it, for example 2025-03-15.",
            "invalid": "Enter the date as YYYY-MM-DD, for example 2025-03-15.",
        },
    )
    hours = forms.CharField(
        label="CPD hours (optional)", required=False, max_length=10, help_text="For example, 3.5"
    )
    score = forms.CharField(
        label="Score or mark, out of 100 (optional)",
        required=False,
        max_length=10,
        help_text="For example, 85",
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text=f"A certificate or letter: {EVIDENCE_ACCEPTED}",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea, max_length=2000)


class HistoryImportForm(forms.Form):
    organisation = forms.TypedChoiceField(coerce=int, label="Organisation")
    file = forms.FileField(
        label="Completions file (CSV)",
        help_text=(
            "Columns: staff_number or email; course_code or course_title; completed_on (YYYY-MM-DD "
            "or DD/MM/YYYY); optional score (0 to 100), version and provider."
        ),
        error_messages={"required": "Choose a CSV file to check."},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_HISTORY_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // (1024 * 1024)} MB; the limit is "
                f"{MAX_HISTORY_BYTES // (1024 * 1024)} MB. Split it into smaller files."
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                "The file must be a CSV file (.csv). In Excel, use Save As → CSV UTF-8."
            )
        return upload
