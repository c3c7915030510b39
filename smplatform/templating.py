"""Jinja globals and filters: dates in China Standard Time, the locale, the language switch."""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime
from jinja2 import pass_context
from markupsafe import Markup

from smplatform import clock, richtext
from smplatform.enums import (
    AnnouncementState,
    DeclarationState,
    ReviewState,
    SubmissionState,
    class_label,
)
from smplatform.presenters.audit import detail_rows, object_label
from smplatform.language import lang
from smplatform.rules.evaluation import Conclusion, EntryStatus, TaskState
from smplatform.services.audit import action_label
from smplatform.translation import request_translations
from smplatform.web import is_htmx


def _bound_gettext(lookup):
    """Jinja's newstyle gettext (escaped, always %-formatted) over one translations object."""
    @pass_context
    def gettext(__context, __string: str, **variables) -> str:
        text = lookup(__string)
        if __context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (a translation, as Jinja's own gettext does)
        return text % variables
    return gettext


# CLDR date patterns made only of numbers, which read the same in Chinese and English.
NUMERIC_PATTERNS = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M",
                    "yyyy-MM-dd HH:mm:ss": "%Y-%m-%d %H:%M:%S",
                    "yyyy-MM-dd": "%Y-%m-%d", "HH:mm:ss": "%H:%M:%S", "HH:mm": "%H:%M"}


# The states templates compare with (never a state's string written out).
STATE_ENUMS = {e.__name__: e for e in (AnnouncementState, DeclarationState, ReviewState,
                                       SubmissionState, TaskState, EntryStatus, Conclusion)}


def _declaration_progress(declaration):
    """The step indicator and next step of a declaration, for the signed-in user's role."""
    from flask_login import current_user

    from smplatform.presenters import progress
    return progress.declaration_progress(progress.facts_of(declaration), current_user.role)


def _filing_progress(task):
    from flask_login import current_user

    from smplatform.presenters import progress
    return progress.filing_progress(progress.filing_facts_of(task), current_user.role)


def _waiting_for(user):
    from smplatform.presenters import waiting
    return waiting.for_user(user)


def _pdf_name(declaration) -> str:
    from smplatform.documents.declaration_pdf import filename
    return filename(declaration)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["audit_action_label"] = action_label
    from smplatform.services import organisation_history
    # An organisation's earlier declarations and demonstrations beside a declaration, and the
    # earlier declarations a draft can start from (templates/_history/).
    app.jinja_env.globals["organisation_history"] = organisation_history.history
    app.jinja_env.globals["copy_sources"] = organisation_history.sources_for
    from smplatform.services import deadlines
    app.jinja_env.globals["declaration_deadline"] = deadlines.declaration_deadline
    app.jinja_env.globals["extension_limit"] = deadlines.extension_limit
    from smplatform.services import review_assignments
    app.jinja_env.globals["overdue_reviews"] = review_assignments.overdue_reviews
    app.jinja_env.globals["audit_details"] = detail_rows
    app.jinja_env.globals["class_label"] = class_label
    app.jinja_env.globals["declaration_progress"] = _declaration_progress
    app.jinja_env.globals["filing_progress"] = _filing_progress
    app.jinja_env.globals["declaration_pdf_name"] = _pdf_name
    app.jinja_env.globals["waiting_for"] = _waiting_for
    app.jinja_env.globals["audit_object"] = object_label
    app.jinja_env.globals.update(STATE_ENUMS)
    app.jinja_env.filters["richtext"] = richtext.render
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )

    @app.template_filter("cst")
    def cst(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
        """Format an aware datetime in China Standard Time (the notice's time zone)."""
        if value is None:
            return ""
        local = clock.china(value).replace(tzinfo=None)
        numeric = NUMERIC_PATTERNS.get(fmt)
        if numeric:  # the same digits in every locale: no Babel pattern walk (a list's rows)
            return local.strftime(numeric)
        return format_datetime(local, fmt, rebase=False)

    @app.context_processor
    def globals_():
        language = lang()
        return {
            # `_()` bound to this request's translations: the global one looks them up again
            # for each of a page's strings (bench/RESULTS.md).
            "gettext": _bound_gettext(request_translations().ugettext),
            "lang": language,  # "zh" or "en", as web.lang()
            "html_lang": "en" if language == "en" else "zh-CN",
            "is_htmx": is_htmx(),
            "now": clock.now,
        }
