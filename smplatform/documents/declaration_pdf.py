"""The declaration form (申报书, Annex 1) as PDF, rendered with WeasyPrint.

The PDF is generated from the same definition (rules/annex1.py) and the same data
(Declaration.data) as the online form, in Chinese, the official form language. Every page
carries the electronic number, "第x页 共y页" and the verification code in its margins; a
declaration that is not (or no longer) frozen is watermarked as a draft on every page. Blank
forms for the public downloads page come from the same template with empty boxes.

Fonts are found through fontconfig by family name (Debian package fonts-noto-cjk, installed by
tools/system-deps.sh), so no font file is shipped or fetched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from smplatform import clock
from smplatform.enums import EDITABLE_STATES, Category
from smplatform.documents import signing
from smplatform.rules import annex1, numbering
from smplatform.rules.annex1 import Field, FormDefinition, Section, YearTable

PDF_CSS = Path(__file__).resolve().parent / "pdf.css"
TEMPLATE = "documents/declaration_pdf.html"
LANG = "zh"

CATEGORY_ZH = {Category.ENTERPRISE: "示范企业", Category.PLATFORM: "示范平台",
               Category.CITY: "示范城市"}
CLASS_CHOICES = {Category.PLATFORM: annex1.PLATFORM_CLASSES, Category.CITY: annex1.CITY_CLASSES}
TRUE_VALUES = {"1", "y", "yes", "on", "true", "checked"}


# ---------------------------------------------------------------- view model


@dataclass
class FieldView:
    name: str
    label: str
    kind: str
    value: str = ""
    ticked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (label, chosen)
    max_length: int | None = None
    required: bool = True


@dataclass
class TableView:
    name: str
    label: str
    years: tuple[int, ...]
    has_total: bool
    rows: list[dict]  # {"label", "values": [...], "total"}
    share: dict | None = None  # {"label", "values": [...], "total", "low": bool}


@dataclass
class SectionView:
    key: str
    title: str
    number: str
    layout: str  # fields, narrative, checklist
    intro: str = ""
    fields: list[FieldView] = field(default_factory=list)
    tables: list[TableView] = field(default_factory=list)


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUE_VALUES


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _chinese_date(value) -> str:
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


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "").strip()) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _field_view(item: Field, data: dict, blank: bool) -> FieldView:
    view = FieldView(item.name, item.label.get(LANG), item.kind, max_length=item.max_length,
                     required=item.required and item.required_if is None)
    raw = None if blank else data.get(item.name)
    if item.kind in ("choice", "multichoice"):
        chosen = set(_as_list(raw))
        view.options = [(c.label.get(LANG), c.value in chosen) for c in item.choices]
        view.value = "、".join(label for label, on in view.options if on)
    elif item.kind == "check":
        view.ticked = _truthy(raw)
    elif item.kind == "date":
        view.value = _chinese_date(raw) if raw else ""
    else:
        view.value = "" if raw is None else str(raw)
    return view


def _table_view(table: YearTable, data: dict, blank: bool) -> TableView:
    rows = []
    totals: dict[str, Decimal | None] = {}
    for row in table.rows:
        values, numbers = [], []
        for year in table.years:
            raw = None if blank else data.get(f"{row.name}_{year}")
            values.append("" if raw in (None, "") else str(raw))
            numbers.append(_decimal(raw))
        total = sum(numbers) if row.total and all(n is not None for n in numbers) else None
        totals[row.name] = total
        label = row.label.get(LANG)
        if row.unit is not None:
            label = f"{label}（{row.unit.get(LANG)}）"
        rows.append({"label": label, "values": values,
                     "total": "" if total is None else _number_text(total),
                     "has_total": row.total})
    share = None
    if table.share is not None:
        numerator, denominator = table.share
        # annex1.service_share reads service_revenue_/operating_revenue_<year>; map onto it.
        figures = {} if blank else {
            key: data.get(f"{row}_{year}") for year in table.years
            for key, row in ((f"service_revenue_{year}", numerator),
                             (f"operating_revenue_{year}", denominator))}
        values = []
        for year in table.years:
            value = annex1.service_share(figures, year)
            values.append("" if value is None else f"{value:.2f}")
        total = ""
        if totals.get(numerator) is not None and totals.get(denominator):
            total = f"{totals[numerator] / totals[denominator] * 100:.2f}"
        share = {"label": "服务收入占营业收入比重（%）", "values": values, "total": total,
                 "low": annex1.low_service_share(figures),
                 "threshold": annex1.LOW_SERVICE_SHARE, "latest": table.years[-1]}
    return TableView(table.name, table.label.get(LANG), table.years,
                     any(r.total for r in table.rows), rows, share)


CHINESE_NUMERALS = "一二三四五六七八九十"


def _section_view(index: int, section: Section, data: dict, blank: bool) -> SectionView:
    fields = [i for i in section.items if isinstance(i, Field)]
    if section.key == "narrative":
        layout = "narrative"
    elif fields and all(f.kind == "check" for f in fields):
        layout = "checklist"
    else:
        layout = "fields"
    return SectionView(
        key=section.key, title=section.title.get(LANG),
        number=CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1),
        layout=layout, intro=section.intro.get(LANG) if section.intro else "",
        fields=[_field_view(f, data, blank) for f in fields],
        tables=[_table_view(t, data, blank) for t in section.items
                if isinstance(t, YearTable)])


def _class_label(category: str, klass: str | None) -> str:
    for choice in CLASS_CHOICES.get(Category(category), ()):
        if choice.value == klass:
            return choice.label.get(LANG)
    return ""


def _attachment_kinds(definition: FormDefinition) -> list[dict]:
    return [{"key": k.key, "label": k.label.get(LANG), "required": k.required}
            for k in definition.attachments]


def _uploaded_attachments(declaration) -> list[dict]:
    """The declaration's uploaded files, if the attachments model exists (declarations area).

    Guarded with getattr: the model is owned by another part of the platform and may not be
    present in every build; without it the PDF lists the attachment kinds only.
    """
    from smplatform import models
    model = getattr(models, "DeclarationAttachment", None)
    if model is None or declaration is None or declaration.id is None:
        return []
    from sqlalchemy import select

    from smplatform.extensions import db
    labels = {k.key: k.label.get(LANG) for k in (*annex1.definition(
        declaration.category).attachments, annex1.STAMPED_SCAN)}
    out = []
    rows = db.session.scalars(select(model).where(model.declaration_id == declaration.id)
                              .order_by(model.id))
    for attachment in rows:
        if getattr(attachment, "deleted_at", None) is not None:
            continue
        stored = getattr(attachment, "stored_file", None) or getattr(attachment, "file", None)
        name = getattr(stored, "original_name", None) or getattr(attachment, "original_name", "")
        sha = getattr(stored, "sha256", None) or getattr(attachment, "sha256", None) or ""
        kind = getattr(attachment, "kind", None)
        out.append({"kind": labels.get(kind, kind or ""), "name": name,
                    "sha256": sha[:16]})
    return out


def is_draft(declaration) -> bool:
    """A PDF is a draft when the declaration has no number or may still be edited."""
    return not declaration.electronic_number or declaration.state in EDITABLE_STATES


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG (segno), for the cover. segno writes the SVG
    itself (paths and the escaped URL nowhere in it), so it is safe markup."""
    import segno
    svg = segno.make(url, error="m").svg_inline(scale=4, border=0, omitsize=True)
    return Markup(svg)  # noqa: S704


