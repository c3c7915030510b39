"""One way through every request: the web steps every route uses, written once.

A route reads in about five lines::

    @routes.post("/declarations/<int:declaration_id>/pass")
    def pass_(declaration_id):
        d = load(Declaration, declaration_id, can_review_declaration)   # 404 / 403, once
        return perform(lambda: review.pass_declaration(declaration=d, actor=current_user),
                       done=_("Passed."), then=url_for(".declaration", declaration_id=d.id))

- `Routes` records a module's routes; the area's package puts them on its blueprint
  (`area()`), so a route module never imports its package (no import circle).
- `load` and `allow` are the permission step: `check(user, obj)` for every check, 404 when
  the object is missing, 403 when the check says no. A route that answers without passing
  through one of them fails the test suite (`CHECK_PERMISSION_STEP`, on in testing).
- `perform` runs one service call: commit on success; on `DomainError` roll back and show
  the message (flashed, or through `failed`); then redirect, or answer htmx. Routes never
  commit, roll back or catch `DomainError` themselves.
- `page` renders a page or, for an htmx request (aimed at its target), its fragment, and
  always adds `HX-Request` to `Vary`.
- `lang()` is the request's language ("zh" or "en"), read one way.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy import inspect as sa_inspect

from smplatform.extensions import db
from smplatform.language import lang as lang  # the request's language, re-exported
from smplatform.services import DomainError

Check = Callable[[Any, Any], bool]

PAGE_SIZE = 50  # rows of a list page, unless the list says otherwise


def is_htmx() -> bool:
    """Whether htmx sent the request (its `HX-Request` header)."""
    return request.headers.get("HX-Request") == "true"


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path of this site, else None (never an open redirect).

    Control characters and whitespace are removed first, as browsers do when they follow a
    Location (`/\t/evil.example` would otherwise become `//evil.example`); what is left must
    be a path starting with one slash, without a backslash, scheme or host, and so must its
    percent-decoded form (no `/%09/evil.example` either).
    """
    if not target:
        return None
    cleaned = _without_blanks(target)
    for form in (cleaned, _without_blanks(unquote(cleaned))):
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    return cleaned


def _without_blanks(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace())


# ------------------------------------------------------------------------ routes and areas


class Routes:
    """A route module's routes (and context processors), recorded until its area's package
    registers them on the blueprint. Endpoints are the function names, as with `Blueprint`."""

    def __init__(self) -> None:
        self._deferred: list[Callable[[Blueprint], None]] = []

    def route(self, rule: str, **options):
        def decorator(view):
            endpoint = options.pop("endpoint", view.__name__)
            self._deferred.append(
                lambda bp: bp.add_url_rule(rule, endpoint, view, **options))
            return view
        return decorator

    def get(self, rule: str, **options):
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options):
        return self.route(rule, methods=["POST"], **options)

    def context_processor(self, function):
        self._deferred.append(lambda bp: bp.context_processor(function))
        return function

    def app_template_global(self, function):
        self._deferred.append(lambda bp: bp.app_template_global()(function))
        return function

    def register(self, bp: Blueprint) -> None:
        for deferred in self._deferred:
            deferred(bp)


def area(name: str, import_name: str, modules: Iterable, *, guard: Callable | None = None,
         url_prefix: str | None = None) -> Blueprint:
    """An area's blueprint: `guard` runs before each of its requests (sign-in and role); the
    routes of each module in `modules` (its `routes`) are put on it."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    if guard is not None:
        bp.before_request(guard)
    for module in modules:
        module.routes.register(bp)
    return bp


def signed_in_as(check: Callable[[Any], bool]):
    """An area's guard: 401 (the sign-in page) when signed out, 403 unless `check(user)`."""
    def guard():
        if not getattr(current_user, "is_authenticated", False):
            from smplatform.extensions import login_manager
            return login_manager.unauthorized()
        if not check(current_user):
            abort(403)
        return None
    return guard


# --------------------------------------------------------------------- the permission step


def _checked() -> None:
    g.permission_checked = True


