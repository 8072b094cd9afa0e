"""The page shown when django-axes has locked sign-in after repeated wrong passwords."""

import datetime as dt

from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render
from django.utils import timezone

from bluelamp.core.timefmt import LONDON


def username_for_lockout(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the address being signed in to, lower-case.

    allauth passes credentials as `email`; axes would otherwise look for the form's `login` field
    only when there are no credentials, and lock "None" (everyone at that address) instead.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if value is None and request is not None:
        value = request.POST.get("login")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def _duration(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def sign_in_locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page in our style, 429, that says when to try again.

    Never echoes the e-mail address or anything else that was typed in.
    """
    cool_off = get_cool_off(request)
    try_again_at = None
    if cool_off:
        try_again_at = (timezone.now() + cool_off).astimezone(LONDON).strftime("%H:%M")
    return render(
        request,
        "people/locked_out.html",
        {
            "title": "Signing in is locked for now",
            "failure_limit": get_failure_limit(request, credentials),
            "wait": _duration(cool_off) if cool_off else "a while",
            "try_again_at": try_again_at,
        },
        status=429,
    )
