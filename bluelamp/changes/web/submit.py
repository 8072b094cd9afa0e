"""The one way changes' pages hand a submitted form to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from bluelamp.core.forms import add_service_errors

T = TypeVar("T")


def through_service(form, action: Callable[[], T], *, missing: str) -> T | None:
    """`action()`'s result if the form is valid and the service accepts it; None otherwise, with
    what was wrong on the form. A service refusing the person is "not found" (`missing`), as
    for something that does not exist."""
    if not form.is_valid():
        return None
    try:
        return action()
    except PermissionDenied:
        raise Http404(missing) from None
    except ValidationError as error:
        add_service_errors(form, error)
        return None
