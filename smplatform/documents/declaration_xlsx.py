"""Declaration lists as Excel, streamed: openpyxl's write-only mode into a temporary file.

Rows are read from the database in chunks of plain column tuples (no ORM objects kept), and
written one by one, so tens of thousands of rows use little memory. The caller sends the file
and it is deleted once closed.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from smplatform.documents import spreadsheet

CHUNK = 1000


def write(rows: Iterable[Sequence], headers: Sequence[str], *, title: str):
    """Write `headers` then `rows` to a temporary .xlsx; returns the open file, at offset 0.

    The file is unlinked on close (tempfile.TemporaryFile), so nothing is left behind.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    spreadsheet.append(sheet, [str(h) for h in headers])
    for row in rows:
        spreadsheet.append(sheet, row)  # an organisation's name is text, never a formula
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(out)
    out.seek(0)
    return out
