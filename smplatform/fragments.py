"""Kept HTML: a page part rendered once and kept, where bench/ shows that this pays.

One store per application, bounded (the least recently used part is forgotten first). A part
is kept per language and script root (the prefix of every link) and a key, which must
determine its HTML entirely. Keys stay in Python: a route asks with `kept_html(key, render)`
and gives the template the HTML; base.html writes `{{ layout.head }}` and the like (`Layout`).

Kept, and what bench/inprocess.py measured it to save at 20,000 declarations (`--calls`:
Python function calls per request, which the machine's load does not move; `--clock cpu`:
CPU milliseconds, median of paired runs; bench/RESULTS.md section 8a):
- the layout's fixed parts (`Layout`: links, brand, navigation, footer): 680 of 6,060 calls
  on the home page, 940 of 17,550 on the province queue;
- the national dashboard's figures, per kept count and batch list (ministry/national.py):
  half the page, 10.1 → 4.7 ms;
- the national list's filter form, per form state (ministry/declarations.py): 15%;
- the province queue's filter form, per filters chosen (province/queue.py): 7%.
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


class Layout:
    """The layout's fixed parts for base.html, each rendered once per language (the role's
    links: per role and, for the administrators, the permissions that add links) and kept.
    They hold translated text and links to fixed endpoints, nothing of a user or of the data:
    the account menu, CSRF tokens, the unread count and flashed messages are rendered on
    every request."""

    @staticmethod
    def _part(name: str, **values) -> Markup:
        return kept_html((name, *sorted(values.items())), lambda: current_app.jinja_env
                         .get_template(name).render(values))

    @property
    def head(self) -> Markup:
        return self._part("_layout/head.html")

    @property
    def skip(self) -> Markup:
        return self._part("_layout/skip.html")

    @property
    def brand(self) -> Markup:
        return self._part("_layout/brand.html")

    @property
    def nav_public(self) -> Markup:
        return self._part("_layout/nav_public.html")

    @property
    def footer(self) -> Markup:
        """The government site's footer, with the deployment's settings (site.py)."""
        from smplatform.site import site_settings
        return self._part("_layout/footer.html", site=site_settings())

    @property
    def nav_role(self) -> Markup:
        """The signed-in role's links."""
        from flask_login import current_user as user

        from smplatform import permissions as p
        links = dict.fromkeys(("applicant", "province", "ministry", "expert", "city",
                               "admin", "accounts", "security", "audit_log"), False)
        if p.is_applicant(user):
            links["applicant"] = True
        elif p.is_province(user):
            links["province"] = True
        elif p.is_ministry(user):
            links["ministry"] = True
        elif p.is_expert(user):
            links["expert"] = True
        elif p.is_city(user):
            links["city"] = True
        elif p.is_administrator(user):
            links.update(admin=True, accounts=p.can_manage_users(user),
                         security=p.can_manage_security(user),
                         audit_log=p.can_view_audit_log(user))
        return self._part("_layout/nav_role.html", **links)


def clear() -> None:
    """Forget the current application's kept parts (tests)."""
    current_app.extensions[EXTENSION].clear()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = KeptHTML()

    app.jinja_env.globals["layout"] = Layout()
