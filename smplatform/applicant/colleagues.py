"""An organisation's accounts: every applicant sees its colleagues and who administers them;
the administrator adds colleagues, disables and enables their accounts and hands the role
over (issue 16, item 7)."""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.auth.forms import ColleagueForm
from smplatform.models import User
from smplatform.permissions import (
    can_manage_colleague,
    can_manage_colleagues,
    can_view_colleagues,
)
from smplatform.services import DomainError, accounts
from smplatform.web import Routes, allow, form_error, load, page, perform

routes = Routes()


@routes.get("/accounts")
def colleagues():
    """The organisation's accounts, and for its administrator the form to add one."""
    allow(can_view_colleagues)
    return _colleagues_page(ColleagueForm())


@routes.post("/accounts")
def add_colleague():
    allow(can_manage_colleagues)
    form = ColleagueForm()
    # Every problem in one round: the form's checks and the account's rules.
    valid = form.validate_on_submit()
    problems = accounts.colleague_problems(username=(form.username.data or "").strip(),
                                           password=form.password.data)
    if problems:
        form_error(form, accounts.FieldsRefused(problems))
    if not valid or form.errors:
        return _colleagues_page(form, status=400)
    return perform(
        lambda: accounts.add_colleague(
            actor=current_user, username=form.username.data.strip(),
            display_name=form.display_name.data, email=form.email.data,
            password=form.password.data),
        done=lambda user: _("Account %(name)s added. Give your colleague the user name and the "
                            "initial password; they choose their own at the first sign-in.",
                            name=user.username),
        then=url_for(".colleagues"),
        failed=lambda error: _colleagues_page(form, error, status=400))


def _colleagues_page(form: ColleagueForm, error: DomainError | None = None, status: int = 200):
    if error is not None:
        form_error(form, error, "username")
    form.password.description = _(
        "At least %(n)d characters, mixing %(k)d of: lower-case, upper-case, digits, symbols.",
        n=current_app.config["PASSWORD_MIN_LENGTH"], k=current_app.config["PASSWORD_MIN_CLASSES"])
    return page("applicant/colleagues.html", form=form,
                colleagues=accounts.colleagues(current_user.organisation_id), status=status)


@routes.post("/accounts/<int:user_id>/active")
def set_colleague_active(user_id: int):
    """Disable a colleague's account (their sessions end) or enable it again."""
    colleague = load(User, user_id, can_manage_colleague)
    active = request.form.get("active") == "1"
    return perform(
        lambda: accounts.set_colleague_active(actor=current_user, user=colleague, active=active),
        done=_("Account %(name)s enabled.", name=colleague.username) if active
        else _("Account %(name)s disabled.", name=colleague.username),
        then=url_for(".colleagues"))


@routes.post("/accounts/<int:user_id>/administrator")
def hand_over_administration(user_id: int):
    """Hand the organisation's administrator role to a colleague."""
    colleague = load(User, user_id, can_manage_colleague)
    return perform(
        lambda: accounts.hand_over_administration(actor=current_user, user=colleague),
        done=_("%(name)s is now your organisation's administrator.",
               name=colleague.display_name),
        then=url_for(".colleagues"))
