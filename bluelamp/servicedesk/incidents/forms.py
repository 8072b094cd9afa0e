"""Forms for major incidents. Shape only: the services decide what is allowed."""

from django import forms

from bluelamp.core.forms import text_area
from bluelamp.servicedesk.incidents.models import IncidentEntry

_area = text_area


class EmailListField(forms.CharField):
    """E-mail addresses, one a line (or separated by commas or spaces)."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [part for part in text.replace(",", " ").split() if part]


class DeclareForm(forms.Form):
    summary = _area(
        "What is affected and what is known so far",
        error="Enter what is affected and what is known so far",
    )
    convene_gold = forms.BooleanField(label="Convene the gold incident group now", required=False)
    gold_members = EmailListField(
        label="Gold group members (if convening)",
        required=False,
        help_text="E-mail addresses of people of the national body, one a line.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("convene_gold") and not data.get("gold_members"):
            self.add_error("gold_members", "Enter the e-mail addresses of the gold group's members")
        return data


class ConveneForm(forms.Form):
    members = EmailListField(
        label="Gold group members",
        help_text="E-mail addresses of people of the national body, one a line.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the e-mail addresses of the gold group's members"},
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of entry",
        choices=IncidentEntry.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose action, communication or decision"},
    )
    text = _area("What was done, said or decided", error="Enter what was done, said or decided")


class NoticeForm(forms.Form):
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        error_messages={"required": "Enter the notice's subject"},
    )
    body = _area(
        "Notice",
        help_text="Sent to the key contacts of every licence in force.",
        error="Enter the notice",
        rows=6,
    )


class ResolveForm(forms.Form):
    resolution = _area("How the service was restored", error="Enter how the service was restored")
