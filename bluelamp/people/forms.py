from django import forms

from bluelamp.people.models import Person
from bluelamp.people.ranks import ranks_and_grades


class PersonFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name, e-mail or staff number")
    organisation = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Organisation")
    unit = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Unit (and below)")
    rank = forms.ChoiceField(required=False, label="Rank or grade")
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "Any")] + list(Person.Status.choices)
    )

    def __init__(self, *args, organisations, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Any")] + [(o.pk, o.name) for o in organisations]
        self.fields["unit"].choices = [("", "Any")] + [(u.pk, u.full_path) for u in units]
        self.fields["rank"].choices = [("", "Any")] + [(r, r) for r in ranks_and_grades()]
        if len(self.fields["organisation"].choices) <= 2:
            del self.fields["organisation"]


class PersonForm(forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    email = forms.EmailField(label="Work e-mail address")
    staff_number = forms.CharField(max_length=30, required=False, label="Staff or collar number")
    unit = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Unit")
    rank = forms.ChoiceField(required=False, label="Rank or grade")
    job_role = forms.CharField(max_length=200, required=False, label="Job role")
    line_manager = forms.CharField(
        required=False, label="Line manager's staff number", help_text="Leave empty for none"
    )
    employment_start_date = forms.DateField(
        required=False, label="Employment start date", help_text="YYYY-MM-DD, e.g. 2021-09-06"
    )
    status = forms.ChoiceField(choices=Person.Status.choices, label="Status", widget=forms.RadioSelect)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "None")] + [(u.pk, u.full_path) for u in units]
        self.fields["rank"].choices = [("", "None")] + [(r, r) for r in ranks_and_grades()]


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role")
    where = forms.ChoiceField(
        label="Where", help_text="A role held at a unit covers that unit and everything below it."
    )
    reason = forms.CharField(max_length=300, required=False, label="Reason (optional)")

    def __init__(self, *args, roles, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role")] + roles
        self.fields["where"].choices = places


class ImportForm(forms.Form):
    organisation = forms.TypedChoiceField(coerce=int, label="Organisation")
    file = forms.FileField(
        label="HR file (CSV)",
        help_text=(
            "Columns: staff_number, email, first_name, last_name (required); unit, rank, job_role, "
            "line_manager_staff_number, start_date (YYYY-MM-DD), status (active or leaver)."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        from django.conf import settings

        if upload.size > settings.PEOPLE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // (1024 * 1024)} MB; the limit is "
                f"{settings.PEOPLE_IMPORT_MAX_BYTES // (1024 * 1024)} MB. Split it by organisation."
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                "The file must be a CSV file (.csv). In Excel, use Save As → CSV UTF-8."
            )
        return upload


class TransferForm(forms.Form):
    to_organisation = forms.TypedChoiceField(coerce=int, label="Move to organisation")
    staff_number = forms.CharField(
        max_length=30, required=False, label="Staff number in the new organisation"
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].choices = [("", "Choose an organisation")] + [
            (o.pk, o.name) for o in organisations
        ]
