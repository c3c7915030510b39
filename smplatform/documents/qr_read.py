"""Reading the QR code printed on a declaration's cover back from a stamped scan (zxing-cpp).

The cover's QR code holds the public verification address with the electronic number
(`…/verify?number=2023-440000-E-0001`). A scan is an image (JPEG, PNG) or a PDF whose pages
are images; the first pages' images are read. Nothing here decides anything: the service
compares the numbers found with the declaration's.
"""
from __future__ import annotations

import io
import logging
from urllib.parse import parse_qs, urlsplit

from smplatform.rules.numbering import parse
from smplatform.rules.verification import normalise_number

log = logging.getLogger(__name__)

PAGES = 2  # the cover is the first page; a scanner may put a blank or a back page first
MAX_IMAGES = 8
MAX_PIXELS = 40_000_000  # a 600 dpi A4 page is about 35 megapixels


def _number(text: str) -> str | None:
    try:
        values = parse_qs(urlsplit(text).query).get("number") or []
    except ValueError:
        return None
    for value in values:
        number = normalise_number(value)
        if parse(number) is not None:
            return number
    return None


def _images(content: bytes, content_type: str):
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    if content_type.startswith("image/"):
        yield Image.open(io.BytesIO(content))
        return
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(content))
    count = 0
    for page in reader.pages[:PAGES]:
        for image in page.images:
            count += 1
            if count > MAX_IMAGES:
                return
            yield Image.open(io.BytesIO(image.data))


def numbers_in_scan(content: bytes, content_type: str) -> list[str]:
    """The electronic numbers in the verification QR codes found on a scan (in order, no
    repeats); [] when none can be read."""
    import zxingcpp
    found: list[str] = []
    try:
        for image in _images(content, content_type):
            image = image.convert("L")
            for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                number = _number(code.text)
                if number and number not in found:
                    found.append(number)
    except Exception as error:  # noqa: BLE001  (an unreadable scan is "no code found")
        log.info("no QR code read from a scan: %s", error)
    return found
