"""Reading generated PDFs back: text per page (pypdf) and of the whole file (pdftotext)."""
from __future__ import annotations

import re
import subprocess
from io import BytesIO

import pypdf


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(BytesIO(pdf)).pages]


def whole(pdf: bytes) -> str:
    """The text as poppler's pdftotext sees it (another extractor than pypdf)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                            capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def squeeze(text: str) -> str:
    """Without whitespace, so that text wrapped over lines and pages compares whole."""
    return re.sub(r"\s+", "", text)


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")).split("+")[-1])
    return names


MARGINS = re.compile(r"电子编号：[0-9A-Z-]+|电子编号：（[^）]*）|服务型制造示范申报书|校验码：[0-9A-Z]+|"
                     r"校验码：——|第\d+页共\d+页|草稿DRAFT")


def body(pdf: bytes) -> str:
    """All pages' text without whitespace and without the page margins (running headers and
    footers), so that a narrative broken over pages reads as one."""
    return "".join(MARGINS.sub("", squeeze(text)) for text in pages(pdf))
