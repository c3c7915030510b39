"""Annex 2, the provincial summary form (汇总表), as an Excel workbook (openpyxl).

Columns come from rules/annex2.py. `workbook()` writes the filled summary when given rows (the
province's recommendation list) and the blank template when not; `blank_template()` is cached
per process because it never changes at runtime.
"""
from __future__ import annotations

from functools import cache
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from smplatform.documents import spreadsheet
from smplatform.rules import annex2

HEADER_ROW = 3
FONT = "宋体"
CATEGORIES_ZH = ("示范企业", "示范平台", "示范城市")
_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def workbook(rows: list[dict] | None = None, *, unit_name: str = "", date_text: str = "",
             lang: str = "zh") -> bytes:
    """The summary as .xlsx bytes. `rows` are dicts keyed by annex2 column keys."""
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表" if lang == "zh" else "Summary"
    last = get_column_letter(len(annex2.COLUMNS))
    middle = len(annex2.COLUMNS) // 2

    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = annex2.TITLE.get(lang)
    ws["A1"].font = Font(name=FONT, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32

    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=middle)
    unit_cell = spreadsheet.put(ws, 2, 1, annex2.UNIT_LABEL.get(lang) + unit_name)
    unit_cell.font = Font(name=FONT, size=11)
    ws.merge_cells(start_row=2, start_column=middle + 1, end_row=2,
                   end_column=len(annex2.COLUMNS))
    date_cell = ws.cell(2, middle + 1, date_text or annex2.DATE_LABEL.get(lang))
    date_cell.font = Font(name=FONT, size=11)
    date_cell.alignment = Alignment(horizontal="right")
    ws.row_dimensions[2].height = 24

    header_fill = PatternFill("solid", fgColor="D9D9D9")
    for index, column in enumerate(annex2.COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, index, column.label.get(lang))
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = header_fill
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.row_dimensions[HEADER_ROW].height = 36

    lines = rows if rows else [{"seq": n} for n in range(1, annex2.TEMPLATE_BLANK_ROWS + 1)]
    for offset, row in enumerate(lines, start=1):
        for index, value in enumerate(annex2.row_values(row), start=1):
            cell = spreadsheet.put(ws, HEADER_ROW + offset, index, value)
            cell.font = Font(name=FONT, size=11)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    end = HEADER_ROW + len(lines)
    ws.cell(end + 2, 1, annex2.NOTE.get(lang)).font = Font(name=FONT, size=10)
    ws.merge_cells(start_row=end + 2, start_column=1, end_row=end + 2,
                   end_column=len(annex2.COLUMNS))

    if not rows:
        category_col = get_column_letter(
            [c.key for c in annex2.COLUMNS].index("category") + 1)
        validation = DataValidation(type="list", formula1=f'"{",".join(CATEGORIES_ZH)}"',
                                    allow_blank=True)
        ws.add_data_validation(validation)
        validation.add(f"{category_col}{HEADER_ROW + 1}:{category_col}{end}")

    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@cache
def blank_template() -> bytes:
    """The blank summary template offered on the public downloads page."""
    return workbook()