def allow(check: Check, obj: Any = None, *, fresh: bool = False) -> None:
    """The permission step of a route that loads no object by id (a list, a form that
    creates one): go on when `check(current_user, obj)`; else 403, or the sign-in page when
    the user is signed out (as Flask-Login's `login_required`). `fresh`: a sensitive action,
    which also needs a recent proof of identity (`require_fresh_sign_in`)."""
    if not check(current_user, obj):
        if not getattr(current_user, "is_authenticated", False):
            from smplatform.extensions import login_manager
            abort(login_manager.unauthorized())
        abort(403)
    _checked()
    if fresh:
        require_fresh_sign_in()


class Loader:
    """A model with loader options (relationships in the same query), its statement built
    once: `load(LOADER, ident, check)` in place of `load(Model, ident, check, options=…)` for
    the pages asked most. `session.get` with options builds its statement and their cache key
    on every call; a declaration with its form values and batch: 0.60 → 0.25 ms
    (bench/RESULTS.md section 12)."""

    def __init__(self, model, *options) -> None:
        self.model = model
        (key,) = sa_inspect(model).primary_key
        self.statement = select(model).options(*options).where(key == bindparam("ident"))


def load(model, ident, check: Check, *, options: Iterable = (), fresh: bool = False):
    """The object `model` (or a `Loader`'s) with primary key `ident`: 404 when there is none,
    403 unless `check(current_user, obj)`. `options`: loader options (a relationship in the
    same query); `fresh`: as for `allow`."""
    if ident is None:
        obj = None
    elif isinstance(model, Loader):
        obj = db.session.execute(model.statement, {"ident": ident}).scalar_one_or_none()
    else:
        obj = db.session.get(model, ident, options=list(options) or None)
    if obj is None:
        abort(404)
    allow(check, obj, fresh=fresh)
    return obj


def require_fresh_sign_in() -> None:
    """Re-authentication before a sensitive action (account and role changes, publication,
    quota changes, opening or closing a batch): unless the user proved password and second
    factor within REAUTH_MINUTES, stop here and send them to confirm it (303), then back to
    the page they came from (for a form post: the page that holds the form, where they do
    it again)."""
    from smplatform.services import sessions
    if sessions.recently_authenticated(current_user):
        return
    if request.method == "GET":
        back = safe_next(request.full_path.rstrip("?"))
    else:
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc in ("", request.host)
        back = safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else "")) \
            if same_site else None
    flash(_("Confirm it is you to continue: enter your password (and code) again."), "info")
    target = url_for("auth.confirm", next=back) if back else url_for("auth.confirm")
    response = redirect(target, 303)
    if is_htmx():
        response.headers["HX-Redirect"] = target
    abort(response)


def found(obj):
    """404 when `obj` (looked up some other way, e.g. the open batch) is None."""
    if obj is None:
        abort(404)
    return obj


def _require_permission_step(endpoint: str, view):
    @wraps(view)
    def checked_view(*args, **kwargs):
        g.permission_checked = False
        response = view(*args, **kwargs)
        if not g.get("permission_checked"):
            raise AssertionError(
                f"{endpoint} answered without the permission step (web.load or web.allow)")
        return response
    checked_view.checks_permission_step = True
    return checked_view


# ------------------------------------------------------------------------------ answering


def vary(response):
    """The response, with `HX-Request` added to its `Vary` header (never overwritten)."""
    response = make_response(response)
    response.vary.add("HX-Request")
    return response


def page(template: str, *, fragment: str | None = None, target: str | None = None,
         status: int = 200, headers: dict | None = None, **context):
    """`template` rendered with `context`; for an htmx request (whose `HX-Target` is
    `target`, when one is given) the partial `fragment` instead. Adds HX-Request to Vary."""
    chosen = template
    if fragment is not None and is_htmx() and (
            target is None or request.headers.get("HX-Target") == target):
        chosen = fragment
    response = make_response(render_template(chosen, **context), status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return vary(response)


def _resolve(value, result):
    return value(result) if callable(value) else value


def go(url: str, status: int = 302):
    """Go to `url`: a redirect; for an htmx request an `HX-Redirect`, so that the browser
    navigates (htmx would follow a redirect and swap the page into its target)."""
    if is_htmx():
        response = vary(make_response(""))
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, status)


