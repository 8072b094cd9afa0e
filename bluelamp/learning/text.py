"""Rich text for course pages: Markdown in, sanitised GOV.UK-styled HTML out.

Authors write Markdown; learners see HTML. Raw HTML in the Markdown is never
passed through (markdown-it runs with ``html`` off) and the rendered HTML is
cleaned again by nh3 against a small allow-list, so a course author cannot put
script, styles, images or forms on a learner's page. Links may only point at
http, https or mailto addresses and always carry ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

__all__ = ["markdown_as_text", "render_markdown"]

_ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6",
    "p", "br", "hr",
    "ul", "ol", "li",
    "a",
    "strong", "em",
    "code", "pre",
    "blockquote",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip

_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}

# GOV.UK Frontend classes: added by the sanitiser (so an author cannot set
# their own classes) rather than by the Markdown renderer.
_GOVUK_CLASSES = {
    "h1": {"class": "govuk-heading-l"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "h5": {"class": "govuk-heading-s"},
    "h6": {"class": "govuk-heading-s"},
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "hr": {"class": "govuk-section-break govuk-section-break--m govuk-section-break--visible"},
    "blockquote": {"class": "govuk-inset-text"},
    "table": {"class": "govuk-table"},
    "thead": {"class": "govuk-table__head"},
    "tbody": {"class": "govuk-table__body"},
    "tr": {"class": "govuk-table__row"},
    "th": {"class": "govuk-table__header"},
    "td": {"class": "govuk-table__cell"},
}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    """Render author Markdown to safe HTML for a Jinja2 template.

    Returns ``Markup`` so templates can output it without ``|safe``; empty or
    missing text gives an empty string.
    """
    if not text or not text.strip():
        return Markup("")
    return Markup(_rendered(text))  # noqa: S704 - cleaned by nh3 against the allow-list below


# The same text always renders the same: a catalogue page shows twenty summaries and a course
# page its own, each rendered once per process rather than on every request (a few MB at most).
@lru_cache(maxsize=2048)
def _rendered(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        # Relative and fragment links are refused too: course pages are shown
        # inside the platform and elsewhere, so only absolute targets work.
        url_relative="deny",
        link_rel="noopener noreferrer",
        set_tag_attribute_values=_GOVUK_CLASSES,
        strip_comments=True,
    )


def markdown_as_text(text: str | None) -> str:
    """The words of author Markdown without its markup, for a one-line summary (a catalogue card):
    "Know your **grounds**" reads "Know your grounds", not with its asterisks."""
    if not text or not text.strip():
        return ""
    return _words(text)


@lru_cache(maxsize=2048)
def _words(text: str) -> str:
    import html

    words = nh3.clean(_markdown.render(text), tags=set())
    return " ".join(html.unescape(words).split())
