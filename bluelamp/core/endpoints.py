"""Views that answer a program, never a person (e.g. the SCORM runtime's commits).

Any domain may mark such a view with `machine_endpoint`; the middleware that prepares pages for
people (organisation branding, the MFA redirect for administrators) asks `is_machine_endpoint`
and leaves those requests alone.
"""

from django.urls import Resolver404, resolve


def machine_endpoint(view):
    """Mark a view that answers a program, never a person: no page is rendered, so neither
    branding nor the MFA redirect applies and their lookups are skipped. Such a view must do its
    own access checks (it still requires a signed-in user if it says so)."""
    view.bluelamp_machine_endpoint = True
    return view


# Set by the WSGI application (bluelamp/core/handlers.py), which has already resolved the path.
MACHINE_ENVIRON_KEY = "bluelamp.machine_endpoint"


def is_machine_endpoint(request) -> bool:
    known = request.META.get(MACHINE_ENVIRON_KEY)
    return known if known is not None else is_machine_path(request.path_info)


def is_machine_path(path_info: str) -> bool:
    try:
        match = resolve(path_info)
    except Resolver404:
        return False
    return is_machine_match(match)


def is_machine_match(match) -> bool:
    return getattr(match.func, "bluelamp_machine_endpoint", False)