def signed_meta(declaration, data: dict) -> dict:
    """The document information written into a final PDF as it is signed: what it is and the
    fingerprint of its content (documents/signing.META_KEYS)."""
    return {"SmpKind": "declaration", "SmpNumber": declaration.electronic_number,
            "SmpContentSha256": numbering.content_digest(declaration.electronic_number, data)}


def context(definition: FormDefinition, data: dict, *, declaration=None,
            blank: bool = False, verify_url: str = "", qr_url: str = "") -> dict:
    """Everything the template needs, computed here so that the template stays simple."""
    draft = (not blank) and (declaration is None or is_draft(declaration))
    final = not blank and not draft
    cover = {"title": definition.title.get(LANG),
             "category": CATEGORY_ZH[Category(definition.category)],
             "class": "", "org_name": "", "unit": "", "number": "", "submitted": ""}
    if declaration is not None:
        cover.update({
            "class": _class_label(declaration.category, declaration.klass),
            "org_name": declaration.org_name or data.get("org_name", ""),
            "unit": declaration.unit.name_zh if declaration.unit is not None else "",
            "number": declaration.electronic_number or "",
            "submitted": _chinese_date(declaration.submitted_at)
            if declaration.submitted_at else "",
        })
    return {
        "definition": definition,
        "cover": cover,
        "blank": blank,
        "draft": draft,
        "number": cover["number"],
        "code": (declaration.verification_code or "") if declaration is not None else "",
        "sections": [_section_view(i, s, data, blank)
                     for i, s in enumerate(definition.sections)],
        "attachment_kinds": _attachment_kinds(definition),
        "attachments": [] if blank else _uploaded_attachments(declaration),
        "city": definition.category == Category.CITY,
        "verify_url": verify_url,
        "qr_svg": qr_svg(qr_url) if final and qr_url else "",
        "signed_meta": signed_meta(declaration, data) if final else {},
    }


