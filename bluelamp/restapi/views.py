"""The page where a signed-in person creates, sees and revokes their own API tokens."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bluelamp.restapi.forms import ApiTokenForm
from bluelamp.restapi.permissions import needs_mfa_setup
from bluelamp.restapi.selectors import access_api_token, api_tokens_of
from bluelamp.restapi.services import api_token_create, api_token_revoke


def _mfa_first(request):
    """Administrators set up two-factor sign-in before minting a token that acts as them."""
    if needs_mfa_setup(request.user):
        return redirect(reverse("mfa_activate_totp") + "?next=" + request.get_full_path())
    return None


@login_required
# A token acts as its owner for as long as it lives: minting one asks for the password (or
# second factor) again unless the person signed in within the last few minutes, so a session
# left open, or script running in it, cannot mint one quietly. allauth resumes the POST after.
@reauthentication_required(allow_get=True)
def tokens(request):
    if response := _mfa_first(request):
        return response
    form = ApiTokenForm(request.POST or None)
    new_token = new_token_name = None
    if request.method == "POST" and form.is_valid():
        try:
            api_token, new_token = api_token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            new_token_name = api_token.name
            form = ApiTokenForm()
    response = render(
        request,
        "restapi/tokens.html",
        {
            "title": "API tokens",
            "form": form,
            "new_token": new_token,
            "new_token_name": new_token_name,
            "tokens": api_tokens_of(request.user),
            "now": timezone.now(),
        },
    )
    # The page may show a new token: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, token_uuid):
    if response := _mfa_first(request):
        return response
    api_token = access_api_token(request.user, token_uuid)
    name = api_token.name
    api_token_revoke(actor=request.user, api_token=api_token)
    messages.success(
        request, f"The token “{name}” has been revoked. Systems using it can no longer sign in with it."
    )
    return redirect("api_tokens:list")
