"""Translations looked up once per request, through Flask-Babel's public API only.

Flask-Babel finds the current translations again for every string it translates
(`get_translations()`: its request state, the locale, the domain's cache), some microseconds
each, and a page shows hundreds of strings. The templates' `_()` (templating.py) and the enum
labels (enums.LabelledEnum.label, whose labels are `Label`s) use the translations found once
per request and locale instead. bench/inprocess.py (CPU time per request, 20,000
declarations, bench/RESULTS.md section 8a): with Flask-Babel's own lookups the national list
took 10.9 instead of 10.1 ms and the queue's search 10.6 instead of 9.7. Reading 84 enum labels
one by one costs 0.47 ms with them, 0.83 ms without; `label_map()` and `choices()` look the
translations up once for all of an enum's members.
"""
from __future__ import annotations

from flask import g, has_app_context, has_request_context
from flask_babel import get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString


def request_translations():
    """The translations of the request's locale, looked up once per request and locale (a
    change of locale within the request, e.g. Flask-Babel's force_locale, is noticed)."""
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    kept = g.get("smp_translations")
    if kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    g.smp_translations = (locale, translations)
    return translations


class Label(LazyString):
    """A lazy_gettext string (it behaves like one everywhere) that keeps its message id, so
    that a label read inside a request is translated with the request's translations."""

    def __init__(self, msgid: str) -> None:
        super().__init__(gettext, msgid)
        self.msgid = msgid


def label(msgid: str) -> Label:
    """Like lazy_gettext, for labels (no variables): extracted as `_l` (tools/i18n.py)."""
    return Label(msgid)


def translated(lazy):
    """A Label translated at once inside a request; anything else, or outside a request
    (e.g. module-level form choices), is returned as it is."""
    if isinstance(lazy, Label) and has_request_context():
        return request_translations().ugettext(lazy.msgid)
    return lazy


def translated_all(lazies: list) -> list:
    """Like `translated` for each, with one lookup of the request's translations."""
    if not has_request_context():
        return list(lazies)
    ugettext = request_translations().ugettext
    return [ugettext(lazy.msgid) if isinstance(lazy, Label) else lazy for lazy in lazies]
