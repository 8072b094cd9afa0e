"""The forms of the assignments pages (set-up, criteria, the learner's work, extensions). They
only read what was typed; the services check it and name what is wrong."""

from __future__ import annotations

import datetime as dt

from django import forms

from bluelamp.assessment.assignments.files import DEFAULT_FILE_TYPES, FILE_TYPES
from bluelamp.assessment.assignments.models import Assignment
from bluelamp.assessment.assignments.services import DEFAULT_DECLARATION, AssignmentInput
from bluelamp.core.forms import DateInput, TimeInput, join_date_time, split_date_time


def _date(label: str, what: str, *, required=False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="For example, 31/03/2027.",
        error_messages={
            "invalid": f"Enter {what} as a real date, for example 31/03/2027.",
            "required": f"Enter {what}.",
        },
    )


def _time(label: str, what: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=TimeInput,
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        help_text="UK time, 24-hour clock, for example 17:00.",
        error_messages={"invalid": f"Enter {what} as a time on the 24-hour clock, for example 17:00."},
    )


def _whole(label: str, *, required=True, help_text="", minimum=0, example="") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "invalid": f"{label}: enter a whole number{', for example ' + example if example else ''}.",
            "required": f"Enter {label.lower()}.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )


def _decimal_text(label: str, *, help_text="", required=False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
    )


DUE_TIME = dt.time(17, 0)  # a date given without a time is due at 17:00 UK time

# Services' field names -> the form's (a date and time are two boxes on the page).
SETTINGS_FIELDS = {"due_at": "due_date", "cut_off_at": "cut_off_date"}

ALL_TYPES = ", ".join(sorted(FILE_TYPES))


class SettingsForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the assignment."}
    )
    brief = forms.CharField(
        label="Brief",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What the learner must do, in Markdown: headings with #, lists with -, **bold**.",
    )
    grading = forms.ChoiceField(
        label="How the work is graded", choices=Assignment.Grading.choices, widget=forms.RadioSelect
    )
    scale = forms.ChoiceField(
        label="Scale (when graded on a scale)", choices=Assignment.Scale.choices, widget=forms.RadioSelect
    )
    max_points = _decimal_text("Maximum points (when graded in points)", help_text="For example, 100.")
    pass_points = _decimal_text(
        "Points to pass (points or rubric)",
        help_text="Leave empty for half the maximum. For a rubric the maximum is the sum of each criterion's best level.",
    )
    due_date = _date("Due date", "the due date")
    due_time = _time("Due time", "the due time")
    cut_off_date = _date("Cut-off date (optional)", "the cut-off date")
    cut_off_date.help_text = (
        "Late work is accepted until then, and nothing after it. For example, 31/03/2027."
    )
    cut_off_time = _time("Cut-off time", "the cut-off time")
    late_policy = forms.ChoiceField(
        label="Late work", choices=Assignment.LatePolicy.choices, widget=forms.RadioSelect
    )
    late_penalty_percent_per_day = _decimal_text(
        "Penalty per day late, in percent (with a penalty)",
        help_text="Each day or part of a day counts. For example, 5.",
    )
    late_penalty_cap_percent = _decimal_text(
        "Largest penalty, in percent", help_text="For example, 20. Use 100 for no cap."
    )
    word_limit = _whole("Word limit (optional)", required=False, example="3000")
    word_limit_enforced = forms.BooleanField(
        label="Refuse online text over the word limit (otherwise the learner is warned only)", required=False
    )
    accepts_online_text = forms.BooleanField(label="Online text (typed or pasted)", required=False)
    accepts_files = forms.BooleanField(label="File uploads", required=False)
    allowed_file_types = forms.CharField(
        label="File types accepted",
        required=False,
        max_length=200,
        help_text=f"Extensions separated by commas. Leave empty for {', '.join(DEFAULT_FILE_TYPES)}. Known: {ALL_TYPES}.",
    )
    max_file_mb = _whole("Largest file, in MB", example="20")
    max_files = _whole("Most files", example="5")
    requires_declaration = forms.BooleanField(
        label="The learner confirms a declaration of own work", required=False
    )
    declaration_text = forms.CharField(
        label="Declaration", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    allows_drafts = forms.BooleanField(
        label="Learners may save drafts and submit when ready (otherwise their work is handed in in one go)",
        required=False,
    )
    resubmissions_allowed = _whole("Resubmissions allowed after a referral", example="1")
    resubmission_days = _whole("Days to resubmit after a referral is released", example="28")
    anonymous_marking = forms.BooleanField(
        label="Anonymous marking (markers see a participant number until names are revealed)", required=False
    )
    moderation_sample_percent = _whole(
        "Moderation sample, in percent",
        help_text="Every fail and borderline is sampled as well.",
        example="10",
    )
    borderline_points = _decimal_text(
        "Borderline margin (points or rubric)",
        help_text="A grade this close to the pass mark is borderline. Leave empty for none.",
    )
    borderline_criteria = _whole(
        "Borderline referral (criteria)",
        help_text="A referral missing at most this many criteria is borderline.",
        example="1",
    )
    reminder_days = forms.CharField(
        label="Deadline reminders, days before",
        required=False,
        max_length=50,
        help_text="For example, 3, 1. Leave empty for none. Sent to learners who have not handed in.",
    )
    notify_markers = forms.BooleanField(label="Tell the markers when final work is handed in", required=False)

    def __init__(self, *args, assignment: Assignment | None = None, **kwargs):
        if assignment is not None:
            due_date, due_time = split_date_time(assignment.due_at)
            cut_date, cut_time = split_date_time(assignment.cut_off_at)
            initial = {name: getattr(assignment, name) for name in AssignmentInput.__dataclass_fields__}
            initial.update(
                due_date=due_date,
                due_time=due_time,
                cut_off_date=cut_date,
                cut_off_time=cut_time,
                allowed_file_types=", ".join(assignment.allowed_file_types or []),
                reminder_days=", ".join(str(d) for d in assignment.reminder_days or []),
                max_points=f"{assignment.max_points.normalize():f}",
                pass_points=""
                if assignment.pass_points is None
                else f"{assignment.pass_points.normalize():f}",
                borderline_points=""
                if assignment.borderline_points is None
                else f"{assignment.borderline_points.normalize():f}",
                late_penalty_percent_per_day=f"{assignment.late_penalty_percent_per_day.normalize():f}",
                late_penalty_cap_percent=f"{assignment.late_penalty_cap_percent.normalize():f}",
            )
        else:
            defaults = AssignmentInput(title="")
            initial = {name: getattr(defaults, name) for name in AssignmentInput.__dataclass_fields__}
            initial.update(
                title="",
                due_time="17:00",
                # No cut-off by default: a time without a date is refused, so it starts empty (a
                # cut-off date given alone is at 17:00, as join_date_time reads it with DUE_TIME).
                cut_off_time="",
                declaration_text=DEFAULT_DECLARATION,
                reminder_days="3, 1",
                allowed_file_types="",
                max_points="100",
                pass_points="",
                borderline_points="",
                late_penalty_percent_per_day="",
                late_penalty_cap_percent="",
            )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        for day, time, what in (("due_date", "due_time", "due"), ("cut_off_date", "cut_off_time", "cut-off")):
            if data.get(time) and not data.get(day) and day not in self.errors:
                self.add_error(day, f"Enter the {what} date, or clear the {what} time.")
        return data

    def to_input(self) -> AssignmentInput:
        data = self.cleaned_data
        return AssignmentInput(
            title=data["title"],
            brief=data.get("brief") or "",
            grading=data["grading"],
            scale=data["scale"],
            max_points=data.get("max_points") or "",  # the service parses text
            pass_points=data.get("pass_points") or None,
            due_at=join_date_time(data.get("due_date"), data.get("due_time"), DUE_TIME),
            cut_off_at=join_date_time(data.get("cut_off_date"), data.get("cut_off_time"), DUE_TIME),
            late_policy=data["late_policy"],
            late_penalty_percent_per_day=data.get("late_penalty_percent_per_day") or "0",
            late_penalty_cap_percent=data.get("late_penalty_cap_percent") or "0",
            word_limit=data.get("word_limit"),
            word_limit_enforced=data.get("word_limit_enforced", False),
            accepts_online_text=data.get("accepts_online_text", False),
            accepts_files=data.get("accepts_files", False),
            allowed_file_types=data.get("allowed_file_types") or "",
            max_file_mb=data["max_file_mb"],
            max_files=data["max_files"],
            requires_declaration=data.get("requires_declaration", False),
            declaration_text=data.get("declaration_text") or "",
            allows_drafts=data.get("allows_drafts", False),
            resubmissions_allowed=data["resubmissions_allowed"],
            resubmission_days=data["resubmission_days"],
            anonymous_marking=data.get("anonymous_marking", False),
            moderation_sample_percent=data["moderation_sample_percent"],
            borderline_points=data.get("borderline_points") or None,
            borderline_criteria=data["borderline_criteria"],
            reminder_days=data.get("reminder_days") or "",
            notify_markers=data.get("notify_markers", False),
        )


LEVELS_HELP = (
    "Rubric only. One level per line: label | points | description, from the lowest, "
    "for example “Not yet met | 0 | No explanation”."
)


class CriterionForm(forms.Form):
    code = forms.CharField(
        label="Code (optional)", required=False, max_length=30, help_text="For example, AC 1.1."
    )
    learning_outcome = forms.CharField(
        label="Learning outcome (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, “1. Understand the principles of risk management”.",
    )
    text = forms.CharField(
        label="Criterion",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the criterion, for example “Explain the purpose of a risk assessment”."
        },
    )
    levels = forms.CharField(
        label="Levels", required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=LEVELS_HELP
    )

    def __init__(self, *args, rubric: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not rubric:
            del self.fields["levels"]


class CriteriaImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file (optional)",
        required=False,
        help_text="Columns: code, learning_outcome, criterion and, for a rubric, levels "
        "(“Not yet | 0; Met | 2; Exceeded | 4”).",
    )
    pasted = forms.CharField(
        label="Or paste the CSV here",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The first line is the header, for example: code,learning_outcome,criterion",
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("pasted") or "").strip() and not self.errors:
            self.add_error("file", "Choose a CSV file, or paste the criteria below.")
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (the services check each)."""

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in items if item]


class WorkForm(forms.Form):
    """The learner's work. Files are read from request.FILES.getlist("uploads") by the view."""

    online_text = forms.CharField(
        label="Your answer",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
    )
    uploads = MultipleFileField(
        label="Add files", required=False, widget=MultipleFileInput(attrs={"multiple": True})
    )
    declaration = forms.BooleanField(label="Declaration", required=False)

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        if not assignment.accepts_online_text:
            del self.fields["online_text"]
        else:
            hint = "Type or paste your answer. Markdown is kept as you type it."
            if assignment.word_limit:
                hint = f"The word limit is {assignment.word_limit:,} words" + (
                    " and work over it is refused."
                    if assignment.word_limit_enforced
                    else " (a guide: you may go over)."
                )
            self.fields["online_text"].help_text = hint
        if not assignment.accepts_files:
            del self.fields["uploads"]
        else:
            from bluelamp.assessment.assignments.files import types_in_words

            types = types_in_words(assignment.allowed_file_types or list(DEFAULT_FILE_TYPES))
            self.fields["uploads"].help_text = (
                f"{types}; each up to {assignment.max_file_mb} MB; at most {assignment.max_files} "
                f"file{'s' if assignment.max_files != 1 else ''} in all."
            )
        if assignment.requires_declaration:
            self.fields["declaration"].label = assignment.declaration_text
        else:
            del self.fields["declaration"]


class ExtensionForm(forms.Form):
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Learner",
        queryset=None,
        empty_label="Choose a learner",
        error_messages={
            "required": "Choose the learner who gets the extension.",
            "invalid_choice": "Choose one of the learners listed.",
        },
    )
    due_date = _date("New due date", "the new due date", required=True)
    due_time = _time("New due time", "the new due time")
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the extension and in the audit log; the learner does not see it.",
        error_messages={"required": "Enter the reason for the extension."},
    )

    def __init__(self, *args, learners, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = learners
        person.label_from_instance = lambda p: f"{p.get_full_name()} ({p.email})"  # type: ignore[method-assign]

    def due_at(self) -> dt.datetime | None:
        return join_date_time(self.cleaned_data.get("due_date"), self.cleaned_data.get("due_time"), DUE_TIME)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why is the extension withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the extension is withdrawn."},
    )
