"""Parts of pages that read the same for every user of a language (and role): the layout's
stylesheet and script links, the brand, the public navigation, a role's navigation links and
the footer; and filter forms, per the filters chosen. Each is rendered once per process,
language and key, and kept.

They hold only translated text and links to fixed endpoints, nothing of a user or of the data
(the account menu, the CSRF token, the unread count and the flashed messages stay in
base.html and are rendered on every request). bench/RESULTS.md has what this saves.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from smplatform import permissions


def layout_fragment(name: str, *key) -> Markup:
    """The template `name` rendered with only `key` (whatever else the template reads);
    kept per language, script root (the prefix of every link) and key."""
    return kept_fragment(name, key=key)


def kept_fragment(name: str, **values) -> Markup:
    """The template `name` rendered with only `values`, which must be hashable and hold all
    the template reads besides translations and links to fixed endpoints (e.g. a filter form
    from the filters chosen); kept like kept_html."""
    key = (name, tuple(sorted(values.items())))
    return kept_html(key, lambda: current_app.jinja_env.get_template(name).render(values))


_KEPT: OrderedDict = OrderedDict()
_KEPT_LOCK = threading.Lock()
KEPT_MAX = 1024


def kept_html(key: tuple, render) -> Markup:
    """`render()` (a page part's HTML) kept per application, language, script root (the
    prefix of every link) and `key`, which must determine the HTML entirely (e.g. a filter
    form: every field's value, errors and choices); the least recently used forgotten first."""
    full = (current_app._get_current_object(), str(get_locale()), request.script_root, *key)
    with _KEPT_LOCK:
        html = _KEPT.get(full)
        if html is not None:
            _KEPT.move_to_end(full)
            return html
    html = Markup(render())  # noqa: S704 (rendered by an autoescaped template)
    with _KEPT_LOCK:
        _KEPT[full] = html
        while len(_KEPT) > KEPT_MAX:
            _KEPT.popitem(last=False)
    return html


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


def role_navigation_key(user) -> tuple:
    """What the role's navigation links depend on (see _layout/nav_role.html)."""
    if permissions.is_applicant(user):
        return ("applicant",)
    if permissions.is_province(user):
        return ("province",)
    if permissions.is_ministry(user):
        return ("ministry", permissions.can_manage_users(user),
                permissions.can_view_audit_log(user))
    if permissions.is_expert(user):
        return ("expert",)
    return ("none",)


def clear() -> None:
    """Forget every kept fragment (tests that change templates or translations)."""
    with _KEPT_LOCK:
        _KEPT.clear()


def init_app(app) -> None:
    app.jinja_env.globals.update(layout_fragment=layout_fragment, kept_fragment=kept_fragment,
                                 role_navigation_key=role_navigation_key)
