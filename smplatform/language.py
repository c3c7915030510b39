"""The request's language, read one way: "zh" (Simplified Chinese, the default) or "en".

Routes use it as `web.lang()`; models, services and documents, which do not import the web
layer, import it from here. The locale itself is chosen in `smplatform.select_locale`.
"""
from __future__ import annotations

from flask import has_request_context
from flask_babel import get_locale


def lang() -> str:
    """"en" when the request's locale is English, else "zh" (also outside a request)."""
    if not has_request_context():
        return "zh"
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"
