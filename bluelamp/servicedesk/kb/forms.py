"""Knowledge-base and problem forms. They check shape only; the services decide what is allowed."""

from functools import partial

from django import forms

from bluelamp.core.forms import text_area
from bluelamp.servicedesk.kb.models import Article
from bluelamp.servicedesk.tickets.models import Category


def _text(label, *, help_text="", max_length=200, required=True, error=None):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        error_messages={"required": error or f"Enter {label.lower()}"},
    )


_area = partial(text_area, rows=6)


class HelpSearchForm(forms.Form):
    q = forms.CharField(label="Search the help pages", required=False, max_length=200)


class ArticleForm(forms.Form):
    title = _text("Title")
    summary = _text(
        "Summary (optional)", max_length=300, required=False, help_text="Shown in lists and suggestions."
    )
    body = _area("Article", help_text=Article._meta.get_field("body").help_text, rows=12)
    audience = forms.ChoiceField(
        label="Who may read it?",
        choices=Article.Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who may read it"},
    )
    category = forms.ModelChoiceField(
        label="Topic (optional)",
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label="No topic",
        error_messages={"invalid_choice": "Choose a topic from the list"},
    )


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    audience = forms.ChoiceField(
        label="Audience", required=False, choices=[("", "All"), *Article.Audience.choices]
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All"), *Article.Status.choices])
