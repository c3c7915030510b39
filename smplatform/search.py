"""Substring search in lists: `contains(column, text)`.

The text's own `%`, `_` and `\\` are taken literally. Case is ignored for ASCII letters, as
users expect of a search box. On PostgreSQL that is ILIKE; on SQLite it is plain LIKE, which
already ignores ASCII case (the same letters SQLite's lower() folds), without the two lower()
calls per row that SQLAlchemy's ilike() adds there: half the cost of a search over a
unit's declarations (bench/RESULTS.md).
"""
from __future__ import annotations

from smplatform.extensions import db


def pattern(text: str) -> str:
    """`%text%` with LIKE's special characters escaped (escape character: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, text: str):
    like = pattern(text)
    if db.engine.dialect.name == "sqlite":
        return column.like(like, escape="\\")
    return column.ilike(like, escape="\\")
