"""The request's language, read one way: "zh" (Simplified Chinese, the default) or "en".

Routes use it as `web.lang()`; models, services and documents, which do not import the web
layer, import it from here. The locale itself is chosen by `smplatform.select_locale` (or
forced, e.g. for an e-mail in its recipient's language, with Flask-Babel's force_locale).
"""
from __future__ import annotations

from flask_babel import get_locale


def lang() -> str:
    """"en" when the current locale is English, else "zh" (also outside any context)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"
