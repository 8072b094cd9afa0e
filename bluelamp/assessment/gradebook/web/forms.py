"""The gradebook's forms. What people type is taken as typed and checked by the services, which
report every field at fault at once, naming the value and what is accepted (services.number); so
the forms' fields are optional here and required there."""

from __future__ import annotations

from django import forms

from bluelamp.assessment.gradebook.models import GradebookSettings
from bluelamp.core.forms import text_area


def _number(label: str, *, help_text: str = "", required: bool = True, error: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"required": error or f"Enter {label.lower()}"},
    )


class FilterForm(forms.Form):
    """The grader report's filters (GET)."""

    q = forms.CharField(label="Name, e-mail address or staff number", required=False, max_length=200)
    unit = forms.ChoiceField(label="Unit", required=False)
    everyone = forms.BooleanField(label="Include people no longer enrolled", required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(unit.pk): unit for unit in units}
        several = len({unit.organisation_id for unit in units}) > 1
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All units")] + [
            (pk, f"{unit.organisation.name}: {unit.full_path}" if several else unit.full_path)
            for pk, unit in self.units.items()
        ]
        field.error_messages["invalid_choice"] = "Choose a unit from the list, or all units"

    def clean_unit(self):
        return self.units.get(self.cleaned_data["unit"])


class CourseSearchForm(forms.Form):
    q = forms.CharField(label="Course title or code", required=False, max_length=200)


class SettingsForm(forms.Form):
    aggregation = forms.ChoiceField(
        label="How the course grade is worked out",
        choices=GradebookSettings.Aggregation.choices,
        widget=forms.RadioSelect,
        help_text="Weighted: each item and category counts by its weight. Simple: each counts the same. "
        "Either way, something of weight 0 is shown but not counted.",
        error_messages={"required": "Choose how the course grade is worked out"},
    )
    missing = forms.ChoiceField(
        label="Grades not given yet",
        choices=GradebookSettings.Missing.choices,
        widget=forms.RadioSelect,
        help_text="Left out: the course grade is the grade so far, marked incomplete. Counted as 0%: "
        "the course grade only rises as grades come in.",
        error_messages={"required": "Choose how grades not given yet count"},
    )
    pass_percent = _number(
        "Course pass grade (%) (optional)",
        required=False,
        help_text="The course grade a learner needs to pass, from 0 to 100. Leave it blank for no pass grade.",
    )
    learners_see_total = forms.BooleanField(label="Learners see their course total", required=False)


class CategoryForm(forms.Form):
    name = forms.CharField(label="Name", max_length=300, required=False)
    weight = _number(
        "Weight",
        required=False,
        help_text="How much the category counts in the course grade beside the others, from 0 to 1000 "
        "(0: shown, not counted).",
    )


class ItemForm(forms.Form):
    """An item's place in the course grade; for an item added by hand, also what it is."""

    title = forms.CharField(label="Title", max_length=300, required=False)
    max_grade = _number(
        "Maximum grade", required=False, help_text="The grade for full marks, like 10 or 100."
    )
    pass_grade = _number(
        "Pass grade (optional)", required=False, help_text="From 0 to the maximum. Leave it blank for none."
    )
    category = forms.ChoiceField(label="Category", required=False)
    weight = _number(
        "Weight",
        required=False,
        help_text="How much the item counts beside the others in its category (or, in no category, beside "
        "the categories), from 0 to 1000 (0: shown, not counted).",
    )
    hidden = forms.BooleanField(label="Hide from learners", required=False)

    def __init__(self, *args, categories, manual: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(c.uuid): c for c in categories}
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "No category")] + [(key, c.name) for key, c in self.categories.items()]
        field.error_messages["invalid_choice"] = "Choose a category from the list, or no category"
        if not manual:
            for name in ("title", "max_grade", "pass_grade"):
                del self.fields[name]

    def clean_category(self):
        return self.categories.get(self.cleaned_data["category"])


class GradeEntryForm(forms.Form):
    grade = _number("Grade", required=False)
    feedback = text_area("Feedback (optional)", required=False, rows=6)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        top = format(item.max_grade.normalize(), "f")
        self.fields["grade"].label = f"Grade (out of {top})"
        self.fields["grade"].help_text = f"From 0 to {top}. Leave it blank to remove the grade."


class OverrideForm(forms.Form):
    grade = _number("Grade", required=False)
    reason = text_area(
        "Reason",
        help_text="Kept with the grade, shown in the grader report and recorded in the audit log.",
        required=False,
        rows=4,
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        top = format(item.max_grade.normalize(), "f")
        self.fields["grade"].label = f"Grade that counts (out of {top})"
        self.fields["grade"].help_text = f"From 0 to {top}."


class ClearOverrideForm(forms.Form):
    reason = text_area(
        "Reason",
        help_text="Why the grade from the source should count again. Recorded in the grade's history and the "
        "audit log.",
        required=False,
        rows=4,
    )
