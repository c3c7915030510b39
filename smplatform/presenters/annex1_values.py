"""Annex 1 values laid out: the one presenter of a declaration's form values.

`layout(definition, data, lang)` walks the form's sections in the order of rules/annex1.py
and gives each item as a `Value` (one field: its label in the reader's language, its stored
value, its options and whether a check is ticked) or a `Grid` (a year table: its cells, each
row's three-year total, the service-revenue share per year and over the three years). A
`Style` writes values out for the place that shows them; every place uses this module:

- FORM: the applicant's form tables, preview and conflict panel (applicant/forms.py): empty
  is "", a check "Yes" / "No", chosen labels joined by "、";
- REVIEW: the province's review page (`review_sections`): "", "✓" / "", "、";
- READ: the ministry's, the expert's and the city's read-only view (`sections`): "—",
  "Yes" / "—", "、" in Chinese and ", " in English; shares as "40.0%";
- PDF: the declaration PDF in Chinese (documents/declaration_pdf.py): checks and choices as
  boxes, dates as 2023年5月31日, totals without trailing zeros, shares to two decimals.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from smplatform import clock
from smplatform.rules import annex1

TRUE_VALUES = {"1", "y", "yes", "on", "true", "checked"}


def is_ticked(raw) -> bool:
    """A check's stored value ("1", or a bool from the start form's attestations)."""
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in TRUE_VALUES


def as_list(raw) -> list[str]:
    """A multichoice's stored codes (a list; a comma-separated string from old data)."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, (list, tuple, set)):
        return [str(v) for v in raw]
    return [v.strip() for v in str(raw).split(",") if v.strip()]


def number(raw) -> Decimal | None:
    """A year figure as a number, or None when it is empty or not a number."""
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def chinese_date(value) -> str:
    """2023年5月31日, from a date, a datetime (in China Standard Time) or an ISO date string."""
    if isinstance(value, datetime):
        value = clock.china(value).date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return value
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value or "")


# ---------------------------------------------------------------- the layout


@dataclass(frozen=True)
class Value:
    """One field's stored value, in the reader's language."""

    field: annex1.Field
    raw: object
    lang: str

    @property
    def label(self) -> str:
        return self.field.label.get(self.lang)

    @property
    def empty(self) -> bool:
        return self.raw is None or self.raw == "" or self.raw == []

    @property
    def ticked(self) -> bool:
        return is_ticked(self.raw)

    @property
    def options(self) -> list[tuple[str, bool]]:
        """Every choice of a choice field: (label, chosen)."""
        chosen = set(as_list(self.raw))
        return [(c.label.get(self.lang), c.value in chosen) for c in self.field.choices]

    @property
    def chosen_labels(self) -> list[str]:
        """The chosen choices' labels; a code the form no longer offers is shown as it is."""
        labels = {c.value: c.label.get(self.lang) for c in self.field.choices}
        return [labels.get(code, code) for code in as_list(self.raw)]


@dataclass(frozen=True)
class GridRow:
    row: annex1.YearRow
    label: str
    unit: str  # "" when the row has none
    cells: list[Value]
    total: Decimal | None  # the three years' sum: rows with a total, every year a number


@dataclass(frozen=True)
class Grid:
    """A year table's values."""

    table: annex1.YearTable
    label: str
    rows: list[GridRow]
    # Service revenue as a share of operating revenue (tables that have one, else None).
    shares: list[float | None] | None = None  # per year
    share_total: Decimal | None = None  # of the three years' totals, in per cent
    low_share: bool = False  # the latest year's share is below the notice's 30%

    @property
    def years(self) -> tuple[int, ...]:
        return self.table.years


