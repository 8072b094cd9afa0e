"""Parts of a page kept as HTML in the shared cache.

Drawing a page's main content (twenty course cards, a page of enrolments) with the GOV.UK
macros costs more than reading what it shows; when the same content is asked for again, its HTML
is taken from the cache instead. The caller's key must name everything the HTML depends on
(whose it is, which data version, the query string, the day if dates are compared with today);
the layout around it (header, navigation) is drawn on every request. A part must not hold
anything that belongs to one request: its forms' CSRF field is drawn as `csrf_mark()` and put in
by `fill_csrf` each time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.template.backends.utils import csrf_input
from django.template.loader import get_template
from django.utils.crypto import salted_hmac
from markupsafe import Markup

from bluelamp.core.sharedcache import LocalCopies, read_through

# Drawn HTML (up to some 80 KB each) under keys that name everything it depends on.
_local = LocalCopies(64)


def cached_html(key: Iterable[object], seconds: int, render: Callable[[], str]) -> Markup:
    """`render()`'s HTML (a template drawn with autoescaping: `render_part`), kept for `seconds`
    under `key` (0: drawn every time). The key must name everything the HTML depends on: no write
    drops it, and each process also holds a copy for a few seconds (sharedcache.LocalCopies)."""
    html = read_through(
        seconds,
        lambda: "fragment:v1:" + hashlib.sha256(repr(tuple(key)).encode()).hexdigest(),
        render,
        local=_local,
    )
    return Markup(html)  # noqa: S704 - a template's output, escaped as it was drawn


def render_part(template_name: str, context: dict) -> str:
    """A template drawn with `context` alone: no request, so no context processors (a part's
    context must name everything it uses, `request` included where it builds links)."""
    return get_template(template_name).render(context)


def csrf_mark() -> Markup:
    """Stands for the request's CSRF field in a kept part (no one without the SECRET_KEY can write
    it into their own text, e.g. a course's summary)."""
    mark = salted_hmac("bluelamp.core.fragments.csrf", "mark").hexdigest()[:24]
    return Markup(f"<!--csrf:{mark}-->")  # noqa: S704 - a fixed comment of hex digits


def fill_csrf(html: Markup, request) -> Markup:
    """The part with the request's own CSRF field wherever it was marked."""
    mark = csrf_mark()
    if mark not in html:
        return html
    return Markup(html.replace(mark, str(csrf_input(request))))  # noqa: S704 - Django's own field
