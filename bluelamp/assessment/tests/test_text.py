"""Question text from bank files is shown safely, whatever format it came in."""

from bluelamp.assessment.shared.text import render_text, text_as_plain


def test_html_from_a_file_loses_scripts_handlers_and_unsafe_links():
    html = '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:evil()">x</a><img src=//e/x.png></p>'
    out = str(render_text(html, "html"))
    assert "script" not in out and "onclick" not in out and "javascript" not in out and "img" not in out
    assert "<p>Hi" in out


def test_markdown_plain_and_moodle_text():
    assert "<strong>bold</strong>" in render_text("**bold** <b>raw</b>", "markdown")
    assert "&lt;b&gt;" in render_text("**bold** <b>raw</b>", "markdown")
    assert str(render_text("a < b\nc", "plain")) == "a &lt; b<br>c"
    assert str(render_text("a < b", "moodle")) == "a &lt; b"


def test_plain_words():
    assert text_as_plain("<p>Fish &amp; <b>chips</b></p>") == "Fish & chips"
    assert text_as_plain("**x**  y", "markdown") == "x y"
