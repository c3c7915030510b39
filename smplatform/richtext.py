"""Formatted text written by staff (announcement bodies, FAQ answers): Markdown rendered to
HTML, then sanitised.

Markdown (markdown-it-py, CommonMark with tables and strikethrough) is the only input
language: raw HTML in the source is escaped, not passed through. The rendered HTML is then
cleaned by nh3 (the Ammonia sanitiser) against a short allow-list of tags, attributes and URL
schemes, so that even a bug in the renderer cannot let a script, an event handler, a
`javascript:` link, a style or a frame through. Headings move one level down (# becomes <h2>):
the page's own title is its only <h1>.

Rendering is a pure function of the text, kept in a small LRU cache (a notice is read far more
often than it is written).
"""
from __future__ import annotations

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = frozenset({"p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del",
                  "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead",
                  "tbody", "tr", "th", "td"})
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])

    def shift_headings(state) -> None:
        for token in state.tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    md.core.ruler.push("shift_headings", shift_headings)
    return md


_MD = _markdown()


def clean(html: str) -> str:
    """HTML reduced to the allow-list (tags, attributes, http/https/mailto links)."""
    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


@lru_cache(maxsize=512)
def _render(source: str) -> str:
    return clean(_MD.render(source))


def render(source: str | None) -> Markup:
    """Safe HTML of a Markdown text (empty for none)."""
    if not source:
        return Markup("")
    return Markup(_render(source))  # noqa: S704 (sanitised by nh3 just above)


def plain(source: str | None, limit: int = 200) -> str:
    """The text without markup, for summaries and the feed's excerpts: at most `limit`
    characters, cut at a word where there is one."""
    if not source:
        return ""
    text = " ".join(nh3.clean(_render(source), tags=set()).split())
    text = html.unescape(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip() + "…"
