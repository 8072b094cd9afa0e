"""allauth's sign-in forms, with labels and error messages in GOV.UK style.

Each says what went wrong and what to do, in the words a person would use (ACCOUNT_FORMS and
MFA_FORMS in settings point here). The behaviour is allauth's own.
"""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms

_EMAIL = {
    "label": "E-mail address",
    "required": "Enter your e-mail address",
    "invalid": "Enter an e-mail address in the correct format, like name@kent.police.uk",
}
_CODE = {
    "label": "Security code",
    "required": "Enter the 6-digit code from your authenticator app",
}


def _reword(form, **fields) -> None:
    for name, words in fields.items():
        field = form.fields.get(name)
        if field is None:
            continue
        field.label = words["label"]
        field.error_messages = {**field.error_messages, **{k: v for k, v in words.items() if k != "label"}}


class SignInForm(account_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reword(
            self,
            login=_EMAIL,
            password={"label": "Password", "required": "Enter your password"},
            remember={"label": "Keep me signed in on this device"},
        )


class ResetPasswordForm(account_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reword(self, email=_EMAIL)


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reword(
            self,
            password1={"label": "New password", "required": "Enter a new password"},
            password2={"label": "Confirm new password", "required": "Enter the new password again"},
        )


class ReauthenticateForm(account_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reword(self, password={"label": "Password", "required": "Enter your password"})


class AuthenticateForm(mfa_forms.AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reword(
            self,
            code={
                **_CODE,
                "label": "Security code or recovery code",
                "required": "Enter the 6-digit code from your authenticator app, or a recovery code",
            },
        )


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reword(self, code=_CODE)
