"""Descriptions shown in the detail pane: sanitized HTML and plain text with links."""

from __future__ import annotations

from app.description_html import description_markup, plain_to_html, sanitize_html


def test_scripts_styles_handlers_and_images_go():
    dirty = (
        '<p onclick="steal()">Hello <b>world</b><script>alert(1)</script></p>'
        '<style>p{color:red}</style><img src="http://tracker/x.gif"><iframe src="x"></iframe>'
        '<a href="javascript:alert(1)">bad</a> <a href="https://jobs.example/1" target="_blank">good</a>'
    )
    clean = sanitize_html(dirty)
    assert "script" not in clean and "alert" not in clean and "onclick" not in clean and "img" not in clean
    assert "color:red" not in clean and "iframe" not in clean
    assert "<p>Hello <b>world</b></p>" in clean
    assert "<a>bad</a>" in clean and '<a href="https://jobs.example/1">good</a>' in clean


def test_broken_markup_is_closed_and_headings_are_toned_down():
    clean = sanitize_html("<h1>Role</h1><ul><li>one<li>two</ul><div><strong>open")
    assert clean.startswith("<h3>Role</h3>") and clean.endswith("</strong></div>")
    assert clean.count("<li>") == 2


def test_plain_text_gets_paragraphs_lists_and_links():
    markup = plain_to_html("About us <3\n\nYou will\n- build APIs\n- ship https://x.example/a?b=1&c=2\n\nThanks.")
    assert "<p>About us &lt;3</p>" in markup
    assert "<p><b>You will</b></p><ul><li>build APIs</li>" in markup
    assert '<a href="https://x.example/a?b=1&amp;c=2">' in markup


def test_html_wins_when_it_has_text_else_plain_text():
    assert description_markup("<p>Rich</p>", "plain") == "<p>Rich</p>"
    assert description_markup("<script>x</script>", "plain") == "<p>plain</p>"
    assert description_markup(None, None) == ""
