"""Public forms: checking a printed declaration's electronic number and verification code,
or a signed PDF; objecting to a shortlisted declaration during the public notice."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from smplatform.rules.verification import normalise_code, normalise_number
from smplatform.widgets import SelectField


class VerifyForm(FlaskForm):
    number = StringField(_l("Electronic number"),
                         validators=[DataRequired(message=_l("Enter the electronic number.")),
                                     Length(max=40)],
                         filters=[normalise_number],
                         description=_l("As printed at the top of every page, e.g. "
                                        "2023-440000-E-0001."),
                         render_kw={"autocomplete": "off", "spellcheck": "false"})
    code = StringField(_l("Verification code"),
                       validators=[DataRequired(message=_l("Enter the verification code.")),
                                   Length(max=20)],
                       filters=[normalise_code],
                       description=_l("The 8 characters printed at the bottom of every page."),
                       render_kw={"autocomplete": "off", "spellcheck": "false"})


class VerifyPdfForm(FlaskForm):
    pdf = FileField(_l("Signed PDF"),
                    validators=[FileRequired(message=_l("Choose the PDF file to check."))],
                    description=_l("A declaration form or an Annex 2 summary downloaded from the "
                                   "platform. The file is checked and not kept."),
                    render_kw={"accept": "application/pdf,.pdf"})


PHONE_MESSAGE = _l("Enter a phone number of digits, spaces, +, - or brackets.")


class ObjectionForm(FlaskForm):
    """An objection to a shortlisted declaration during the public notice (services/
    objections.py checks the same again). Every field's problem is shown at once."""

    declaration_id = SelectField(_l("Declaration objected to"), coerce=int,
                                 validators=[DataRequired(message=_l(
                                     "Choose a declaration on the shortlist."))])
    name = StringField(_l("Your name"), validators=[
        DataRequired(message=_l("This field is required.")), Length(max=100)],
        description=_l("Objections are taken under the objector's real name."),
        render_kw={"autocomplete": "name"})
    organisation = StringField(_l("Organisation (if you object on its behalf)"),
                               validators=[Optional(), Length(max=200)],
                               render_kw={"autocomplete": "organization"})
    phone = StringField(_l("Phone"), validators=[
        DataRequired(message=_l("This field is required.")),
        Regexp(r"^[0-9+()\- ]{5,30}$", message=PHONE_MESSAGE)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    email = StringField(_l("E-mail (for the acknowledgement)"), validators=[
        Optional(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "email"})
    grounds = TextAreaField(_l("Grounds"), validators=[
        DataRequired(message=_l("This field is required.")),
        Length(min=20, max=4000, message=_l(
            "Give the grounds in %(min)d to %(max)d characters: what is wrong, and how you "
            "know it."))],
        description=_l("What is wrong with the declaration, and how you know it. Attach nothing "
                       "here: the ministry will ask you for evidence if it needs it."))
