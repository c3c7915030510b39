"""Warm a loaded application before gunicorn forks its workers (gunicorn.conf.py when_ready):
the templates compiled, the ORM mappers configured, both languages' translations read. Every
worker, and every worker recycled after max_requests, inherits it instead of doing it again
(a cold worker spent ~1.2 s of CPU on this and its first requests, on a busy machine).
No database connection is left open in the master."""
from __future__ import annotations

from flask import Flask
from flask_babel import force_locale, get_translations
from sqlalchemy.orm import configure_mappers

from smplatform.extensions import db


def warm(app: Flask) -> int:
    """Compile every template, configure the mappers, load the translations; returns the
    number of templates compiled."""
    configure_mappers()
    names = app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html"))
    for name in names:
        app.jinja_env.get_template(name)
    with app.test_request_context():
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                get_translations()
    with app.app_context():
        db.engine.dispose()
    return len(names)
