import re

from markupsafe import Markup

from bluelamp.learning.text import render_markdown


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
    assert isinstance(render_markdown("  "), Markup)


def test_markdown_gets_govuk_classes():
    html = render_markdown(
        "# Title\n\nSome **bold** and *em* and `code`.\n\n- one\n- two\n\n1. first\n\n> note\n"
    )
    assert isinstance(html, Markup)
    assert '<h1 class="govuk-heading-l">Title</h1>' in html
    assert '<p class="govuk-body">Some <strong>bold</strong> and <em>em</em>' in html
    assert "<code>code</code>" in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html
    assert '<blockquote class="govuk-inset-text">' in html


def test_tables_are_rendered_as_govuk_tables():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert '<table class="govuk-table">' in html
    assert '<th class="govuk-table__header">a</th>' in html
    assert '<td class="govuk-table__cell">2</td>' in html


def test_links_allowed_schemes_get_noopener():
    html = render_markdown("[site](https://example.org/x) [mail](mailto:a@example.org)")
    assert 'href="https://example.org/x"' in html
    assert 'href="mailto:a@example.org"' in html
    assert html.count('rel="noopener noreferrer"') == 2
    assert 'class="govuk-link"' in html


def test_dangerous_links_lose_their_target():
    html = render_markdown(
        "[a](javascript:alert(1)) [b](data:text/html,hi) [c](/relative) [d](ftp://x.org/f)"
    )
    assert "javascript:" not in html.replace("[a](javascript:alert(1))", "")
    assert 'href="data:' not in html
    assert 'href="/relative"' not in html
    assert 'href="ftp:' not in html


def test_raw_html_is_never_passed_through():
    html = render_markdown(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n'
        '<a href="https://x.org" onclick="evil()">x</a>\n\n<p class="mine" style="color:red">p</p>'
    )
    assert "<script" not in html
    assert "<img" not in html
    # Raw HTML is shown as text; no real tag carries the author's attributes.
    assert not re.search(r"<[^>]*(onclick|onerror|style=|class=\"mine)", html)
    assert "&lt;script&gt;" in html


def test_images_and_author_classes_are_dropped():
    html = render_markdown("![alt](https://x.org/i.png)\n\n## Heading\n")
    assert "<img" not in html
    assert '<h2 class="govuk-heading-m">Heading</h2>' in html


def test_a_summary_as_text_drops_the_markup_but_keeps_the_words():
    from bluelamp.learning.text import markdown_as_text

    text = "Know your **grounds** for a search & the [Code A](https://example.org) rules.\n\n- one\n- two"
    assert markdown_as_text(text) == "Know your grounds for a search & the Code A rules. one two"
    assert markdown_as_text("") == "" and markdown_as_text(None) == ""
    assert (
        markdown_as_text("<script>alert(1)</script> *x*") == "<script>alert(1)</script> x"
    )  # text, escaped on output


def test_the_catalogue_shows_summaries_without_markdown(client, signed_in, bob, national):
    from django.urls import reverse

    from bluelamp.learning.tests.conftest import import_course

    course = import_course(national)
    course.summary = "Know your **grounds** before you search."
    course.save(update_fields=["summary"])
    signed_in(bob)
    page = client.get(reverse("learning:catalogue")).content.decode()
    assert "Know your grounds before you search." in page and "**" not in page
