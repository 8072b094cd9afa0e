"""Problem forms. They check shape only; the services decide what is allowed."""

from functools import partial

from django import forms

from bluelamp.core.forms import text_area
from bluelamp.servicedesk.kb.models import Article


def _text(label, *, help_text="", max_length=200, required=True, error=None):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        error_messages={"required": error or f"Enter {label.lower()}"},
    )


_area = partial(text_area, rows=6)


class ProblemForm(forms.Form):
    title = _text("Title", help_text="What is going wrong, for example “Course player freezes on iPads”")
    description = _area(
        "Description", help_text="What is known so far: symptoms, who is affected, since when."
    )


class LinkIncidentForm(forms.Form):
    reference = _text(
        "Ticket reference",
        max_length=20,
        help_text="For example BL-2026-000123",
        error="Enter the ticket reference",
    )


class LinkToProblemForm(forms.Form):
    problem = _text(
        "Problem reference",
        max_length=20,
        help_text="For example PRB-2026-0001",
        error="Enter the problem reference",
    )


class RootCauseForm(forms.Form):
    root_cause = _area("Root cause", rows=4)


class KnownErrorForm(forms.Form):
    workaround = _area(
        "Workaround",
        help_text="As the people affected should follow it. It is published to the knowledge base.",
        rows=6,
    )
    audience = forms.ChoiceField(
        label="Who may read the workaround?",
        choices=Article.Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who may read the workaround"},
    )
