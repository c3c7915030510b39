"""Jinja globals and filters: dates in China Standard Time, the locale, the language switch."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, g, request
from flask_babel import format_datetime, get_locale, get_translations

from smplatform import clock
from smplatform.services.audit import action_label


def _translations():
    """The request's translations, looked up once per request and locale. (Flask-Babel's own
    template callables look them up again for every `_()`: a few microseconds each, which on
    a page of hundreds of strings was a large part of its cost.)"""
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


def init_app(app: Flask) -> None:
    app.jinja_env.globals["audit_action_label"] = action_label
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )

    @app.template_filter("cst")
    def cst(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
        """Format an aware datetime in China Standard Time (the notice's time zone)."""
        if value is None:
            return ""
        return format_datetime(clock.china(value).replace(tzinfo=None), fmt,
                               rebase=False)

    @app.context_processor
    def globals_():
        locale = get_locale()
        return {
            "current_locale": str(locale) if locale else "zh_CN",
            "html_lang": "en" if locale and locale.language == "en" else "zh-CN",
            "is_htmx": request.headers.get("HX-Request") == "true",
            "now": clock.now,
        }
