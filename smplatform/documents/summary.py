"""Annex 2, the unit's summary form (汇总表): its columns, rows, Excel and PDF.

The column list lives here (the documents engineer may later move it to rules/annex2.py).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from smplatform.rules import annex1
from smplatform.rules.recommendation import LINE_LABELS

# (key, zh, en)
COLUMNS = (
    ("number", "序号", "No."),
    ("category", "类别", "Category"),
    ("name", "申报主体名称", "Applicant"),
    ("electronic_number", "电子编号", "Electronic number"),
    ("location", "所在地", "Location"),
    ("service_model", "服务模式", "Service model"),
    ("service_share", "服务收入占比（企业）", "Service revenue share (enterprises)"),
    ("contact", "联系人及电话", "Contact and phone"),
    ("ranking", "推荐排序", "Ranking"),
    ("remarks", "备注", "Remarks"),
)
TITLE = ("服务型制造示范推荐汇总表", "Summary of service-oriented manufacturing recommendations")
SEAL = ("推荐单位（盖章）", "Recommending unit (seal)")
TOTAL = ("合计", "Total")
LOW_SHARE_REMARK = ("服务收入占比低于30%", "Service revenue share below 30%")


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang.startswith("en") else pair[0]


@dataclass
class SummaryRow:
    values: dict


def _choice_label(choices, value, lang) -> str:
    for c in choices:
        if c.value == value:
            return c.label.get(lang)
    return value or ""


def build_rows(items, *, lang: str, city_names: dict[str, str]) -> list[dict]:
    """One row per recommendation (items already in line order, then rank)."""
    rows = []
    for number, item in enumerate(items, start=1):
        d = item.declaration
        data = d.data or {}
        share = annex1.service_share(data, annex1.YEARS[-1]) if d.category == "enterprise" \
            else None
        model = d.service_model or data.get("service_model")
        contact = " ".join(x for x in (data.get("contact_name"), data.get("contact_mobile")) if x)
        rows.append({
            "number": number,
            "category": pick(LINE_LABELS[item.line], lang),
            "name": d.org_name,
            "electronic_number": d.electronic_number or "",
            "location": city_names.get(d.city_code or "", "") or data.get("registered_address", ""),
            "service_model": _choice_label(annex1.SERVICE_MODELS, model, lang) if model else "",
            "service_share": "" if share is None else f"{share:.2f}%",
            "contact": contact,
            "ranking": item.rank,
            "remarks": pick(LOW_SHARE_REMARK, lang) if d.low_service_share else "",
        })
    return rows


def totals(items, *, lang: str) -> list[tuple[str, int]]:
    """(line label, count) for every line with recommendations, in list order."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.line] = counts.get(item.line, 0) + 1
    return [(pick(LINE_LABELS[line], lang), n) for line, n in counts.items()]


def to_xlsx(*, unit_name: str, date: datetime, rows: list[dict], totals_: list[tuple[str, int]],
            lang: str) -> bytes:
    """The summary as an Excel workbook: title, unit and date, the table, totals, seal block."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from smplatform.documents import spreadsheet
    book = Workbook()
    sheet = book.active
    sheet.title = "Annex 2" if lang.startswith("en") else "附件2"
    width = len(COLUMNS)
    sheet.append([pick(TITLE, lang)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    spreadsheet.append(sheet, [f"{pick(SEAL, lang)}: {unit_name}", *[""] * (width - 3),
                  date.strftime("%Y-%m-%d")])
    header_row = sheet.max_row + 1
    sheet.append([pick((zh, en), lang) for _k, zh, en in COLUMNS])
    thin = Side(style="thin")
    for row in rows:
        spreadsheet.append(sheet, [row[key] for key, _zh, _en in COLUMNS])
    for r in sheet.iter_rows(min_row=header_row, max_row=sheet.max_row):
        for cell in r:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    total_text = "; ".join(f"{label} {n}" for label, n in totals_)
    sheet.append([pick(TOTAL, lang), len(rows), total_text])
    sheet.append([])
    sheet.append([f"{pick(SEAL, lang)}:", "", "", "", "", "", "", date.strftime("%Y-%m-%d")])
    for letter, w in zip("ABCDEFGHIJ", (6, 18, 30, 22, 14, 18, 14, 22, 8, 20), strict=True):
        sheet.column_dimensions[letter].width = w
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_digest(batch_number: int, unit_code: str, items) -> str:
    """The fingerprint of a unit's recommendation list as Annex 2 shows it, independent of
    the language it is printed in: (line, rank, electronic number, verification code)."""
    import hashlib
    import json
    rows = [[item.line, item.rank, item.declaration.electronic_number or "",
             item.declaration.verification_code or ""] for item in items]
    content = json.dumps({"batch": batch_number, "unit": unit_code, "rows": rows},
                         sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(content.encode()).hexdigest()


def signed_info(batch_number: int, unit_code: str, items) -> dict[str, str]:
    """What the signed summary PDF says it is (documents/signing.META_KEYS)."""
    return {"SmpKind": "summary", "SmpUnit": unit_code, "SmpBatch": str(batch_number),
            "SmpContentSha256": summary_digest(batch_number, unit_code, items)}


def to_pdf(html: str, base_url: str | None = None, *, info: dict[str, str] | None = None
           ) -> bytes:
    """The summary page (rendered HTML) as PDF, with the CJK font; with `info`, signed by
    the platform (its signature in the top margin of the first page).
    Raises signing.SigningUnavailable when it cannot be signed."""
    from weasyprint import CSS, HTML

    from smplatform.documents import signing
    css = CSS(string="@page { size: A4 landscape; margin: 32mm 15mm 15mm; } "
                     "body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 10pt; } "
                     "table { border-collapse: collapse; width: 100%; } "
                     "th, td { border: 1px solid #000; padding: 3pt; vertical-align: top; } "
                     "h1 { text-align: center; font-size: 15pt; } "
                     ".seal { margin-top: 20mm; display: flex; justify-content: space-between; }")
    pdf = HTML(string=html, base_url=base_url).write_pdf(stylesheets=[css])
    if info is None:
        return pdf
    return signing.sign(pdf, reason=f"服务型制造示范推荐汇总表 {info.get('SmpUnit', '')}",
                        info=info, box=signing.A4_LANDSCAPE_BOX)
