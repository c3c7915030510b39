"""A declaration shown read-only, generated from its Annex 1 definition (rules/annex1.py).

Used by the expert's review page and the ministry's declaration page, so that both show
exactly the fields of the form, in the reader's language.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from smplatform.rules import annex1


@dataclass
class YearGrid:
    title: str
    years: tuple[int, ...]
    rows: list[tuple[str, list[str]]]  # (row label, one value per year)
    shares: list[str] | None = None  # service revenue share per year, for enterprises


@dataclass
class ViewSection:
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # long narratives
    grids: list[YearGrid] = field(default_factory=list)


def _value(f: annex1.Field, raw, lang: str, yes: str, no: str) -> str:
    if raw is None or raw == "" or raw == []:
        return "—"
    if f.kind == "check":
        return yes if raw in (True, "y", "1", "on", "true") else no
    if f.kind in ("choice", "multichoice"):
        labels = {c.value: c.label.get(lang) for c in f.choices}
        values = raw if isinstance(raw, list) else [raw]
        return "、".join(labels.get(v, str(v)) for v in values) if lang.startswith("zh") \
            else ", ".join(labels.get(v, str(v)) for v in values)
    return str(raw)


def sections(category: str, data: dict, lang: str, *, yes: str, no: str) -> list[ViewSection]:
    """The declaration's sections with their values, labels in `lang` (zh or en)."""
    data = data or {}
    out = []
    for section in annex1.definition(category).sections:
        view = ViewSection(title=section.title.get(lang))
        for item in section.items:
            if isinstance(item, annex1.YearTable):
                grid = YearGrid(title=item.label.get(lang), years=item.years, rows=[
                    (row.label.get(lang), [str(data.get(f"{row.name}_{y}") or "—")
                                           for y in item.years]) for row in item.rows])
                if item.share:
                    grid.shares = [
                        "—" if (s := annex1.service_share(data, y)) is None else f"{s}%"
                        for y in item.years]
                view.grids.append(grid)
            elif item.kind == "textarea":
                view.texts.append((item.label.get(lang), _value(item, data.get(item.name), lang,
                                                                yes, no)))
            else:
                view.facts.append((item.label.get(lang), _value(item, data.get(item.name), lang,
                                                                yes, no)))
        out.append(view)
    return out


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
