"""Forms of the ministry's batch administration: a batch's dates and its quota table.

Dates are typed in China Standard Time (the notice's time zone) and stored in UTC.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from smplatform import clock
from smplatform.enums import QuotaLine
from smplatform.rules.quotas import DEFAULT_QUOTAS

REQUIRED = InputRequired(message=_l("This field is required."))
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
MAX_QUOTA = 999


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a whole number.")) from None


class ChinaDateTimeField(DateTimeLocalField):
    """A date and time typed in China Standard Time; `utc` gives the aware UTC instant."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", DATETIME_FORMATS)
        kwargs.setdefault("description", _l("China Standard Time, e.g. 2023-05-31 23:59."))
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date and time, e.g. 2023-05-31 23:59.")) from None

    def process_data(self, value):
        # Stored values are aware UTC instants; the input shows China's wall-clock time.
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = clock.china(value).replace(tzinfo=None)
        super().process_data(value)

    @property
    def utc(self) -> datetime | None:
        if self.data is None:
            return None
        return self.data.replace(tzinfo=clock.CHINA).astimezone(UTC)


class LocalDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date, e.g. 2023-05-31.")) from None


class BatchForm(FlaskForm):
    number = WholeNumberField(_l("Batch number"), validators=[
        REQUIRED, NumberRange(min=1, max=999, message=_l("The batch number must be 1 or more."))])
    year = WholeNumberField(_l("Year"), validators=[
        REQUIRED, NumberRange(min=2000, max=2100,
                              message=_l("Enter a year between 2000 and 2100."))])
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=100)])
    opens_at = ChinaDateTimeField(
        _l("Declarations open at"), validators=[REQUIRED],
        description=_l("From this moment applicants can start declarations in this batch. "
                       "China Standard Time, e.g. 2023-03-02 00:00."))
    contact_deadline = ChinaDateTimeField(_l("Deadline for the provinces' liaison contacts"),
                                          validators=[REQUIRED])
    province_deadline = ChinaDateTimeField(
        _l("Deadline for the provinces to submit to the ministry"), validators=[REQUIRED],
        description=_l("Also the applicants' deadline for submitting declarations, unless a "
                       "provincial department sets an earlier one for its own applicants. "
                       "China Standard Time, e.g. 2023-05-31 23:59."))
    evaluation_deadline = ChinaDateTimeField(
        _l("Deadline for earlier batches' evaluation materials"), validators=[REQUIRED])
    reporting_date = LocalDateField(
        _l("Reporting date (optional)"), validators=[Optional()],
        description=_l("The date as of which platforms must have operated for two years. "
                       "Empty: the date of the provinces' deadline."))

    def values(self) -> dict:
        """The keyword arguments of services.batches.create_batch/update_batch."""
        return {"number": self.number.data, "year": self.year.data, "name": self.name.data,
                "opens_at": self.opens_at.utc, "contact_deadline": self.contact_deadline.utc,
                "province_deadline": self.province_deadline.utc,
                "evaluation_deadline": self.evaluation_deadline.utc,
                "reporting_date": self.reporting_date.data}


def quota_field_name(group: str, line: str) -> str:
    return f"{group}__{line}"


class QuotaForm(FlaskForm):
    """One whole-number field per unit group and quota line, named `<group>__<line>`."""

    def limits(self) -> dict[tuple[str, str], int]:
        return {(group, line): self[quota_field_name(group, line)].data
                for group, lines in DEFAULT_QUOTAS.items() for line in lines}


for _group, _lines in DEFAULT_QUOTAS.items():
    for _line in _lines:
        setattr(QuotaForm, quota_field_name(_group, _line), WholeNumberField(
            QuotaLine(_line).label, validators=[
                REQUIRED, NumberRange(min=0, max=MAX_QUOTA, message=_l(
                    "A quota is a whole number from 0 to %(n)d.", n=MAX_QUOTA))],
            render_kw={"min": 0, "max": MAX_QUOTA, "inputmode": "numeric"}))
