"""Reading a history off a page: the text of every table cell or list item that shows a step."""
from __future__ import annotations

from html.parser import HTMLParser

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "li"):
            self._open.append([])

    def handle_endtag(self, tag):
        if tag in ("td", "li") and self._open:
            self.cells.append(" ".join("".join(self._open.pop()).split()))

    def handle_data(self, data):
        if self._open:
            self._open[-1].append(data)


def steps(html: str) -> list[str]:
    """The history's steps in page order: every cell or list item reading "step → state"."""
    parser = _Cells()
    parser.feed(html)
    # A list item reads "time · who · step → state: comment"; a table cell is the step alone.
    return [c.rsplit("·", 1)[-1].split(":")[0].strip() for c in parser.cells if " → " in c]