# ---------------------------------------------------------------- rendering


def _refuse_fetch(url: str, *args, **kwargs):
    """The PDF never loads anything from outside: fonts come from fontconfig, CSS from disk."""
    raise ValueError(f"external resource refused in PDF rendering: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML
    document = HTML(string=html, url_fetcher=_refuse_fetch, base_url=str(PDF_CSS.parent))
    return document.write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])


def _render_html(ctx: dict) -> str:
    """The app's Jinja environment without the page context processors (no request needed)."""
    return current_app.jinja_env.get_template(TEMPLATE).render(**ctx)


def render_declaration(declaration, *, verify_url: str = "", qr_url: str = "") -> bytes:
    """The PDF of a declaration in its current state: watermarked while it is a draft;
    once submitted, with the QR code of `qr_url` on the cover and signed by the platform
    (documents/signing.py; SigningUnavailable without a key and certificate).

    Needs an application context (the template is one of the app's Jinja templates).
    """
    definition = annex1.definition(declaration.category)
    ctx = context(definition, declaration.data or {}, declaration=declaration,
                  verify_url=verify_url, qr_url=qr_url)
    pdf = html_to_pdf(_render_html(ctx))
    if not ctx["signed_meta"]:
        return pdf
    return signing.sign(pdf, reason=f"服务型制造示范申报书 {declaration.electronic_number}",
                        info=ctx["signed_meta"])


@cache
def render_blank(category: str) -> bytes:
    """The blank Annex 1 form of a category. Cached per process: it never changes at runtime.

    Needs an application context on the first call per category.
    """
    definition = annex1.definition(category)
    return html_to_pdf(_render_html(context(definition, {}, blank=True)))


def filename(declaration) -> str:
    """`2023-440000-E-0001.pdf`, or `draft-<id>.pdf` before the first submission."""
    return f"{declaration.electronic_number or f'draft-{declaration.id}'}.pdf"


def send(declaration):
    """A download response for a declaration's PDF (the routes check permission first)."""
    from io import BytesIO

    from flask import send_file, url_for
    try:
        pdf = render_declaration(
            declaration, verify_url=url_for("public.verify", _external=True),
            qr_url=url_for("public.verify", number=declaration.electronic_number,
                           _external=True))
    except signing.SigningUnavailable as error:
        return signing.unavailable_answer(error)
    response = send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=filename(declaration), max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
