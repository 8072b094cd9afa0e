"""The forms of certificates' pages. They check what a form can (a choice from the list, a number,
a length); what belongs together (one certificate in use per achievement, a reason to revoke) is
checked by the services, whose errors the views show on these fields (core.forms.add_service_errors)."""

from __future__ import annotations

from django import forms

from bluelamp.core.forms import text_area
from bluelamp.credentials.achievements import Achievement
from bluelamp.credentials.services import TemplateInput

NAME_LENGTH = 200


def _text(label: str, *, help_text: str = "", required: bool = False, error: str = "") -> forms.CharField:
    """A one-line box whose "too long" error names the field and the length typed."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=NAME_LENGTH,
        error_messages={
            "required": error or f"Enter the {label.lower()}",
            "max_length": f"{label} can be at most %(limit_value)d characters: this one has %(show_value)d.",
        },
    )


def achievement_key(achievement: Achievement) -> str:
    """The value of an achievement in the select: its kind and UUID ("course:1b4e…")."""
    return f"{achievement.kind}:{achievement.uuid}"


class TemplateForm(forms.Form):
    """A certificate template's fields (services.TemplateInput); creating one also asks which
    course or programme it is for."""

    achievement = forms.ChoiceField(
        label="Course or programme",
        help_text="A course or programme can have one certificate in use at a time.",
        error_messages={
            "required": "Choose the course or programme the certificate is for",
            "invalid_choice": "“%(value)s” is not a course or programme you may make a certificate for: "
            "choose one from the list",
        },
    )
    title = _text(
        "Achievement's name on the certificate",
        help_text="Leave it empty to print the course's or programme's own title.",
        error="Enter the achievement's name as the certificate prints it",
    )
    wording = _text(
        "Wording",
        help_text="The words between the person's name and the achievement.",
        required=True,
        error='Enter the words between the name and the achievement, e.g. "has successfully completed"',
    )
    description = text_area(
        "What it takes (optional)",
        help_text="The criteria, in a sentence or two: shown on the badge and to whoever checks it.",
        required=False,
        rows=3,
    )
    signatory_name = _text("Signatory's name (optional)", help_text="Printed under the signature line.")
    signatory_role = _text("Signatory's role (optional)", help_text="For example, Head of Learning.")
    valid_for_months = forms.CharField(
        label="Valid for (months, optional)",
        help_text="Leave it empty if it never expires. For mandatory training, match its renewal: "
        "12 for a course done every year.",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"max_length": "Enter the validity as a number of months from 1 to 240"},
    )
    issue_automatically = forms.BooleanField(
        label="Issue it automatically when someone completes it on Bluelamp",
        help_text="Untick to issue it only by hand.",
        required=False,
    )
    badge = forms.BooleanField(
        label="Also issue it as an Open Badge",
        help_text="A signed credential (Open Badges 3.0) the person can keep in a digital wallet or "
        "share with an employer, who can check it without asking you.",
        required=False,
    )

    def __init__(
        self,
        *args,
        achievements: list[tuple[str, list[Achievement]]] | None = None,
        taken: frozenset[str] = frozenset(),
        **kwargs,
    ):
        """`achievements`: (kind label, achievements of that kind) to choose from, when creating
        (None: changing a template, whose achievement stays); `taken`: the keys of those that
        have a certificate in use already."""
        super().__init__(*args, **kwargs)
        self.achievements: dict[str, Achievement] = {}
        self.taken = taken
        if achievements is None:
            del self.fields["achievement"]
            title = self.fields["title"]
            title.required = True
            title.help_text = ""
            return
        choices: list[tuple[str, str]] = [("", "Choose a course or programme")]
        for label, found in achievements:
            for achievement in found:
                key = achievement_key(achievement)
                self.achievements[key] = achievement
                text = f"{label}: {achievement.code} {achievement.title}".replace(" :", ":")
                if key in taken:
                    text += " (has a certificate in use)"
                choices.append((key, text))
        achievement_field = self.fields["achievement"]
        assert isinstance(achievement_field, forms.ChoiceField)
        achievement_field.choices = choices

    def clean_achievement(self) -> Achievement:
        key = self.cleaned_data["achievement"]
        achievement = self.achievements[key]
        if key in self.taken:
            raise forms.ValidationError(
                f"{achievement.code} {achievement.title} already has a certificate in use: change that one, "
                "or retire it first."
            )
        return achievement

    def clean_valid_for_months(self) -> int | None:
        typed = self.cleaned_data["valid_for_months"].strip()
        if not typed:
            return None
        if not typed.isdigit():
            raise forms.ValidationError(
                f"“{typed}” is not a number of months: enter a whole number from 1 to 240, or leave it "
                "empty if it never expires."
            )
        return int(typed)

    def template_input(self) -> TemplateInput:
        data = self.cleaned_data
        title = data["title"].strip()
        if not title and data.get("achievement") is not None:
            title = data["achievement"].title
        return TemplateInput(
            title=title,
            wording=data["wording"],
            description=data["description"],
            signatory_name=data["signatory_name"],
            signatory_role=data["signatory_role"],
            valid_for_months=data["valid_for_months"],
            issue_automatically=data["issue_automatically"],
            badge=data["badge"],
        )


class ShareForm(forms.Form):
    """The recipient's switch: anyone with the link may fetch their badge, or only they may."""

    shared = forms.ChoiceField(
        choices=[("on", "Share"), ("off", "Stop sharing")],
        error_messages={
            "required": "Choose whether to share your badge: on or off",
            "invalid_choice": "“%(value)s” is not a choice here: share your badge (on) or stop sharing it (off)",
        },
    )


class FindPersonForm(forms.Form):
    """Issuing by hand, first step: whom for."""

    person = forms.CharField(
        label="Staff number or e-mail address",
        help_text="Of the person who completed the course.",
        max_length=254,
        error_messages={
            "required": "Enter the person's staff number or e-mail address",
            "max_length": "A staff number or e-mail address has at most %(limit_value)d characters: "
            "this one has %(show_value)d",
        },
    )


class ChooseCompletionForm(forms.Form):
    """Issuing by hand, second step: which of the person's completions of the course it is for."""

    person = forms.CharField(widget=forms.HiddenInput)
    completion = forms.ChoiceField(
        label="Completion it is for",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the completion the certificate is for",
            "invalid_choice": "Choose one of the completions listed: “%(value)s” is not one of them",
        },
    )

    def __init__(self, *args, completions: list[tuple[str, str]], label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        completion = self.fields["completion"]
        assert isinstance(completion, forms.ChoiceField)
        completion.choices = completions
        if label:
            completion.label = label


class RevokeForm(forms.Form):
    reason = text_area(
        "Reason",
        help_text="Why it is revoked (issued in error, the award withdrawn). The audit log keeps it; "
        "the person and those who check the certificate see only that it was revoked, and when.",
        error="Give the reason for revoking it: the audit log keeps it",
        rows=3,
    )


class WithdrawKeyForm(forms.Form):
    reason = text_area(
        "Reason",
        help_text="Why it is withdrawn (for example, its private key may have leaked). The audit log keeps it.",
        error="Give the reason for withdrawing the key: the audit log keeps it",
        rows=3,
    )
