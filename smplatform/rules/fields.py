"""Checking Annex 1 values by field kind, and the completeness of a declaration (pure rules).

`clean(field, raw)` answers (value, None) or (None, message). Messages are lazy strings,
translated when shown. Values are stored as strings (money as decimal strings), "1" for a
ticked check, and a list of strings for multichoice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from smplatform.rules import annex1, credit_code
from smplatform.rules.annex1 import Field, FormDefinition

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INTEGER_RE = re.compile(r"^\d+$")
MONEY_RE = re.compile(r"^-?\d+(\.\d{1,2})?$")
MAX_MONEY = Decimal("1e12")


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value is False


def clean(field: Field, raw):
    """Normalise and check one submitted value. Empty is allowed here (see `missing`)."""
    kind = field.kind
    if kind == "multichoice":
        values = [v for v in (raw or []) if v]
        allowed = {c.value for c in field.choices}
        if any(v not in allowed for v in values):
            return None, _l("Choose from the list.")
        return values, None
    if kind == "check":
        return ("1" if raw in ("1", "on", "true", "y", True) else ""), None
    text = (raw or "").strip() if isinstance(raw, str) else ("" if raw is None else str(raw))
    if kind != "textarea":
        text = " ".join(text.split())
    else:
        text = text.replace("\r\n", "\n")
    if text == "":
        return "", None
    if field.max_length is not None and len(text) > field.max_length:
        return None, _l("At most %(max)d characters; this has %(n)d.", max=field.max_length,
                        n=len(text))
    checker = _CHECKERS.get(kind)
    if checker is None:
        return text, None
    return checker(field, text)


def _money(field, text):
    text = text.replace(",", "").replace("，", "")
    if not MONEY_RE.match(text):
        return None, _l("Enter an amount in figures with at most 2 decimal places, "
                        "e.g. 1234.56.")
    value = Decimal(text)
    if value < 0:
        return None, _l("The amount cannot be negative.")
    if value >= MAX_MONEY:
        return None, _l("The amount is too large; check the unit.")
    return format(value, "f"), None


def _integer(field, text):
    text = text.replace(",", "")
    if text.startswith("-") and INTEGER_RE.match(text[1:]):
        return None, _l("The number cannot be negative.")
    if not INTEGER_RE.match(text) or len(text) > 12:
        return None, _l("Enter a whole number, e.g. 120.")
    return str(int(text)), None


def _date(field, text):
    try:
        return date.fromisoformat(text).isoformat(), None
    except ValueError:
        return None, _l("Enter a date as YYYY-MM-DD, e.g. 2019-06-30.")


def _email(field, text):
    if not EMAIL_RE.match(text) or len(text) > 254:
        return None, _l("Enter an e-mail address such as name@example.com.")
    return text, None


def _mobile(field, text):
    text = text.replace("-", "").replace(" ", "")
    if text.startswith("+86"):
        text = text[3:]
    if not MOBILE_RE.match(text):
        return None, _l("Enter an 11-digit mainland mobile number starting with 13 to 19.")
    return text, None


def _credit_code(field, text):
    code = credit_code.normalise(text)
    problem = credit_code.problem(code)
    if problem is None:
        return code, None
    if problem == credit_code.CreditCodeProblem.LENGTH:
        return None, _l("A unified social credit code has 18 characters; this has %(n)d.",
                        n=len(code))
    if problem == credit_code.CreditCodeProblem.CHARACTERS:
        return None, _l("A unified social credit code uses digits and capital letters except "
                        "I, O, S, V and Z.")
    return None, _l("This unified social credit code is not valid: its last character does "
                    "not match. Copy it again from the business licence.")


def _url(field, text):
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        return None, _l("Enter a web address starting with http:// or https://.")
    return text, None


def _choice(field, text):
    if text not in {c.value for c in field.choices}:
        return None, _l("Choose from the list.")
    return text, None


_CHECKERS = {"money": _money, "integer": _integer, "date": _date, "email": _email,
             "mobile": _mobile, "credit_code": _credit_code, "url": _url, "choice": _choice}


def is_required(field: Field, data: dict) -> bool:
    if field.required:
        return True
    if field.required_if is not None:
        other, value = field.required_if
        return data.get(other) == value
    return False


@dataclass(frozen=True)
class Missing:
    """One thing missing before submission; `anchor` is the field's id in its section page."""

    section: str | None
    name: str
    label: annex1.Text
    kind: str  # field, attachment

    @property
    def anchor(self) -> str:
        return f"field-{self.name}"


def missing_fields(definition: FormDefinition, data: dict, section: str | None = None):
    out = []
    for s in definition.sections:
        if section is not None and s.key != section:
            continue
        for f in s.fields():
            if is_required(f, data) and is_empty(data.get(f.name)):
                out.append(Missing(s.key, f.name, f.label, "field"))
    return out


def missing(definition: FormDefinition, data: dict, attachment_kinds) -> list[Missing]:
    """Everything still missing: required fields (incl. required_if), attestations and the
    pledge (required checks), and required attachment kinds."""
    out = missing_fields(definition, data)
    present = set(attachment_kinds)
    for kind in definition.attachments:
        if kind.required and kind.key not in present:
            out.append(Missing(None, kind.key, kind.label, "attachment"))
    return out


def section_complete(definition: FormDefinition, data: dict, key: str) -> bool:
    return not missing_fields(definition, data, key)


def year_total(data: dict, row: str, years) -> str | None:
    """The sum of a row over the years, or None while any year is not a valid number."""
    total = Decimal(0)
    for year in years:
        try:
            total += Decimal(str(data.get(f"{row}_{year}") or ""))
        except InvalidOperation:
            return None
    return format(total, "f")
