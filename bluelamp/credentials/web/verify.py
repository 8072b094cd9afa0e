"""The public verify page: anyone (an employer, an awarding body) checks a certificate by its
code, without signing in. It shows the name, the achievement, the issuer, the date and whether it
is valid, revoked or expired — nothing else about the person."""

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bluelamp.core.ratelimits import public_lookup
from bluelamp.core.timefmt import format_date, london
from bluelamp.credentials import codes, selectors


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Certificate code",
        max_length=40,
        help_text="12 letters and numbers, as printed on the certificate, for example 7K3M-9QXP-2TRW.",
        error_messages={"required": "Enter the certificate's code, as printed on it."},
    )

    def clean_code(self) -> str:
        typed = self.cleaned_data["code"]
        code = codes.normalise(typed)
        if code is None:
            raise forms.ValidationError(
                f"“{typed}” is not a certificate code: a code has 12 letters and numbers, such as 7K3M-9QXP-2TRW."
            )
        return code


def verification(certificate, *, today) -> dict:
    """What the page and the JSON say: only these."""
    status = certificate.status_on(today)
    return {
        "code": certificate.code,
        "status": status,
        "name": certificate.recipient_name,
        "achievement": certificate.achievement_title,
        "issuer": certificate.issuer_name,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "revoked_on": london(certificate.revoked_at).date().isoformat() if certificate.revoked_at else None,
    }


@require_GET
@public_lookup("certificate-verify")
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect(reverse("credentials:verify_code", args=[form.cleaned_data["code"]]))
    return render(request, "credentials/verify/form.html", {"form": form, "title": "Check a certificate"})


@require_GET
@public_lookup("certificate-verify")
def verify_code(request, code: str):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        form = VerifyForm(initial={"code": code})
        return render(
            request,
            "credentials/verify/not_found.html",
            {"form": form, "typed": code, "title": "No certificate has this code"},
            status=404,
        )
    if certificate.code != code:
        return redirect(reverse("credentials:verify_code", args=[certificate.code]))
    today = london(timezone.now()).date()
    facts = verification(certificate, today=today)
    return render(
        request,
        "credentials/verify/result.html",
        {
            "facts": facts,
            "issued_on": format_date(certificate.issued_on),
            "expires_on": format_date(certificate.expires_on) if certificate.expires_on else "",
            "revoked_on": format_date(london(certificate.revoked_at)) if certificate.revoked_at else "",
            "checked_on": format_date(today),
            "title": f"Certificate {certificate.code}",
        },
    )
