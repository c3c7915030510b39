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
from functools import cache
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from smplatform.documents import signing
from smplatform.enums import EDITABLE_STATES, Category
from smplatform.presenters import annex1_values
from smplatform.rules import annex1, numbering
from smplatform.rules.annex1 import FormDefinition

PDF_CSS = Path(__file__).resolve().parent / "pdf.css"
TEMPLATE = "documents/declaration_pdf.html"
LANG = "zh"

CATEGORY_ZH = {Category.ENTERPRISE: "示范企业", Category.PLATFORM: "示范平台",
               Category.CITY: "示范城市"}
CLASS_CHOICES = {Category.PLATFORM: annex1.PLATFORM_CLASSES, Category.CITY: annex1.CITY_CLASSES}
STYLE = annex1_values.PDF


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


def _field_view(v: annex1_values.Value) -> FieldView:
    f = v.field
    view = FieldView(f.name, v.label, f.kind, max_length=f.max_length,
                     required=f.required and f.required_if is None)
    if f.kind in ("choice", "multichoice"):
        view.options = v.options
        view.value = "、".join(label for label, on in view.options if on)
    elif f.kind == "check":
        view.ticked = v.ticked
    else:
        view.value = STYLE.text(v)
    return view


def _table_view(grid: annex1_values.Grid) -> TableView:
    rows = [{"label": f"{r.label}（{r.unit}）" if r.unit else r.label,
             "values": [STYLE.text(c) for c in r.cells],
             "total": STYLE.total_text(r.total), "has_total": r.row.total}
            for r in grid.rows]
    share = None
    if grid.shares is not None:
        share = {"label": "服务收入占营业收入比重（%）",
                 "values": [STYLE.share_text(s) for s in grid.shares],
                 "total": STYLE.share_text(grid.share_total), "low": grid.low_share,
                 "threshold": annex1.LOW_SERVICE_SHARE, "latest": grid.years[-1]}
    return TableView(grid.table.name, grid.label, grid.years,
                     any(r.total for r in grid.table.rows), rows, share)


CHINESE_NUMERALS = "一二三四五六七八九十"


def _section_view(index: int, s: annex1_values.SectionLayout) -> SectionView:
    fields = [v for v in s.items if isinstance(v, annex1_values.Value)]
    if s.key == "narrative":
        layout = "narrative"
    elif fields and all(v.field.kind == "check" for v in fields):
        layout = "checklist"
    else:
        layout = "fields"
    return SectionView(
        key=s.key, title=s.title,
        number=CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1),
        layout=layout, intro=s.intro, fields=[_field_view(v) for v in fields],
        tables=[_table_view(g) for g in s.items if isinstance(g, annex1_values.Grid)])


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
            "submitted": annex1_values.chinese_date(declaration.submitted_at)
            if declaration.submitted_at else "",
        })
    return {
        "definition": definition,
        "cover": cover,
        "blank": blank,
        "draft": draft,
        "number": cover["number"],
        "code": (declaration.verification_code or "") if declaration is not None else "",
        "sections": [_section_view(i, s) for i, s in
                     enumerate(annex1_values.layout(definition, {} if blank else data, LANG))],
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
