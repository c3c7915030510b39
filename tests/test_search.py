"""smplatform/search.py: substring search ignores ASCII case and takes %, _ and \\ literally,
on SQLite (plain LIKE) as on PostgreSQL (ILIKE); and the lists' search boxes use it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Unit
from smplatform.search import contains, pattern


def _codes(column, text):
    return set(db.session.scalars(select(Unit.code).where(contains(column, text))))


@pytest.mark.parametrize("text", ["guangdong", "GUANGDONG", "gUaNgDoNg", "angdo"])
def test_ascii_case_is_ignored(app, text):
    assert _codes(Unit.name_en, text) == {"440000"}


def test_chinese_substrings(app):
    assert _codes(Unit.name_zh, "广东") == {"440000"}
    assert "440300" in _codes(Unit.name_zh, "深圳")


@pytest.mark.parametrize("text", ["%", "_", "\\", "Guang%", "G_angdong"])
def test_like_wildcards_are_literal(app, text):
    assert _codes(Unit.name_en, text) == set()


def test_pattern_escapes():
    assert pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


def test_national_list_search_box_takes_percent_literally(app, make, login_as):
    from tests.support import selection as helpers
    batch = helpers.make_batch()
    helpers.declaration(batch, "440000", name="广东甲公司")
    client = login_as(make.ministry())
    assert "广东甲公司" in client.get("/ministry/declarations?q=甲").get_data(as_text=True)
    assert "广东甲公司" not in client.get("/ministry/declarations?q=%25").get_data(as_text=True)