def refused(error: DomainError, url: str, status: int = 302):
    """A service's refusal as a flashed message on the page at `url` (redirected to)."""
    flash(error.message, "error")
    return redirect(url, status)


def form_error(form, error: DomainError, default_field: str | None = None) -> None:
    """Show a service's refusal on a WTForms form: on the field it names, else on
    `default_field`, else among the form's own errors. A refusal with `problems` (field →
    message, services.accounts.FieldsRefused) puts each on its field, unless that field
    already shows one of the form's own errors."""
    problems = getattr(error, "problems", None)
    if problems:
        for field_name, message in problems.items():
            target = form[field_name] if field_name in form else None
            if target is None:
                form.form_errors.append(message)
            elif not target.errors:
                target.errors = list(target.errors) + [message]
        return
    target = next((form[name] for name in (error.field, default_field)
                   if name and name in form), None)
    if target is None:
        form.form_errors.append(error.message)
    else:
        target.errors = list(target.errors) + [error.message]


def perform(action: Callable[[], Any], *, done=None, then=None, failed=None,
            answer: Callable[[Any], Any] | None = None, trigger: str | None = None,
            commit_refusal: bool = False,
            record_refusal: Callable[[DomainError], None] | None = None,
            expire: bool = True, status: int = 302):
    """Run `action()` (one service call, with what belongs to it) and answer.

    On success, commit. With `expire=False` the objects stay loaded across the commit, for
    an answer rendered from them without reading them again (the autosave). Then:
    - an htmx request with `answer`: `answer(result)` (a fragment), with the `HX-Trigger`
      event `trigger`;
    - otherwise flash `done` and go to `then`. `done`: a message, or a function of the result
      giving one, or a (message, category) pair, or None (nothing to say). `then`: a URL, or
      a function of the result giving a URL or a response (a page shown after the commit,
      e.g. a form whose refused values are marked); default: the page the request came from.

    On `DomainError`, roll back (or commit, with `commit_refusal`, when the service recorded
    the refusal itself: a failed sign-in's count and audit entry); `record_refusal(error)`
    then records what must survive the rollback (an audit entry of a full disk), committed
    on its own. Then answer `failed(error)` when it is a function (the form again, with the
    message); else flash the message and go to `failed` when it is a URL, else to `then`
    when that is a URL, else back.

    "Go to" is a redirect with `status` (302, Flask's default and what the access table
    expects of most routes; a route that answered 303 passes it). To make an htmx request's
    page navigate instead, `then` gives `go(url)`.
    """
    try:
        result = action()
    except DomainError as error:
        if commit_refusal:
            db.session.commit()
        else:
            db.session.rollback()
        if record_refusal is not None:
            record_refusal(error)
            db.session.commit()
        if callable(failed):
            return vary(failed(error))
        target = failed if failed is not None else None if callable(then) else then
        return refused(error, target or request.referrer or "/", status)
    if not expire:
        db.session().expire_on_commit = False  # this request's session only
    db.session.commit()
    if answer is not None and is_htmx():
        response = vary(answer(result))
        if trigger:
            response.headers["HX-Trigger"] = trigger
        return response
    message = _resolve(done, result)
    if message:
        text, category = message if isinstance(message, tuple) else (message, "success")
        flash(text, category)
    target = _resolve(then, result)
    if target is not None and not isinstance(target, str):
        return vary(target)
    return redirect(target or request.referrer or "/", status)


def perform_and_send(action: Callable[[], Any], send: Callable[[Any], Any]):
    """Run `action()` (a service call that records what is being handed out, e.g. an audit
    export), commit, then answer `send(result)` (a file). A DomainError aborts with 400."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        abort(400, description=error.message)
    db.session.commit()
    return send(result)


def init_app(app: Flask) -> None:
    """In testing (`CHECK_PERMISSION_STEP`), every view must pass through load or allow."""
    if not app.config.get("CHECK_PERMISSION_STEP"):
        return
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = _require_permission_step(endpoint, view)
