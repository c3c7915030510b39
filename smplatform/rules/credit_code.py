"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (digits and upper-case letters without I, O, S, V, Z):
registration authority (1), organisation category (1), administrative division (6),
organisation code (9) and a check character computed over the first 17 with weights 3^i mod 31.
"""
from __future__ import annotations

import enum

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class CreditCodeProblem(enum.Enum):
    EMPTY = "empty"
    LENGTH = "length"
    CHARACTERS = "characters"
    CHECK = "check"


def normalise(raw: str | None) -> str:
    """Strip spaces and upper-case: what users paste from licences often has both."""
    return "".join((raw or "").split()).upper()


def check_character(first17: str) -> str:
    """The 18th character for the given first 17 characters."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> CreditCodeProblem | None:
    """Return what is wrong with an already normalised code, or None if it is valid."""
    if not code:
        return CreditCodeProblem.EMPTY
    if len(code) != LENGTH:
        return CreditCodeProblem.LENGTH
    if any(ch not in ALPHABET for ch in code):
        return CreditCodeProblem.CHARACTERS
    if check_character(code[:17]) != code[17]:
        return CreditCodeProblem.CHECK
    return None


def is_valid(code: str) -> bool:
    return problem(normalise(code)) is None


def make(first17: str) -> str:
    """Complete 17 characters with their check character (for demo data and tests)."""
    return first17 + check_character(first17)
