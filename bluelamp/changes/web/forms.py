"""Forms of requests for change and releases. What belongs together (both planned times or
neither, approved changes only, the notice period) is checked by the services, whose errors the
views show on these fields."""

from __future__ import annotations

import datetime as dt

from django import forms

from bluelamp.changes.guidance import PRIORITY_GUIDANCE, Category, ChangePriority
from bluelamp.changes.models import ChangeRequest
from bluelamp.changes.notice import RULES, ReleaseType
from bluelamp.changes.services import planned_errors
from bluelamp.core.forms import DateInput, TimeInput, join_date_time, text_area
from bluelamp.servicedesk.api import ATTACHMENT_TYPES_TEXT


def _choice(
    label: str, choices, error: str, *, radios: bool = True, help_text: str = ""
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=help_text,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": error, "invalid_choice": error},
    )


def _day(label: str, what: str, example: str, *, required: bool = True) -> forms.DateField:
    """A date box whose errors name `what` ("the day of the meeting") and give an example."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        error_messages={
            "required": f"Enter {what}, for example {example}",
            "invalid": f"Enter {what} as a date, for example {example}",
        },
    )


class RfcForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    description = text_area("What is to change, and why", error="Enter what is to change and why", rows=5)
    category = _choice("Category", Category.choices, "Choose a category", radios=False)
    priority = _choice(
        "Priority",
        [
            (value, f"{label}: {PRIORITY_GUIDANCE[ChangePriority(value)]}")
            for value, label in ChangePriority.choices
        ],
        "Choose a priority from 1 (emergency) to 4 (low)",
    )
    risk = _choice("Risk", ChangeRequest.Level.choices, "Choose the risk: low, medium or high")
    impact = _choice("Impact", ChangeRequest.Level.choices, "Choose the impact: low, medium or high")
    service = _choice(
        "Part of the service it touches",
        ChangeRequest.Service.choices,
        "Choose the part of the service the change touches",
        radios=False,
    )
    implementation_plan = text_area("Implementation plan", error="Enter how the change is made", rows=4)
    test_plan = text_area("Test plan", error="Enter how the change is tested", rows=3)
    backout_plan = text_area("Back-out plan", error="Enter how the change is undone if it fails", rows=3)
    start_day = forms.DateField(
        label="Planned start (optional)",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "Enter the planned start as a date, for example 2027-03-15"},
    )
    start_time = forms.TimeField(
        label="Start time",
        required=False,
        widget=TimeInput,
        error_messages={"invalid": "Enter the start time as hours and minutes, for example 18:00"},
    )
    end_day = forms.DateField(
        label="Planned end (optional)",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "Enter the planned end as a date, for example 2027-03-15"},
    )
    end_time = forms.TimeField(
        label="End time",
        required=False,
        widget=TimeInput,
        error_messages={"invalid": "Enter the end time as hours and minutes, for example 20:00"},
    )

    def clean(self):
        # Said with the other mistakes, not after them are put right.
        data = super().clean()
        start, end = self.planned()
        for name, messages in planned_errors(start, end).items():
            field = {"planned_start": "start_day", "planned_end": "end_day"}[name]
            if field not in self.errors:
                self.add_error(field, messages)
        return data

    def planned(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        return (
            join_date_time(data.get("start_day"), data.get("start_time"), dt.time(0, 0)),
            join_date_time(data.get("end_day"), data.get("end_time"), dt.time(23, 59)),
        )


class LinkProblemForm(forms.Form):
    problem = forms.CharField(
        label="Problem or known error it fixes",
        help_text="Its reference, for example PRB-2026-0001.",
        max_length=20,
        error_messages={"required": "Enter the problem's reference, for example PRB-2026-0001"},
    )


class LinkTicketForm(forms.Form):
    ticket = forms.CharField(
        label="Desk ticket it fixes or delivers",
        help_text="An incident it fixes, or a P4 request whose planned work it is: its reference, for example BL-2026-000123.",
        max_length=20,
        error_messages={"required": "Enter the ticket's reference, for example BL-2026-000123"},
    )


class EmergencyDecisionForm(forms.Form):
    decision = _choice(
        "Emergency CAB decision",
        [("approve", "Approve"), ("reject", "Reject"), ("defer", "Defer")],
        "Choose approve, reject or defer",
    )
    reason = text_area("Reasons", error="Give the reasons for the decision", rows=3)


def _type_choices():
    return [(value, f"{label}: {RULES[value].period}' notice") for value, label in ReleaseType.choices]


class ReleaseForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    type = _choice("Kind of release", _type_choices(), "Choose the kind of release")
    planned_for = _day("Goes live on", "the day the release goes live", "2027-03-15")
    summary = text_area("What changes", help_text="For the release notes licensees receive.", rows=5)
    who_is_affected = text_area("Who is affected", required=False, rows=3)
    faqs = text_area("Questions and answers", required=False, rows=4)
    changes = forms.ModelMultipleChoiceField(
        label="Approved changes it carries",
        queryset=ChangeRequest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose approved changes from the list"},
    )
    emergency_reason = text_area(
        "Why it goes live inside its notice period (emergency changes only)",
        required=False,
        help_text="Only with an emergency change approved by CAB. Licensees are told this reason.",
        rows=3,
    )

    def __init__(self, *args, changes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changes"].queryset = changes
        self.fields["changes"].label_from_instance = lambda c: f"{c.reference}: {c.title}"


class RescheduleForm(forms.Form):
    planned_for = ReleaseForm.base_fields["planned_for"]
    emergency_reason = ReleaseForm.base_fields["emergency_reason"]


class MeetingForm(forms.Form):
    day = _day("Day", "the day of the meeting", "2027-01-12")
    time = forms.TimeField(
        label="Starts at (UK time)",
        widget=TimeInput,
        error_messages={
            "required": "Enter when the meeting starts, for example 10:00",
            "invalid": "Enter when the meeting starts as hours and minutes, for example 10:00",
        },
    )

    def starts_at(self) -> dt.datetime | None:
        return join_date_time(self.cleaned_data.get("day"), self.cleaned_data.get("time"), dt.time(10, 0))


class RecommendationForm(forms.Form):
    recommendation = _choice(
        "Your recommendation",
        [("approve", "Approve"), ("reject", "Reject"), ("defer", "Defer")],
        "Choose approve, reject or defer",
    )
    comment = text_area("Comment (optional)", required=False, rows=2)


class CabDecisionForm(forms.Form):
    decision = _choice(
        "The CAB's decision",
        [("approve", "Approve"), ("reject", "Reject"), ("defer", "Defer")],
        "Choose approve, reject or defer",
    )
    reason = text_area("Reasons", error="Give the reasons for the decision", rows=3)


class ReviewForm(forms.Form):
    decision = forms.CharField(widget=forms.HiddenInput, initial="reviewed")
    reason = text_area("What the review found", error="Record what the review found", rows=3)


class CloseMeetingForm(forms.Form):
    attendees: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Who attended",
        queryset=ChangeRequest.objects.none(),  # the CAB's members, given when the form is made
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose who attended",
            "invalid_choice": "Choose who attended from the list",
        },
    )
    minutes = text_area("Minutes", error="Enter the minutes of the meeting", rows=8)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        self.fields["attendees"].label_from_instance = lambda p: p.get_full_name() or p.email


class FreezeForm(forms.Form):
    starts_on = _day("First day", "the first day of the freeze", "2026-12-21")
    ends_on = _day("Last day", "the last day of the freeze", "2027-01-04")
    reason = forms.CharField(
        label="Why nothing may change then",
        max_length=200,
        error_messages={"required": "Say why nothing may change then, for example “Year-end exams”"},
    )


class ReviewChangeForm(forms.Form):
    outcome = _choice(
        "Outcome", ChangeRequest.Outcome.choices, "Choose successful, successful with issues, or backed out"
    )
    notes = text_area("What the review found", error="Record what the review found", rows=3)


class GuideForm(forms.Form):
    title = forms.CharField(
        label="Guide's title",
        max_length=200,
        error_messages={
            "required": "Enter the guide's title, for example “Quick guide to the new catalogue”"
        },
    )
    file = forms.FileField(
        label="File",
        help_text=f"{ATTACHMENT_TYPES_TEXT}. Anyone can read it with the release notes once the release is announced.",
        error_messages={"required": "Choose the guide's file"},
    )
