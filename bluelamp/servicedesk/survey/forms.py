"""The survey's three questions. Shape only; the service decides what is accepted."""

from django import forms

from bluelamp.servicedesk.survey.models import COMMENT_MAX_LENGTH, SatisfactionResponse

SOLVED_CHOICES = [("yes", "Yes"), ("no", "No")]


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Overall, how satisfied are you with how we handled your request?",
        choices=SatisfactionResponse.Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how satisfied you are, from very satisfied to very dissatisfied",
            "invalid_choice": "Choose one of the five answers, from very satisfied to very dissatisfied",
        },
    )
    solved = forms.ChoiceField(
        label="Was your problem solved?",
        choices=SOLVED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose yes or no: was your problem solved?",
            "invalid_choice": "Choose yes or no: was your problem solved?",
        },
    )
    comment = forms.CharField(
        label="Anything you would like to tell us? (optional)",
        help_text=f"What went well, or what we could do better. Up to {COMMENT_MAX_LENGTH} characters. "
        "Do not include passwords.",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": f"Shorten your comment to {COMMENT_MAX_LENGTH} characters or fewer "
            "(it has %(show_value)d)"
        },
    )

    def answers(self) -> dict:
        data = self.cleaned_data
        return {"score": data["score"], "solved": data["solved"] == "yes", "comment": data["comment"]}