@dataclass(frozen=True)
class SectionLayout:
    section: annex1.Section
    lang: str
    items: list[Value | Grid]

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return self.section.title.get(self.lang)

    @property
    def intro(self) -> str:
        return self.section.intro.get(self.lang) if self.section.intro else ""

    @property
    def values(self) -> list[Value]:
        """Every value of the section in the form's order, a year table's cells row by row
        (as annex1.Section.fields())."""
        out: list[Value] = []
        for item in self.items:
            if isinstance(item, Grid):
                out.extend(cell for row in item.rows for cell in row.cells)
            else:
                out.append(item)
        return out


def value(f: annex1.Field, raw, lang: str) -> Value:
    return Value(f, raw, lang)


def _grid(table: annex1.YearTable, data: dict, lang: str) -> Grid:
    rows, totals = [], {}
    for row in table.rows:
        cells = [Value(table.cell(row, year), data.get(f"{row.name}_{year}"), lang)
                 for year in table.years]
        numbers = [number(c.raw) for c in cells]
        total = sum(numbers) if row.total and None not in numbers else None
        totals[row.name] = total
        rows.append(GridRow(row, row.label.get(lang), row.unit.get(lang) if row.unit else "",
                            cells, total))
    if table.share is None:
        return Grid(table, table.label.get(lang), rows)
    numerator, denominator = table.share
    # annex1.service_share reads service_revenue_/operating_revenue_<year>: map onto it.
    figures = {key: data.get(f"{row}_{year}") for year in table.years
               for key, row in ((f"service_revenue_{year}", numerator),
                                (f"operating_revenue_{year}", denominator))}
    share_total = None
    if totals.get(numerator) is not None and totals.get(denominator):
        share_total = totals[numerator] / totals[denominator] * 100
    return Grid(table, table.label.get(lang), rows,
                shares=[annex1.service_share(figures, year) for year in table.years],
                share_total=share_total, low_share=annex1.low_service_share(figures))


def layout_section(section: annex1.Section, data: dict | None, lang: str) -> SectionLayout:
    """One section with its values (`data`: Declaration.data; {} for a blank form), labels in
    `lang` ("zh" or "en")."""
    data = data or {}
    return SectionLayout(section, lang, [
        _grid(item, data, lang) if isinstance(item, annex1.YearTable)
        else Value(item, data.get(item.name), lang) for item in section.items])


def layout(definition: annex1.FormDefinition, data: dict | None, lang: str
           ) -> list[SectionLayout]:
    """Every section of the form with its values (see layout_section)."""
    return [layout_section(section, data, lang) for section in definition.sections]


# ---------------------------------------------------------------- styles


@dataclass(frozen=True)
class Style:
    """How one place writes values out."""

    empty: str = ""  # an empty value (not a check)
    ticked: object = "✓"  # a check (a string or a lazy translation)
    unticked: object | None = ""  # None: an unticked check shows as empty
    separator: str | None = "、"  # between chosen labels; None: "、" in Chinese, ", " in English
    date: Callable[[object], str] | None = None  # a date field's value; None: as stored
    total: Callable[[Decimal], str] = lambda d: format(d, "f")
    share: Callable[[float], str] = lambda s: f"{s:.2f}"
    no_figure: str = ""  # a total or share that cannot be computed

    def text(self, v: Value) -> str:
        kind = v.field.kind
        if kind == "check":
            if v.ticked:
                return str(self.ticked)
            return self.empty if self.unticked is None else str(self.unticked)
        if v.empty:
            return self.empty
        if kind in ("choice", "multichoice"):
            separator = self.separator or ("、" if v.lang == "zh" else ", ")
            return separator.join(v.chosen_labels)
        if kind == "date" and self.date is not None:
            return self.date(v.raw)
        return str(v.raw)

    def total_text(self, total: Decimal | None) -> str:
        return self.no_figure if total is None else self.total(total)

    def share_text(self, share) -> str:
        return self.no_figure if share is None else self.share(share)


