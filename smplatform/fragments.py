"""Kept HTML: a page part rendered once and kept, where bench/ shows that this pays.

One store per application, bounded (the least recently used part is forgotten first). A route
asks for a part with `kept_html(key, render)`; the key is the route's business and never
reaches a template, which receives the HTML. A part is kept per language and script root (the
prefix of every link) and `key`, which must determine its HTML entirely.

Kept today, because bench/inprocess.py shows that it pays (CPU time per request at 20,000
declarations, bench/RESULTS.md; each route's docstring or comment says how much):
- the national dashboard's figures, per kept count and batch list (ministry/national.py);
- the national list's filter form, per form state (ministry/declarations.py);
- the province queue's filter form, per filters chosen (province/queue.py).
The layout's fixed parts (links, navigation, footer) were kept too; that saved nothing the
benchmark could tell from its noise, and they are rendered on every request again.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup

EXTENSION = "smplatform.kept_html"


class KeptHTML:
    """Rendered HTML by key, at most `max_parts` of them (least recently used go first)."""

    def __init__(self, max_parts: int = 1024) -> None:
        self.max_parts = max_parts
        self._parts: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> Markup:
        with self._lock:
            html = self._parts.get(key)
            if html is not None:
                self._parts.move_to_end(key)
                return html
        html = Markup(render())  # noqa: S704 (rendered by an autoescaped template)
        with self._lock:
            self._parts[key] = html
            while len(self._parts) > self.max_parts:
                self._parts.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()

    def __len__(self) -> int:
        return len(self._parts)


def kept_html(key: tuple, render: Callable[[], str]) -> Markup:
    """`render()` (a page part's HTML), kept per language, script root and `key`."""
    store: KeptHTML = current_app.extensions[EXTENSION]
    return store.get_or_render((str(get_locale()), request.script_root, *key), render)


def form_key(form) -> tuple:
    """What a rendered WTForms form depends on: each field's name, value, errors and, for
    choice fields, choices (labels already translated or lazy: their text is taken)."""
    key = []
    for f in form:
        choices = getattr(f, "choices", None)
        key.append((f.name, repr(f.data), tuple(map(str, f.errors)),
                    tuple((str(v), str(label)) for v, label, *_ in choices)
                    if choices is not None else None))
    return tuple(key)


def clear() -> None:
    """Forget the current application's kept parts (tests)."""
    current_app.extensions[EXTENSION].clear()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = KeptHTML()
