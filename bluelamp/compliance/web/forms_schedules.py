"""The form of a scheduled e-mailed report (create and change). What belongs together (a unit of
the organisation, a requirement that applies to it, recipients who may see the report) is checked
by schedules.report_schedule_save, whose errors the view shows on these fields."""

from __future__ import annotations

from django import forms

from bluelamp.compliance.models import ReportSchedule
from bluelamp.core.forms import text_area


class ScheduleForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Organisation", error_messages={"required": "Choose the organisation the report is about"}
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=ReportSchedule.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how often: weekly (on Mondays) or monthly (on the 1st)",
            "invalid_choice": "Choose how often: weekly (on Mondays) or monthly (on the 1st)",
        },
    )
    format = forms.ChoiceField(
        label="File format",
        choices=ReportSchedule.Format.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the file format: CSV or Excel (XLSX)",
            "invalid_choice": "Choose the file format: CSV or Excel (XLSX)",
        },
    )
    recipients = text_area(
        "Recipients",
        help_text="E-mail addresses, one per line (at most 20). The report names people: it goes only to "
        "training administrators, organisation administrators and report viewers over them.",
        error="Enter at least one e-mail address, one per line",
        rows=5,
    )
    unit = forms.ChoiceField(
        label="Unit (optional)",
        required=False,
        help_text="Only the people of this unit and the units below it.",
        error_messages={"invalid_choice": "Choose a unit from the list, or all units"},
    )
    requirement = forms.ChoiceField(
        label="Requirement (optional)",
        required=False,
        error_messages={"invalid_choice": "Choose a requirement from the list, or all requirements"},
    )
    active = forms.BooleanField(label="Send this report (untick to pause it)", required=False, initial=True)

    def __init__(self, *args, organisations, units, requirements, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.units = {str(u.pk): u for u in units}
        self.requirements = {str(r.pk): r for r in requirements}
        several = len(self.organisations) > 1
        if editing or not several:
            del self.fields["organisation"]
        else:
            self._choice_field("organisation").choices = [
                ("", "Choose an organisation"),
                *[(pk, o.name) for pk, o in self.organisations.items()],
            ]
        self._choice_field("unit").choices = [
            ("", "All units"),
            *[
                (pk, f"{u.organisation.name}: {u.full_path}" if several else u.full_path)
                for pk, u in self.units.items()
            ],
        ]
        self._choice_field("requirement").choices = [
            ("", "All requirements"),
            *[(pk, f"{r.code} {r.title}") for pk, r in self.requirements.items()],
        ]
        if not editing:
            del self.fields["active"]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]

    def clean_unit(self):
        return self.units.get(self.cleaned_data["unit"])

    def clean_requirement(self):
        return self.requirements.get(self.cleaned_data["requirement"])
