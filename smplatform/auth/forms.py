"""Forms for registration, sign-in and password change."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from smplatform.enums import OrgType
from smplatform.widgets import SelectField

MOBILE = Regexp(r"^1[3-9]\d{9}$", message=_l("Enter an 11-digit mainland mobile number, "
                                            "e.g. 13800138000."))
USERNAME = Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$",
                  message=_l("Use 3 to 64 letters, digits, dots, hyphens or underscores, "
                             "starting with a letter or digit."))
REQUIRED = DataRequired(message=_l("This field is required."))


class SignInForm(FlaskForm):
    username = StringField(_l("User name"), validators=[REQUIRED, Length(max=64)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[REQUIRED, Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class RegistrationForm(FlaskForm):
    org_type = SelectField(_l("Organisation type"), choices=OrgType.choices,
                           validators=[REQUIRED])
    name = StringField(_l("Organisation name"), validators=[REQUIRED, Length(max=200)],
                       render_kw={"autocomplete": "organization"})
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[REQUIRED, Length(max=40)],
                              description=_l("18 characters, as printed on the business licence."))
    unit_code = SelectField(_l("Provincial-level unit"), validators=[REQUIRED],
                            description=_l("Applicants in Dalian, Qingdao, Ningbo, Xiamen and "
                                           "Shenzhen choose their city, not the province."))
    city_code = SelectField(_l("Prefecture-level city"), validators=[Optional()],
                            validate_choice=False,
                            description=_l("Required for a city department. Enterprises and "
                                           "platform operators: your city, where your province "
                                           "has the city's industry and IT department review "
                                           "declarations first."))
    contact_name = StringField(_l("Contact person"), validators=[REQUIRED, Length(max=100)],
                               render_kw={"autocomplete": "name"})
    contact_mobile = StringField(_l("Mobile"), validators=[REQUIRED, MOBILE],
                                 render_kw={"autocomplete": "tel", "inputmode": "tel"})
    contact_email = StringField(_l("E-mail"), validators=[
        REQUIRED, Email(message=_l("Enter a valid e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "email"})
    username = StringField(_l("User name"), validators=[REQUIRED, USERNAME],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[REQUIRED, Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Repeat the password"), validators=[
        REQUIRED, EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})

    def validate(self, extra_validators=None) -> bool:
        """Every field's format, and a city department's city, in one round."""
        valid = super().validate(extra_validators)
        if self.org_type.data == OrgType.CITY_DEPARTMENT and not self.city_code.data:
            self.city_code.errors = list(self.city_code.errors) + [
                _("A city department must choose its city.")]
            return False
        return valid


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[REQUIRED],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[REQUIRED, Length(max=200)],
                                 render_kw={"autocomplete": "new-password"})
    new_password_confirm = PasswordField(_l("Repeat the new password"), validators=[
        REQUIRED, EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class ColleagueForm(FlaskForm):
    """An organisation's administrator adds a colleague's account."""

    display_name = StringField(_l("Full name"), validators=[REQUIRED, Length(max=100)],
                               render_kw={"autocomplete": "off"})
    email = StringField(_l("E-mail"), validators=[
        REQUIRED, Email(message=_l("Enter a valid e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "off"})
    username = StringField(_l("User name"), validators=[REQUIRED, USERNAME],
                           render_kw={"autocomplete": "off"})
    password = PasswordField(_l("Initial password"), validators=[REQUIRED, Length(max=200)],
                             render_kw={"autocomplete": "new-password"})


class CodeForm(FlaskForm):
    """The second step of signing in: one input for the code."""

    code = StringField(_l("Code"), validators=[REQUIRED, Length(max=40)],
                       description=_l("The 6-digit code your authenticator app shows now, or "
                                      "one of your recovery codes."),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "autofocus": True, "spellcheck": "false"})


class EnrolForm(FlaskForm):
    """Confirm the authenticator app with its first code."""

    code = StringField(_l("6-digit code from the app"), validators=[
        REQUIRED, Regexp(r"^\s*\d{3}\s?\d{3}\s*$",
                         message=_l("Enter the 6 digits the app shows."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "spellcheck": "false"})


class ConfirmForm(FlaskForm):
    """Prove identity again before a sensitive action."""

    password = PasswordField(_l("Password"), validators=[REQUIRED, Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Code"), validators=[Optional(), Length(max=40)],
                       description=_l("The 6-digit code your authenticator app shows now, or "
                                      "one of your recovery codes."),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "spellcheck": "false"})


class ForgotPasswordForm(FlaskForm):
    identifier = StringField(_l("User name or e-mail address"),
                             validators=[REQUIRED, Length(max=254)],
                             render_kw={"autocomplete": "username"})


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[REQUIRED, Length(max=200)],
                                 render_kw={"autocomplete": "new-password"})
    new_password_confirm = PasswordField(_l("Repeat the new password"), validators=[
        REQUIRED, EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})
