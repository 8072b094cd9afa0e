"""The forms of the quiz set-up pages. They only read what was typed; the services check it and
name what is wrong (a date and a time are two boxes on the page, as on the assignments pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from bluelamp.assessment.quizzes.models import REVIEW_WHAT, REVIEW_WHEN, Quiz
from bluelamp.assessment.quizzes.services import QuizSettings
from bluelamp.core.forms import DateInput, TimeInput, join_date_time, split_date_time


def _date(label: str, what: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="For example, 31/03/2027. Leave empty for none.",
        error_messages={"invalid": f"Enter {what} as a real date, for example 31/03/2027."},
    )


def _time(label: str, what: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=TimeInput,
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        help_text="UK time, 24-hour clock, for example 09:00.",
        error_messages={"invalid": f"Enter {what} as a time on the 24-hour clock, for example 09:00."},
    )


def _whole(label: str, *, help_text="", required=True, example="5") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "invalid": f"{label}: enter a whole number, for example {example}.",
            "required": f"Enter {label[:1].lower() + label[1:]}.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )


class DecimalText(forms.CharField):
    """A number typed as text (a percentage may end in %): a Decimal, or an error naming the
    field and what was typed."""

    def __init__(self, *, label: str, **kwargs):
        self.what = label.split(" (")[0]
        super().__init__(label=label, **kwargs)

    def clean(self, value):
        raw = (super().clean(value) or "").strip().rstrip("%").strip()
        try:
            number = Decimal(raw)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise forms.ValidationError(
                f"{self.what}: “{raw}” is not a number. Enter a number, for example 50."
            ) from None
        return number


def _number(label: str, *, help_text="") -> DecimalText:
    return DecimalText(
        label=label,
        help_text=help_text,
        max_length=20,
        error_messages={"required": f"Enter {label[:1].lower() + label[1:]}."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
    )


class QuizAddForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the quiz."}
    )
    intro = forms.CharField(
        label="Introduction (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What learners read before they start: what it covers, what to have to hand.",
    )
    required = forms.BooleanField(
        label="Required: passing it counts towards completing the course", required=False, initial=True
    )


REVIEW_LABELS = {
    "responses": "Their answers",
    "marks": "Their marks",
    "right_answers": "The right answers",
    "feedback": "Feedback on each answer (and the marker's comments)",
    "general_feedback": "Each question's general feedback",
}
WHEN_LABELS = {
    "immediately": "Immediately after the attempt (the first 2 minutes)",
    "open": "Later, while the quiz is still open",
    "closed": "After the quiz closes",
}


class QuizSettingsForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the quiz."}
    )
    intro = forms.CharField(
        label="Introduction (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    time_limit_minutes = _whole(
        "Time limit in minutes (optional)",
        required=False,
        example="30",
        help_text="Leave empty for no time limit. When time runs out the attempt is submitted with the answers saved.",
    )
    open_date = _date("Opens on (optional)", "the opening date")
    open_time = _time("Opens at", "the opening time")
    close_date = _date("Closes on (optional)", "the closing date")
    close_time = _time("Closes at", "the closing time")
    attempts_allowed = _whole("Attempts allowed", example="3", help_text="0 for unlimited.")
    grading_method = forms.ChoiceField(
        label="Grading method: which attempts make the quiz grade",
        choices=Quiz.GradingMethod.choices,
        widget=forms.RadioSelect,
    )
    pass_mark = _number(
        "Pass mark (%)", help_text="The quiz grade, as a percentage, that passes: for example 80."
    )
    max_grade = _number(
        "Maximum grade in the gradebook",
        help_text="The quiz grade is shown in the gradebook out of this: usually 100.",
    )
    questions_per_page = _whole(
        "Questions on each page (for questions added from now on)",
        example="1",
        help_text="0 puts them all on one page.",
    )
    shuffle_questions = forms.BooleanField(label="Shuffle the questions within each page", required=False)
    navigation = forms.ChoiceField(
        label="Moving between pages", choices=Quiz.Navigation.choices, widget=forms.RadioSelect
    )
    review_immediately = forms.MultipleChoiceField(
        label=f"What learners see {WHEN_LABELS['immediately'][:1].lower() + WHEN_LABELS['immediately'][1:]}",
        choices=list(REVIEW_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    review_open = forms.MultipleChoiceField(
        label=f"What learners see {WHEN_LABELS['open'][:1].lower() + WHEN_LABELS['open'][1:]}",
        choices=list(REVIEW_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    review_closed = forms.MultipleChoiceField(
        label=f"What learners see {WHEN_LABELS['closed'][:1].lower() + WHEN_LABELS['closed'][1:]}",
        choices=list(REVIEW_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Without a closing date this never applies.",
    )

    # Services' field names -> the form's.
    FIELDS = {
        "time_limit": "time_limit_minutes",
        "open_at": "open_date",
        "close_at": "close_date",
        "review": "review_open",
    }

    @classmethod
    def initial_of(cls, quiz: Quiz) -> dict:
        open_date, open_time = split_date_time(quiz.open_at)
        close_date, close_time = split_date_time(quiz.close_at)
        initial: dict[str, Any] = {
            "title": quiz.title,
            "intro": quiz.intro,
            "time_limit_minutes": (quiz.time_limit + 59) // 60 if quiz.time_limit else None,
            "open_date": open_date,
            "open_time": open_time,
            "close_date": close_date,
            "close_time": close_time,
            "attempts_allowed": quiz.attempts_allowed,
            "grading_method": quiz.grading_method,
            "pass_mark": f"{quiz.pass_mark.normalize():f}",
            "max_grade": f"{quiz.max_grade.normalize():f}",
            "questions_per_page": quiz.questions_per_page,
            "shuffle_questions": quiz.shuffle_questions,
            "navigation": quiz.navigation,
        }
        for when in REVIEW_WHEN:
            initial[f"review_{when}"] = [what for what in REVIEW_WHAT if quiz.review_allows(what, when)]
        return initial

    def clean_time_limit_minutes(self):
        minutes = self.cleaned_data.get("time_limit_minutes")
        if minutes is not None and minutes <= 0:
            raise forms.ValidationError(
                f"A time limit of {minutes} minutes is not accepted: give 1 or more, or leave it empty."
            )
        return minutes

    def clean(self):
        data = super().clean()
        for which in ("open", "close"):
            if (
                data.get(f"{which}_time")
                and not data.get(f"{which}_date")
                and f"{which}_date" not in self.errors
            ):
                word = "opening" if which == "open" else "closing"
                self.add_error(f"{which}_date", f"Enter the {word} date as well as the time, or neither.")
        return data

    def settings(self) -> QuizSettings | None:
        """What was typed, for the service (None when a box could not be read)."""
        if self.errors:
            return None
        data = self.cleaned_data
        minutes = data.get("time_limit_minutes")
        review = {}
        for when in REVIEW_WHEN:
            chosen = set(data.get(f"review_{when}") or [])
            for what in REVIEW_WHAT:
                review[f"review_{what}_{when}"] = what in chosen
        return QuizSettings(
            title=data["title"],
            intro=data.get("intro") or "",
            time_limit=minutes * 60 if minutes else None,
            open_at=join_date_time(data.get("open_date"), data.get("open_time"), dt.time(0, 0)),
            close_at=join_date_time(data.get("close_date"), data.get("close_time"), dt.time(23, 59)),
            attempts_allowed=data["attempts_allowed"],
            grading_method=data["grading_method"],
            pass_mark=data["pass_mark"],
            max_grade=data["max_grade"],
            questions_per_page=data["questions_per_page"],
            shuffle_questions=bool(data.get("shuffle_questions")),
            navigation=data["navigation"],
            review=review,
        )


class RandomQuestionsForm(forms.Form):
    category = forms.ChoiceField(
        label="Category to draw from",
        error_messages={"required": "Choose a category to draw the questions from."},
    )
    include_subcategories = forms.BooleanField(
        label="Draw from its subcategories too", required=False, initial=True
    )
    tags = forms.CharField(
        label="Only questions with these tags (optional)",
        required=False,
        max_length=500,
        help_text="Separate tags with commas. A question must have every tag given.",
    )
    count = _whole("How many random questions", example="5")
    mark = _number("Mark for each")

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Choose a category"), *categories]


class RepaginateForm(forms.Form):
    per_page = _whole("Questions on each page", example="1", help_text="0 puts them all on one page.")


class AdjustmentForm(forms.Form):
    person = forms.CharField(
        label="Learner",
        max_length=254,
        help_text="Their e-mail address or staff number. They must be enrolled on the course.",
        error_messages={"required": "Enter the learner's e-mail address or staff number."},
    )
    extra_minutes = _whole(
        "Extra time in minutes", required=False, example="15", help_text="Leave empty for none."
    )
    extra_percent = _whole(
        "Extra time as a percentage of the time limit",
        required=False,
        example="25",
        help_text="For example 25 for 25% more time. Leave empty for none.",
    )
    extra_attempts = _whole("Extra attempts", required=False, example="1", help_text="Leave empty for none.")
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example, the learner's support plan. Only the course's managers see it.",
        error_messages={"required": "Enter the reason for the adjustment."},
    )

    FIELDS = {"extra_time_seconds": "extra_minutes", "extra_time_percent": "extra_percent"}


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why is it ending? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
