"""Reading an electronic number and a verification code typed from paper. Pure functions.

People type what they read: with spaces, in lower case, with full-width characters from a
Chinese input method, or with a dash of another kind. Both values are normalised before
they are compared, so that only a real difference in the characters fails.
"""
from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−－ー一"})


def normalise_number(value: str | None) -> str:
    """`" 2023－440000-e-0001 "` -> `"2023-440000-E-0001"`."""
    text = unicodedata.normalize("NFKC", value or "").translate(_DASHES)
    return _SPACE.sub("", text).upper()


def normalise_code(value: str | None) -> str:
    """`"styf x2bq"` -> `"STYFX2BQ"`: spaces and dashes dropped, upper case."""
    text = unicodedata.normalize("NFKC", value or "").translate(_DASHES)
    return _SPACE.sub("", text).replace("-", "").upper()
