"""Forms of the ministry's selection: reviewers, outcome, inspection, notice, objections, list."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from smplatform.enums import (
    Category,
    ChecklistFinding,
    DeclarationState,
    InspectionConclusion,
    ObjectionOutcome,
    ServiceModel,
)
from smplatform.rules.assignment import DEFAULT_REVIEWERS
from smplatform.services.review_assignments import MAX_REVIEWERS
from smplatform.services.selection import TEXT_MAX
from smplatform.widgets import SelectField

REQUIRED = InputRequired(message=_l("This field is required."))
DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD.")

CHECKLIST_LABELS = {
    "identity": _l("Registration, premises and legal status match the declaration"),
    "figures": _l("Revenue and other figures are backed by records"),
    "practices": _l("The practices and cases described are real and in use"),
    "capability": _l("Service capability, staff and systems are in place"),
    "compliance": _l("No accident or violation found"),
}


class ChinaDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DATE_MESSAGE) from None


class AssignForm(FlaskForm):
    per_declaration = IntegerField(
        _l("Reviewers per declaration"), default=DEFAULT_REVIEWERS,
        validators=[REQUIRED, NumberRange(1, MAX_REVIEWERS, message=_l(
            "Choose between 1 and %(max)d reviewers per declaration.", max=MAX_REVIEWERS))])
    due_on = ChinaDateField(_l("Reviews due on"), validators=[Optional()],
                            description=_l("Reviews are due at the end of this day, China "
                                           "Standard Time. Leave empty for no deadline."))


class AddReviewerForm(FlaskForm):
    expert_id = SelectField(_l("Expert"), coerce=int, validators=[REQUIRED])


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Expert review outcome"),
                         choices=[("pass", _l("Passed the expert review")),
                                  ("fail", _l("Did not pass the expert review"))],
                         validators=[REQUIRED])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=TEXT_MAX)])


class InspectionForm(FlaskForm):
    planned_on = ChinaDateField(_l("Inspection date"), validators=[REQUIRED])
    team = TextAreaField(_l("Inspection team"), validators=[REQUIRED, Length(max=TEXT_MAX)],
                         description=_l("Names and organisations of the team members."))
    notes = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=TEXT_MAX)])
    conclusion = RadioField(_l("Inspection conclusion"), choices=InspectionConclusion.choices(),
                            validators=[REQUIRED])
    documents = MultipleFileField(_l("Documents"), description=_l(
        "Inspection record, photos, minutes: PDF, Word, Excel, JPEG or PNG."))


def add_checklist(form_class):
    """One radio group per checklist item (keys from services/selection.CHECKLIST)."""
    for key, label in CHECKLIST_LABELS.items():
        setattr(form_class, f"item_{key}", RadioField(
            label, choices=ChecklistFinding.choices(), validators=[REQUIRED]))
    return form_class


add_checklist(InspectionForm)


class NoticeForm(FlaskForm):
    starts_on = ChinaDateField(_l("Notice starts on"), validators=[REQUIRED])
    ends_on = ChinaDateField(_l("Notice ends on"), validators=[REQUIRED],
                             description=_l("The last day of the notice, included."))


class ObjectionForm(FlaskForm):
    received_on = ChinaDateField(_l("Received on"), validators=[REQUIRED])
    summary = TextAreaField(_l("Objection"), validators=[REQUIRED, Length(max=TEXT_MAX)])
    handling = TextAreaField(_l("How it was handled"),
                             validators=[REQUIRED, Length(max=TEXT_MAX)])
    outcome = RadioField(_l("Outcome"), choices=ObjectionOutcome.choices(),
                         validators=[REQUIRED])


class HandleObjectionForm(FlaskForm):
    """How the ministry handled an objection sent by the public, and the outcome."""

    handling = TextAreaField(_l("How it was handled"),
                             validators=[REQUIRED, Length(max=TEXT_MAX)])
    outcome = RadioField(_l("Outcome"), choices=ObjectionOutcome.choices(),
                         validators=[REQUIRED])


def _any(choices):
    return [("", _l("Any"))] + list(choices)


class DeclarationFilterForm(FlaskForm):
    """The national list's search and filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name, credit code or electronic number"),
                    validators=[Optional(), Length(max=200)])
    batch = SelectField(_l("Batch"), validators=[Optional()])
    unit = SelectField(_l("Provincial-level unit"), validators=[Optional()])
    category = SelectField(_l("Category"), choices=_any(Category.choices()),
                           validators=[Optional()])
    # Choices of batch, unit and class are set per request (ministry/declarations.py
    # _filter_form): the class labels combine two translated labels.
    klass = SelectField(_l("Class"), validators=[Optional()])
    service_model = SelectField(_l("Service model"), choices=_any(ServiceModel.choices()),
                                validators=[Optional()])
    state = SelectField(_l("State"), choices=_any(DeclarationState.choices()),
                        validators=[Optional()])
    stage = SelectField(_l("Stage"), validators=[Optional()], choices=_any([
        ("submitted", _l("Submitted by the applicant")),
        ("passed", _l("Passed the provincial review")),
        ("recommended", _l("Recommended by the unit"))]))
    low_share = BooleanField(_l("Service revenue share below 30% only"))
    sort = SelectField(_l("Sort by"), validators=[Optional()], choices=[
        ("number", _l("Electronic number")), ("name", _l("Name")),
        ("unit", _l("Provincial-level unit")), ("state", _l("State")),
        ("submitted", _l("Submitted at"))])
    desc = BooleanField(_l("Descending"))
