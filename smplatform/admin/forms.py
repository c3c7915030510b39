"""Forms of the administrators' area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, PasswordField, StringField
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange,
                                Optional, StopValidation)

from smplatform.auth.forms import USERNAME
from smplatform.enums import ADMIN_ROLES, STAFF_ROLES, Role
from smplatform.widgets import MultiCheckboxField, SelectField

REQUIRED = DataRequired(message=_l("This field is required."))


def _staff_roles():
    return Role.choices([r for r in Role if r in STAFF_ROLES])


def _all_staff_roles():
    return Role.choices([r for r in Role if r in STAFF_ROLES | ADMIN_ROLES])


class StaffUserForm(FlaskForm):
    """The system administrator creates business accounts of every staff role: provincial
    and city officers, ministry staff, experts (never an administrator's)."""

    role = SelectField(_l("Role"), choices=_staff_roles, validators=[REQUIRED],
                       description=_l("An expert's account is made here; the ministry then "
                                      "gives it a profile in the expert pool."))
    unit_code = SelectField(_l("Provincial-level unit (provincial officers only)"),
                            validators=[Optional()], validate_choice=False)
    city_code = SelectField(_l("Prefecture-level city (city officers only)"),
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
    # The actions by their names (admin/audit.py fills the choices in the reader's language);
    # a code prefix given in the address ("auth.") still filters, shown as it is.
    action = SelectField(_l("Action"), validators=[Optional(), Length(max=60)],
                         validate_choice=False)
    outcome = SelectField(_l("Outcome"), choices=[("", _l("Any")), ("success", _l("Success")),
                                                  ("failure", _l("Failure"))],
                          validators=[Optional()])
    ip = StringField(_l("IP address"), validators=[Optional(), Length(max=45)])
    date_from = DateField(_l("From (date)"), validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = DateField(_l("To (date)"), validators=[Optional()], render_kw={"type": "date"})


class WholeNumberField(IntegerField):
    """A whole number; empty is left to InputRequired, anything else not a number refused."""

    def process_formdata(self, valuelist):
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a whole number.")) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # not a number: no range to check


NUMBER_REQUIRED = InputRequired(message=_l("This field is required."))


class PolicyForm(FlaskForm):
    """The security administrator's sign-in policy (the administrators always keep the
    second factor: their boxes are shown ticked and cannot be cleared)."""

    two_factor_roles = MultiCheckboxField(
        _l("Roles that must sign in with a second factor"), choices=lambda: Role.choices(),
        validate_choice=False, validators=[Optional()])
    session_limit = WholeNumberField(
        _l("Concurrent sessions of staff and administrators (0: no limit)"),
        validators=[NUMBER_REQUIRED,
                    NumberRange(min=0, max=20, message=_l("From 0 to %(max)s."))],
        render_kw={"inputmode": "numeric"})

    def max_age_fields(self):
        return [getattr(self, f"max_age_{role.value}") for role in Role]


for _role in Role:
    setattr(PolicyForm, f"max_age_{_role.value}", WholeNumberField(
        _role.label, validators=[NUMBER_REQUIRED,
                                 NumberRange(min=0, max=365, message=_l("From 0 to %(max)s."))],
        render_kw={"inputmode": "numeric"}))
