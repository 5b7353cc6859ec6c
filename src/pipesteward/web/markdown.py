"""Runbooks rendered as HTML: CommonMark with raw HTML escaped, never passed through."""

from __future__ import annotations

from markupsafe import Markup


def render_markdown(text: str) -> Markup:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    return Markup(md.render(text))  # markdown-it escaped the text itself
