"""Rate limits on public lookups anyone can call without signing in (the licence check, checking a
certificate by its code): so that no one can walk through every organisation or guess codes at
speed. Counted in the shared cache (Redis in production, so every process counts together) by
django-ratelimit, per client address (`RATELIMIT_IP_META_KEY` names the header a trusted reverse
proxy sets, e.g. HTTP_X_FORWARDED_FOR; see docs/operations.md).

Sign-in and password reset are limited by allauth (ACCOUNT_RATE_LIMITS) and django-axes; behind a
proxy they find the client's address where django-ratelimit does (`client_address`).

Over the limit, a page answers 429 with a page that says when to try again, and an API view 429
with JSON; both with Retry-After. The rates are settings (`RATE_LIMIT_PUBLIC_LOOKUPS`, "60/m").
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

RETRY_AFTER_SECONDS = 60


def client_address(request) -> str:
    """The client's address as django-ratelimit counts it: from the header a trusted reverse proxy
    sets (`RATELIMIT_IP_META_KEY`), else the connection's. django-axes' AXES_CLIENT_IP_CALLABLE
    when that setting is made; a value that is not an address counts as the connection's."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    given = (request.META.get(key) or "").strip() if isinstance(key, str) else ""
    try:
        return str(ipaddress.ip_address(given))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "")


def _rate() -> str:
    return getattr(settings, "RATE_LIMIT_PUBLIC_LOOKUPS", "60/m")


def limited(request, group: str) -> bool:
    """Count this request against `group` for its client address; True when over the limit."""
    return is_ratelimited(request, group=group, key="ip", rate=_rate(), increment=True)


def too_many_page(request):
    response = render(
        request,
        "429.html",
        {"title": "Too many requests", "retry_after": RETRY_AFTER_SECONDS},
        status=429,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def too_many_json():
    response = JsonResponse(
        {"detail": f"Too many requests from your address: wait {RETRY_AFTER_SECONDS} seconds and try again."},
        status=429,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def public_lookup(group: str, *, json: bool = False):
    """Decorate a public view (a function, or an APIView's `get`) with the public lookups' limit."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            request = args[0] if not hasattr(args[0], "request") else args[1]
            if getattr(settings, "RATELIMIT_ENABLE", True) and limited(request, group):
                return too_many_json() if json else too_many_page(request)
            return view(*args, **kwargs)

        return wrapped

    return decorate
