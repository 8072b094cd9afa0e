"""Question and feedback text as learners and markers see it: safe HTML whatever the file said.

Question bank files carry HTML (Moodle XML, GIFT's [html]), Markdown, Moodle's auto-format or
plain text. A bank file is someone else's content, so its HTML is cleaned against a small
allow-list (no scripts, styles, forms, event handlers or images from elsewhere; links only to
http, https and mailto, opened with rel="noopener noreferrer"); Markdown is rendered with raw HTML
off and cleaned the same way; plain and Moodle auto-format text is escaped, line breaks kept.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

__all__ = ["render_text", "text_as_plain"]

_TAGS = {
    "p", "br", "hr", "span", "div",
    "ul", "ol", "li",
    "a",
    "strong", "b", "em", "i", "u", "sub", "sup",
    "code", "pre", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
    "h3", "h4", "h5", "h6",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_text(text: str | None, text_format: str = "html") -> Markup:
    """`text` in `text_format` ("html", "markdown", "plain", "moodle") as safe HTML."""
    if not text:
        return Markup("")
    if text_format == "html":
        return Markup(_clean(text))  # noqa: S704 - cleaned by nh3 against the allow-list above
    if text_format == "markdown":
        return Markup(_clean(_markdown.render(text)))  # noqa: S704 - raw HTML off, then cleaned
    return Markup("<br>".join(str(escape(line)) for line in text.split("\n")))  # noqa: S704 - each line escaped


def text_as_plain(text: str | None, text_format: str = "html") -> str:
    """The words only (for lists, exports and word counts): tags removed, entities decoded."""
    import html as html_lib

    if not text:
        return ""
    if text_format in ("html", "markdown"):
        rendered = _markdown.render(text) if text_format == "markdown" else text
        stripped = nh3.clean(rendered, tags=set(), attributes={})
        return " ".join(html_lib.unescape(stripped).split())
    return " ".join(text.split())
