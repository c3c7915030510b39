"""smplatform/templating.py: the `cst` filter's fast path for numeric patterns gives what
Babel gives, in both languages, on both sides of midnight in China."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, format_datetime

from smplatform import clock
from smplatform.templating import NUMERIC_PATTERNS

INSTANTS = [datetime(2023, 7, 14, 15, 59, 59, tzinfo=UTC),  # 23:59:59 in Beijing
            datetime(2023, 7, 14, 16, 0, 1, tzinfo=UTC),    # the next day there
            datetime(2024, 2, 29, 1, 2, 3, tzinfo=UTC)]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("pattern", sorted(NUMERIC_PATTERNS))
def test_numeric_patterns_match_babel(app, locale, pattern):
    cst = app.jinja_env.filters["cst"]
    with app.test_request_context(), force_locale(locale):
        for instant in INSTANTS:
            expected = format_datetime(clock.china(instant).replace(tzinfo=None), pattern,
                                       rebase=False)
            assert cst(instant, pattern) == expected


def test_default_pattern_and_other_patterns(app):
    cst = app.jinja_env.filters["cst"]
    with app.test_request_context(), force_locale("en"):
        assert cst(INSTANTS[0]) == "2023-07-14 23:59"
        assert cst(INSTANTS[1]) == "2023-07-15 00:00"
        assert cst(None) == ""
        assert cst(INSTANTS[0], "d MMMM yyyy") == "14 July 2023"  # through Babel


def test_layout_fragments_are_kept_per_language(app, client):
    """The layout's fixed parts (smplatform/fragments.py) are rendered once per language:
    alternating languages in one process gives each page its own."""
    for _ in range(2):
        chinese = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "跳到主要内容" in chinese and "Skip to main content" not in chinese
        assert "Skip to main content" in english and "跳到主要内容" not in english
        assert "Downloads" in english and "Downloads" not in chinese
