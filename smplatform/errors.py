"""Error pages in both languages; never a stack trace outside debug."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from smplatform.extensions import db
from smplatform.web import page

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try "
                                "again.")),
    401: (_l("Please sign in"), _l("You need to sign in to see this page.")),
    403: (_l("Not allowed"), _l("Your account is not allowed to see this page or do this.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check the link, or start "
                                   "again from the home page.")),
    405: (_l("Not allowed"), _l("This address does not accept this kind of request.")),
    413: (_l("Upload too large"), _l("The file or form you sent is larger than the platform "
                                     "accepts. Nothing was saved. Reduce its size and try "
                                     "again.")),
    429: (_l("Too many requests"), _l("Too many attempts in a short time. Wait a minute and "
                                      "try again.")),
    503: (_l("The platform is busy"), _l("The platform is busy right now and could not save "
                                         "your request. Nothing was saved. Wait a moment and "
                                         "try again.")),
    500: (_l("Something went wrong"), _l("The platform could not finish your request. Nothing "
                                         "was half-saved; please try again. If it keeps "
                                         "happening, contact the help desk.")),
}


def render_error(status: int, detail=None):
    """The error page, or for an htmx request its message alone (swapped where the answer
    was expected)."""
    title, text = MESSAGES.get(status, MESSAGES[500])
    return page("errors/error.html", fragment="errors/_error.html", status=status,
                code=status, title=title, text=text, detail=detail)


# PostgreSQL SQLSTATEs of a request that waited too long or lost a lock race:
# lock_not_available (lock_timeout), query_canceled (statement_timeout), deadlock_detected,
# serialization_failure.
BUSY_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})


def is_busy_error(error: OperationalError) -> bool:
    """Whether a database error means "busy, try again" rather than a real fault."""
    orig = getattr(error, "orig", None)
    if getattr(orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return "database is locked" in str(orig) or "database table is locked" in str(orig)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("The form expired or did not come from this site. "
                                    "Reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(Exception)
    def server_error(error):
        if app.debug or (app.testing and not app.config.get("RENDER_500_IN_TESTS")):
            raise error
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)

    @app.errorhandler(OperationalError)
    def database_busy(error):
        """A lock held too long (another writer, maintenance): roll back, so nothing of the
        request is saved, and say so with 503 and Retry-After instead of a 500."""
        if not is_busy_error(error):
            return server_error(error)
        db.session.rollback()
        app.logger.warning("Database busy, request refused: %s", error.orig)
        response = render_error(503)
        response.headers["Retry-After"] = "30"
        return response
