"""Password policy (ASVS V2.1): length, character classes, common passwords, username."""
from __future__ import annotations

import enum
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


class PasswordProblem(enum.Enum):
    TOO_SHORT = "too_short"
    TOO_FEW_CLASSES = "too_few_classes"
    COMMON = "common"
    CONTAINS_USERNAME = "contains_username"


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 10
    min_classes: int = 3


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password) or any(ord(c) > 127 for c in password),
    ]
    return sum(classes)


def problems(password: str, *, username: str = "", policy: PasswordPolicy = PasswordPolicy()
             ) -> list[PasswordProblem]:
    """Every rule the password breaks, in a stable order (empty when acceptable)."""
    found = []
    if len(password) < policy.min_length:
        found.append(PasswordProblem.TOO_SHORT)
    if character_classes(password) < policy.min_classes:
        found.append(PasswordProblem.TOO_FEW_CLASSES)
    lowered = password.lower()
    if lowered in common_passwords() or _strip_digits_and_symbols(lowered) in common_passwords():
        found.append(PasswordProblem.COMMON)
    if username and len(username) >= 3 and username.lower() in lowered:
        found.append(PasswordProblem.CONTAINS_USERNAME)
    return found


def _strip_digits_and_symbols(lowered: str) -> str:
    """'Password123!' is 'password' with decorations; treat it as common too."""
    core = lowered.rstrip(string.digits + string.punctuation)
    return core if len(core) >= 6 else lowered
