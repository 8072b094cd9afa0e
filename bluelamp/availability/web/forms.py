"""The maintenance window form: a UK date and time for each end, and the approved change it
carries out. Whether the times make sense is the service's to say (services._check)."""

from __future__ import annotations

import datetime as dt

from django import forms

from bluelamp.core.forms import DateInput, TimeInput, join_date_time, split_date_time, text_area


def _day(label: str, what: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput,
        error_messages={
            "required": f"Enter the day {what}, for example 2027-03-13",
            "invalid": f"Enter the day {what} as a date, for example 2027-03-13",
        },
    )


def _time(label: str, what: str, example: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=TimeInput,
        error_messages={
            "required": f"Enter the time {what}, for example {example}",
            "invalid": f"Enter the time {what} as hours and minutes, for example {example}",
        },
    )


class WindowForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What people will see on the status page, for example “Database upgrade”.",
        error_messages={"required": "Enter a title, such as “Database upgrade”"},
    )
    description = text_area(
        "What is done, and what people will notice",
        error="Enter what is done and what people will notice",
        rows=5,
    )
    start_day = _day("Starts on", "it starts")
    start_time = _time("Start time (UK)", "it starts", "22:00")
    end_day = _day("Ends on", "it ends")
    end_time = _time("End time (UK)", "it ends", "02:00")
    change = forms.ChoiceField(label="The approved change it carries out (optional)", required=False)

    def __init__(self, *args, changes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change"].choices = [("", "None")] + [
            (rfc.reference, f"{rfc.reference}: {rfc.title}") for rfc in changes
        ]
        self.fields["change"].error_messages["invalid_choice"] = "Choose an approved change, or none"

    @classmethod
    def initial_for(cls, window) -> dict:
        start_day, start_time = split_date_time(window.starts_at)
        end_day, end_time = split_date_time(window.ends_at)
        return {
            "title": window.title,
            "description": window.description,
            "start_day": start_day,
            "start_time": start_time,
            "end_day": end_day,
            "end_time": end_time,
            "change": window.change.reference if window.change_id else "",
        }

    def times(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        return (
            join_date_time(data.get("start_day"), data.get("start_time"), dt.time(0, 0)),
            join_date_time(data.get("end_day"), data.get("end_time"), dt.time(0, 0)),
        )


class CancelForm(forms.Form):
    reason = text_area("Why is it cancelled?", error="Enter why the maintenance is cancelled", rows=3)


class MonthForm(forms.Form):
    month = forms.RegexField(
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": "Give the month as year and month, for example 2026-11"},
    )