# The applicant's form, preview and conflict panel (the form's year tables show their
# totals and shares through applicant/_annex.html, which formats them itself).
FORM = Style(ticked=_l("Yes"), unticked=_l("No"))
# The province's review page: one row per value, a tick for a ticked check.
REVIEW = Style()
# The ministry's and the expert's read-only view.
READ = Style(empty="—", ticked=_l("Yes"), unticked=None, separator=None, no_figure="—",
             share=lambda s: f"{s:.2f}%")
# The PDF: checks and choices are drawn as boxes (declaration_pdf.py), dates in Chinese.
PDF = Style(date=chinese_date, total=lambda d: format(d.normalize(), "f"))


def text(f: annex1.Field, raw, lang: str, style: Style) -> str:
    """One stored value written out in `style` (e.g. the conflict panel's two sides)."""
    return style.text(Value(f, raw, lang))


# ---------------------------------------------------------------- the province's review page


def review_sections(definition: annex1.FormDefinition | None, data: dict | None, lang: str
                    ) -> list[dict]:
    """The province's review page: per section, every value as (label, text), a year
    table's cells one per row."""
    if definition is None:
        return []
    return [{"key": s.key, "title": s.title,
             "rows": [(v.label, REVIEW.text(v)) for v in s.values]}
            for s in layout(definition, data, lang)]


# ---------------------------------------------------------------- the read-only view


@dataclass
class YearGrid:
    """A three-year table as the applicant's form shows it: each row with its unit, a value
    per year and its three-year total (where the form totals it); enterprises' service
    revenue share per year."""

    title: str
    years: tuple[int, ...]
    rows: list[tuple[str, list[str], str]]  # (label with unit, one value per year, total)
    shares: list[str] | None = None  # service revenue share per year, for enterprises


@dataclass
class ViewSection:
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # long narratives
    grids: list[YearGrid] = field(default_factory=list)


def _row_label(row: GridRow, lang: str) -> str:
    """A year table's row label with its unit, as the applicant's form writes it."""
    if not row.unit:
        return row.label
    return f"{row.label}（{row.unit}）" if lang == "zh" else f"{row.label} ({row.unit})"


def sections(category: str, data: dict, lang: str) -> list[ViewSection]:
    """The ministry's and the expert's read-only view: per section its short values
    (facts), its narratives (texts) and its year tables, labels in `lang` (zh or en)."""
    out = []
    for s in layout(annex1.definition(category), data, lang):
        view = ViewSection(title=s.title)
        for item in s.items:
            if isinstance(item, Grid):
                view.grids.append(YearGrid(
                    title=item.label, years=item.years,
                    rows=[(_row_label(r, s.lang), [READ.text(c) for c in r.cells],
                           READ.total_text(r.total) if r.row.total else "—")
                          for r in item.rows],
                    shares=None if item.shares is None
                    else [READ.share_text(share) for share in item.shares]))
            elif item.field.kind == "textarea":
                view.texts.append((item.label, READ.text(item)))
            else:
                view.facts.append((item.label, READ.text(item)))
        out.append(view)
    return out


# ---------------------------------------------------------------- attachments


def attachments(declaration) -> list:
    """The declaration's attachments, when the attachment model exists (it lands with the
    applicant's forms); an empty list otherwise."""
    from smplatform.models import declaration as models
    model = getattr(models, "DeclarationAttachment", None)
    if model is None:
        return []
    from smplatform.extensions import db
    return db.session.scalars(db.select(model).where(model.declaration_id == declaration.id)
                              .order_by(model.id)).all()


def attachment(declaration, attachment_id: int):
    """One attachment of this declaration, or None (also when the model does not exist)."""
    return next((a for a in attachments(declaration) if a.id == attachment_id), None)


def attachment_label(category: str, item, lang: str) -> str:
    kinds = {k.key: k.label.get(lang)
             for k in (*annex1.definition(category).attachments, annex1.STAMPED_SCAN)}
    kind = getattr(item, "kind", "") or ""
    return kinds.get(kind, kind)
