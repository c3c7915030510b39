"""Forms of the administrators' area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from smplatform.auth.forms import USERNAME
from smplatform.enums import ADMIN_ROLES, STAFF_ROLES, Role
from smplatform.widgets import SelectField

REQUIRED = DataRequired(message=_l("This field is required."))


def _staff_roles():
    return Role.choices([r for r in Role if r in STAFF_ROLES])


def _all_staff_roles():
    return Role.choices([r for r in Role if r in STAFF_ROLES | ADMIN_ROLES])


class StaffUserForm(FlaskForm):
    """The system administrator creates business accounts (never an administrator's)."""

    role = SelectField(_l("Role"), choices=_staff_roles, validators=[REQUIRED])
    unit_code = SelectField(_l("Provincial-level unit (provincial officers only)"),
                            validators=[Optional()], validate_choice=False)
    username = StringField(_l("User name"), validators=[REQUIRED, USERNAME])
    display_name = StringField(_l("Full name"), validators=[REQUIRED, Length(max=100)])
    email = StringField(_l("E-mail"), validators=[
        REQUIRED, Email(message=_l("Enter a valid e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Initial password"), validators=[REQUIRED, Length(max=200)],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("The holder must change it at the first sign-in."))


class RoleForm(FlaskForm):
    """The security administrator changes an account's role (one role per account)."""

    role = SelectField(_l("Role"), choices=_all_staff_roles, validators=[REQUIRED])
    unit_code = SelectField(_l("Provincial-level unit (provincial officers only)"),
                            validators=[Optional()], validate_choice=False)


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    actor = StringField(_l("User name"), validators=[Optional(), Length(max=64)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=60)])
    outcome = SelectField(_l("Outcome"), choices=[("", _l("Any")), ("success", _l("Success")),
                                                  ("failure", _l("Failure"))],
                          validators=[Optional()])
    ip = StringField(_l("IP address"), validators=[Optional(), Length(max=45)])
    date_from = DateField(_l("From (date)"), validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = DateField(_l("To (date)"), validators=[Optional()], render_kw={"type": "date"})
