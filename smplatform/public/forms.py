"""Public forms: checking a printed declaration's electronic number and verification code,
or a signed PDF."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from smplatform.rules.verification import normalise_code, normalise_number


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
