"""Spreadsheet formula injection (CSV/XLSX injection): which text a spreadsheet would read as
a formula, and how the platform writes such text so that it stays text.

A cell whose text starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
programs skip before reading the rest) is taken as a formula by Excel, WPS and LibreOffice:
an applicant naming its organisation `=HYPERLINK("http://…")` would otherwise put a live
link, or worse, into the ministry's export. Numbers are not text and are never touched.

- XLSX: `documents/spreadsheet.py` stores such text as a string cell with the quote prefix
  (what Excel itself does when one types `'=…`), so the cell shows exactly the text and stays
  text even when edited.
- CSV has no cell types: such text is written with a leading apostrophe (OWASP's advice),
  which spreadsheets hide and which keeps it text.
- The registry import refuses such text in its free-text columns (rules/evaluation.py).
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    """True for text that a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value):
    """A value as a CSV file should hold it: formula-like text with a leading apostrophe."""
    if looks_like_formula(value):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_value(v) for v in values]
