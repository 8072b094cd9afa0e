"""The forms of the banks' pages (a question's own forms are in question_forms.py). They check
shapes; what belongs together is checked by the services, whose errors the views show on these
fields."""

from __future__ import annotations

from django import forms

from bluelamp.assessment.banks.files import FORMAT_LABELS, FORMATS, MAX_BYTES
from bluelamp.assessment.banks.models import Category
from bluelamp.assessment.banks.wording import TYPE_LABELS
from bluelamp.assessment.formats.questions import QUESTION_TYPES
from bluelamp.core.forms import text_area


def category_choices(categories, *, blank: str | None = None) -> list[tuple[str, str]]:
    """Categories for a drop-down, indented by depth ("Top", "— Law", "— — PACE")."""
    choices = [("", blank)] if blank is not None else []
    for node in categories:
        category = node.category if hasattr(node, "category") else node
        depth = node.depth if hasattr(node, "depth") else category.path.count(" / ")
        choices.append((str(category.uuid), "— " * depth + category.name))
    return choices


class BankForm(forms.Form):
    owner = forms.ChoiceField(
        label="Organisation", error_messages={"required": "Choose the organisation that owns the bank"}
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter a name for the question bank"},
        help_text="For example, “Legal updates 2026” or “PEQF module 3”.",
    )
    description = text_area("Description (optional)", required=False, rows=3)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {str(o.pk): o for o in owners}
        if len(self.owners) <= 1:
            del self.fields["owner"]
        else:
            field = self.fields["owner"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "Choose an organisation"), *[(pk, o.name) for pk, o in self.owners.items()]]

    def chosen_owner(self):
        if "owner" in self.fields:
            return self.owners[self.cleaned_data["owner"]]
        return next(iter(self.owners.values()))


class CategoryForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name for the category"}
    )
    parent = forms.ChoiceField(
        label="Inside", error_messages={"required": "Choose the category this one goes inside"}
    )
    description = text_area("Description (optional)", required=False, rows=3)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(node.category.uuid): node.category for node in categories}
        field = self.fields["parent"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = category_choices(categories)

    def chosen_parent(self) -> Category:
        return self.categories[self.cleaned_data["parent"]]


class FilterForm(forms.Form):
    """The filters of a bank's question list (GET)."""

    category = forms.ChoiceField(label="Category", required=False)
    only = forms.BooleanField(label="Leave out its subcategories", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)
    qtype = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *[(t, TYPE_LABELS[t]) for t in QUESTION_TYPES]],
    )
    q = forms.CharField(label="Name contains", required=False, max_length=200)
    hidden = forms.BooleanField(label="Show hidden questions", required=False)

    def __init__(self, *args, categories, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(node.category.uuid): node.category for node in categories}
        category = self.fields["category"]
        tag = self.fields["tag"]
        assert isinstance(category, forms.ChoiceField) and isinstance(tag, forms.ChoiceField)
        category.choices = category_choices(categories, blank="Every category")
        tag.choices = [("", "Any tag"), *[(t.name, t.name) for t in tags]]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "category": self.categories.get(data["category"]),
            "subcategories": not data["only"],
            "tags": [data["tag"]] if data["tag"] else [],
            "qtype": data["qtype"],
            "query": data["q"].strip(),
            "hidden": data["hidden"],
        }


class MoveForm(forms.Form):
    questions = forms.MultipleChoiceField(
        label="Questions",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the questions to move"},
    )
    category = forms.ChoiceField(
        label="Move the selected questions to",
        error_messages={"required": "Choose the category to move them to"},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, categories, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(node.category.uuid): node.category for node in categories}
        self.question_uuids = {str(q.uuid): q for q in questions}
        category = self.fields["category"]
        chosen = self.fields["questions"]
        assert isinstance(category, forms.ChoiceField) and isinstance(chosen, forms.MultipleChoiceField)
        category.choices = category_choices(categories, blank="Choose a category")
        chosen.choices = [(uuid, q.name) for uuid, q in self.question_uuids.items()]
        chosen.error_messages["invalid_choice"] = (
            "A selected question is not in this bank any more: select the questions again"
        )


FORMAT_CHOICES = [("", "Work it out from the file's name (.gift or .txt: GIFT; .xml: Moodle XML)")] + [
    (fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS
]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Question file",
        help_text=f"A GIFT or Moodle XML file, up to {MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={
            "required": "Choose a GIFT or Moodle XML file",
            "empty": "The file is empty: choose another",
        },
    )
    format = forms.ChoiceField(
        label="Format", choices=FORMAT_CHOICES, required=False, widget=forms.RadioSelect
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=[(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the format: GIFT or Moodle XML",
            "invalid_choice": "Choose the format: GIFT or Moodle XML",
        },
    )
    category = forms.ChoiceField(
        label="Questions",
        required=False,
        error_messages={"invalid_choice": "Choose a category of this bank, or the whole bank"},
    )
    skip_unwritable = forms.BooleanField(
        label="Leave out the questions GIFT cannot hold (ordering, select missing words)", required=False
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(node.category.uuid): node.category for node in categories}
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = category_choices(categories, blank="The whole bank")

    def chosen_category(self) -> Category | None:
        return self.categories.get(self.cleaned_data.get("category") or "")
