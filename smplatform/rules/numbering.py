"""Electronic numbers (电子编号) and verification codes of submitted declarations."""
from __future__ import annotations

import hashlib
import json
import re

from smplatform.enums import Category

NUMBER_RE = re.compile(r"^(\d{4})-(\d{6})-([EPC])-(\d{4,})$")
# Unambiguous characters for codes people type from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def electronic_number(year: int, unit_code: str, category: Category | str, sequence: int) -> str:
    """`2023-440000-E-0007`: batch year, the unit's code, category letter, sequence in the unit."""
    return f"{year}-{unit_code}-{Category(category).letter}-{sequence:04d}"


def parse(number: str) -> tuple[int, str, str, int] | None:
    match = NUMBER_RE.match((number or "").strip().upper())
    if not match:
        return None
    year, unit, letter, seq = match.groups()
    return int(year), unit, letter, int(seq)


def canonical_content(data: dict) -> bytes:
    """The submitted content as canonical JSON (sorted keys, no whitespace)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def verification_code(number: str, data: dict, length: int = 8) -> str:
    """A short code derived from the number and the submitted content (printed on each page).

    Any change of the content changes the code, so a paper copy can be checked against the
    system on the public verification page.
    """
    digest = hashlib.sha256(number.encode() + b"\x00" + canonical_content(data)).digest()
    value = int.from_bytes(digest, "big")
    chars = []
    for _ in range(length):
        value, index = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def content_digest(number: str, data: dict) -> str:
    """The SHA-256 (hex) of the number and the submitted content: recorded at each
    submission and written into the signed PDF, so that a PDF handed back can be compared
    with the declaration as submitted."""
    return hashlib.sha256(number.encode() + b"\x00" + canonical_content(data)).hexdigest()
