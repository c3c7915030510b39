"""Writing cells to openpyxl worksheets without formula injection (rules/spreadsheet.py).

Every XLSX the platform writes goes through `append` (rows of a normal or write-only sheet)
or `put` (one cell of a normal sheet): text that a spreadsheet would read as a formula is
stored as a string cell with the quote prefix, so Excel, WPS and LibreOffice show it as typed
and never evaluate it.
"""
from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from smplatform.rules.spreadsheet import looks_like_formula


def _as_text(cell):
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def value(sheet, item):
    """`item` as `sheet.append` should receive it: unchanged, or a text cell."""
    if not looks_like_formula(item):
        return item
    if isinstance(sheet, WriteOnlyWorksheet):
        return _as_text(WriteOnlyCell(sheet, value=item))
    return _as_text(Cell(sheet, value=item))


def append(sheet, items: Iterable) -> None:
    """Append one row of values, formula-like text kept as text."""
    sheet.append([value(sheet, item) for item in items])


def put(sheet, row: int, column: int, item):
    """Set one cell of a normal sheet; formula-like text kept as text. Returns the cell."""
    cell = sheet.cell(row, column)
    cell.value = item
    if looks_like_formula(item):
        _as_text(cell)
    return cell
