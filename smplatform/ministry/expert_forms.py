"""Forms of the ministry's expert pool."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from smplatform.enums import ExpertiseField
from smplatform.widgets import MultiCheckboxField, SelectField

REQUIRED = DataRequired(message=_l("This field is required."))
WITHOUT_PROFILE = "none"  # the status filter's value for expert accounts without a profile


def _at_least_one(_form, field) -> None:
    # Not DataRequired: that would mark every checkbox `required`, i.e. all of them.
    if not field.data:
        raise StopValidation(_l("Choose at least one field of expertise."))


class ExpertProfileForm(FlaskForm):
    organisation_name = StringField(_l("Organisation"), validators=[REQUIRED, Length(max=200)])
    organisation_credit_code = StringField(
        _l("Organisation's unified social credit code (optional)"),
        validators=[Optional(), Length(max=30)])
    unit_code = SelectField(_l("Provincial-level unit of the expert"), validators=[REQUIRED],
                            description=_l("The expert never reviews declarations from "
                                           "this unit."))
    expertise = MultiCheckboxField(_l("Fields of expertise"), choices=ExpertiseField.choices,
                                   validate_choice=False,  # the service explains unknown ones
                                   validators=[_at_least_one])
    active = BooleanField(_l("Active (can be assigned declarations to review)"), default=True)


class ExpertFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Name, user name or organisation"), validators=[Optional(),
                                                                      Length(max=100)])
    unit_code = SelectField(_l("Provincial-level unit"), validators=[Optional()],
                            validate_choice=False)
    field = SelectField(_l("Field of expertise"), validators=[Optional()],
                        choices=lambda: [("", _l("Any"))] + ExpertiseField.choices())
    active = SelectField(_l("Status"), validators=[Optional()],
                         choices=[("", _l("Any")), ("1", _l("Active")),
                                  ("0", _l("Inactive")),
                                  (WITHOUT_PROFILE, _l("No profile yet"))])
