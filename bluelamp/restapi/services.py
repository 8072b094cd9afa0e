"""Writes for API tokens. knox stores only a hash: the token is returned once, to be shown once.

Creating and revoking are audited by name and expiry, never with the token or its digest.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from knox.models import get_token_model

from bluelamp.audit.api import audit_record
from bluelamp.core.validation import text_errors
from bluelamp.restapi.models import ApiToken

# Enough for every system a person integrates; more suggests tokens being shared or leaked.
MAX_TOKENS_PER_PERSON = 20
EXPIRY_CHOICES_DAYS = (30, 90, 365)


def api_token_create(*, actor, name: str, expires_in_days: int | None) -> tuple[ApiToken, str]:
    """A new token acting as `actor`, with `actor`'s own access. Returns the record and the token.

    Anyone signed in may have tokens for themselves (the token page first asks administrators to
    set up two-factor sign-in); no one makes one for someone else. A leaver has none.
    """
    if not getattr(actor, "is_active", False):
        raise PermissionDenied("Only people who are signed in can have API tokens.")
    name = " ".join((name or "").split())
    existing = ApiToken.objects.filter(auth_token__user=actor)
    if not name:
        raise ValidationError(
            {"name": "Enter a name that says what the token is for, e.g. “HR nightly sync”."}
        )
    if len(name) > 100:
        raise ValidationError({"name": "The name must be 100 characters or fewer."})
    errors = text_errors(name=name)
    if errors:
        raise ValidationError(errors)
    if existing.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"You already have a token called “{name}”. Choose another name."})
    if existing.count() >= MAX_TOKENS_PER_PERSON:
        raise ValidationError(
            {
                "name": f"You have {MAX_TOKENS_PER_PERSON} tokens, the most allowed. Revoke one you no longer use."
            }
        )
    if expires_in_days is not None and expires_in_days not in EXPIRY_CHOICES_DAYS:
        accepted = ", ".join(str(days) for days in EXPIRY_CHOICES_DAYS)
        raise ValidationError({"expires_in_days": f"Choose {accepted} days, or no expiry."})
    expiry = dt.timedelta(days=expires_in_days) if expires_in_days else None
    with transaction.atomic():
        auth_token, token = get_token_model().objects.create(user=actor, expiry=expiry)
        api_token = ApiToken.objects.create(auth_token=auth_token, name=name)
        audit_record(
            actor=actor,
            action="api_token.create",
            organisation=actor.organisation,
            obj=api_token,
            after={"name": name, "expires": auth_token.expiry or "never"},
        )
    return api_token, token


def api_token_revoke(*, actor, api_token: ApiToken) -> None:
    """Delete the token: requests using it fail from now on. Only its owner revokes it."""
    auth_token = api_token.auth_token
    if auth_token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("You can revoke only your own tokens.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="api_token.revoke",
            organisation=actor.organisation,
            obj=api_token,
            before={
                "name": api_token.name,
                "created": auth_token.created,
                "expires": auth_token.expiry or "never",
                "last_used": api_token.last_used_at,
            },
        )
        auth_token.delete()  # cascades to the ApiToken row
