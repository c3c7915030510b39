"""Applicant forms: starting a declaration (WTForms) and the Annex 1 section forms, which are
generated from rules/annex1.py (never hand-written per category)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField
from wtforms.validators import InputRequired, Optional

from smplatform.enums import Category, CityClass, PlatformClass, ServiceModel
from smplatform.presenters import annex1_values
from smplatform.rules import annex1, eligibility
from smplatform.rules import fields as field_rules
from smplatform.language import lang
from smplatform.rules.annex1 import FormDefinition, Section
from smplatform.widgets import SelectField


class StartDeclarationForm(FlaskForm):
    category = RadioField(_l("Category"), validators=[InputRequired(_l("Choose a category."))])
    klass = RadioField(_l("Class"), validators=[Optional()], validate_choice=False)
    service_model = SelectField(_l("Main service model"), validators=[Optional()],
                                validate_choice=False,
                                description=_l("For an enterprise, and for a platform of the "
                                               "\"other\" class."))
    launch_date = DateField(_l("Date the platform went into formal operation"),
                            validators=[Optional()],
                            description=_l("Platforms only. At least 2 years before the "
                                           "reporting date."))
    cond_registered = BooleanField(_l("Registered in the People's Republic of China, with "
                                      "independent legal personality"))
    cond_operations = BooleanField(_l("Good operational and financial status"))
    cond_no_accident = BooleanField(_l("No major quality, environmental or safety accident "
                                       "since 1 January 2021"))
    cond_no_violation = BooleanField(_l("No illegal acts, and no suspected violation under "
                                        "review"))

    def __init__(self, org_type, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = eligibility.categories_for(org_type)
        self.category.choices = Category.choices(categories)
        klasses = []
        if Category.PLATFORM in categories:
            klasses += [(c.value, _l("Platform: %(label)s", label=c.label))
                        for c in PlatformClass]
        if Category.CITY in categories:
            klasses += [(c.value, c.label) for c in CityClass]
        self.klass.choices = klasses
        self.service_model.choices = [("", _l("(choose)"))] + ServiceModel.choices()
        self.show_launch_date = Category.PLATFORM in categories
        if len(categories) == 1:
            self.category.data = self.category.data or categories[0].value

    def attested(self) -> dict:
        return {name: bool(getattr(self, name).data) for name in eligibility.COMMON_CONDITIONS}


@dataclass
class FieldView:
    """One Annex 1 field ready to render: id, label in the user's language, value, error."""

    name: str
    kind: str
    label: str
    value: object
    required: bool
    error: str | None = None
    max_length: int | None = None
    choices: list = field(default_factory=list)
    help: str | None = None
    required_if: tuple | None = None

    @property
    def id(self) -> str:
        return f"field-{self.name}"

    @property
    def length(self) -> int:
        return len(self.value or "") if isinstance(self.value, str) else 0


@dataclass
class TableView:
    name: str
    label: str
    years: tuple
    rows: list  # [(row label, unit, [FieldView per year], total or None)]
    shares: list | None = None  # [(year, share or None)] for the enterprise table


def field_view(f: annex1.Field, data: dict, errors: dict, raw: dict, lg: str) -> FieldView:
    value = raw.get(f.name, data.get(f.name, [] if f.kind == "multichoice" else ""))
    return FieldView(
        name=f.name, kind=f.kind, label=f.label.get(lg), value=value,
        required=f.required or f.required_if is not None, error=errors.get(f.name),
        max_length=f.max_length, choices=[(c.value, c.label.get(lg)) for c in f.choices],
        help=f.help.get(lg) if f.help else None, required_if=f.required_if)


def section_view(section: Section, data: dict, errors: dict | None = None,
                 raw: dict | None = None) -> list:
    """The items of a section as FieldView / TableView objects, laid out by
    documents/annex1_values.py. `raw` (what the user sent) wins over `data` for fields with
    errors, so the user sees what was refused."""
    lg, errors, raw = lang(), errors or {}, {k: v for k, v in (raw or {}).items()
                                             if k in (errors or {})}
    out = []
    for item in annex1_values.layout_section(section, data, lg).items:
        if isinstance(item, annex1_values.Grid):
            rows = [(r.label, r.unit, [field_view(c.field, data, errors, raw, lg)
                                       for c in r.cells],
                     None if r.total is None else annex1_values.FORM.total(r.total), r.row.total)
                    for r in item.rows]
            shares = None if item.shares is None else list(
                zip(item.years, item.shares, strict=True))
            out.append(TableView(item.table.name, item.label, item.years, rows, shares))
        else:
            out.append(field_view(item.field, data, errors, raw, lg))
    return out


def raw_from_form(section: Section, formdata, only: set[str] | None = None) -> dict:
    """The submitted values of a section (or of the fields named in `only`, for an autosave
    that sends just the changed fields); an absent check or multichoice is empty."""
    raw = {}
    for f in section.fields():
        if only is not None and f.name not in only:
            continue
        if f.kind == "multichoice":
            raw[f.name] = formdata.getlist(f.name)
        elif f.kind == "check":
            raw[f.name] = formdata.get(f.name, "")
        elif f.name in formdata:
            raw[f.name] = formdata.get(f.name)
    return raw


def progress(definition: FormDefinition, data: dict) -> list:
    """[(section key, title, complete?)] for the progress list."""
    lg = lang()
    return [(s.key, s.title.get(lg), field_rules.section_complete(definition, data, s.key))
            for s in definition.sections]


def display_value(f: annex1.Field, value) -> str:
    """A stored value as text for the preview and the conflict panel."""
    return annex1_values.text(f, value, lang(), annex1_values.FORM)
