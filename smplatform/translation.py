"""Translations looked up once per request.

Flask-Babel looks the current translations up again for every string (a few microseconds
each through its context lookups), which on a page of hundreds of strings was a large part
of its cost (bench/RESULTS.md). The templates' `_()` and the enum labels use these instead.
"""
from __future__ import annotations

from flask import g, has_request_context
from flask_babel import get_translations


def request_translations():
    """The request's translations, looked up once per request and locale (a change of
    locale within the request, e.g. Flask-Babel's force_locale, is noticed)."""
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    cached = getattr(state, "smp_translations", None)
    if cached is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    state = g.get("_flask_babel")  # created by the lookup if it was missing
    if state is not None:
        state.smp_translations = (state.babel_locale, translations)
    return translations


def translated(lazy):
    """A lazy_gettext string translated at once inside a request; left lazy outside one (e.g.
    module-level form choices) or when it has variables."""
    if has_request_context():
        msgid = getattr(lazy, "_args", (None,))[0]
        if isinstance(msgid, str) and not getattr(lazy, "_kwargs", None):
            return request_translations().ugettext(msgid)
    return lazy
