"""Article bodies as HTML: plain text with three conventions, every character escaped.

Why not Markdown: Markdown passes raw HTML through, so a public page would need a sanitiser (a new
dependency and a policy to keep right). Articles need paragraphs, bullets and headings, nothing
more; this builds only those elements and escapes all text, so no author can put markup, scripts
or links with odd schemes on a page.
"""

from markupsafe import Markup, escape

# Markup.format escapes every argument: only these fixed tags are ever trusted.
_HEADING = Markup('<h2 class="govuk-heading-m">{}</h2>')
_LIST = Markup('<ul class="govuk-list govuk-list--bullet">{}</ul>')
_ITEM = Markup("<li>{}</li>")
_PARAGRAPH = Markup('<p class="govuk-body">{}</p>')
_BREAK = Markup("<br>")
_EMPTY = Markup("")
_NEWLINE = Markup("\n")


def render_body(body: str) -> Markup:
    """Blank line = new paragraph; "- " or "* " = bullet; "## " = heading; single newlines kept."""
    parts: list[Markup] = []
    for block in (body or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("## "):
            parts.append(_HEADING.format(lines[0][3:].strip()))
        elif all(line.lstrip().startswith(("- ", "* ")) for line in lines):
            items = _EMPTY.join(_ITEM.format(line.lstrip()[2:].strip()) for line in lines)
            parts.append(_LIST.format(items))
        else:
            parts.append(_PARAGRAPH.format(_BREAK.join(escape(line) for line in lines)))
    return _NEWLINE.join(parts)
