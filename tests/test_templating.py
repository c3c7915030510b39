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
    """The layout's fixed parts are in the page's language: alternating languages in one
    process gives each page its own."""
    for _ in range(2):
        chinese = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "跳到主要内容" in chinese and "Skip to main content" not in chinese
        assert "Skip to main content" in english and "跳到主要内容" not in english
        assert "Downloads" in english and "Downloads" not in chinese


def test_kept_html_forgets_the_least_recently_used_part():
    from smplatform.fragments import KeptHTML
    kept, renders = KeptHTML(max_parts=2), []

    def render(text):
        def once():
            renders.append(text)
            return f"<p>{text}</p>"
        return once
    for key in ("a", "b", "a", "c", "a", "b"):
        kept.get_or_render(key, render(key))
    assert (renders, len(kept), str(kept.get_or_render("a", render("x")))) == (
        ["a", "b", "c", "b"], 2, "<p>a</p>")


def test_enum_labels_follow_the_locale_within_a_request(app):
    """Labels are translated once per request and locale: force_locale in the middle of a
    request (e.g. an e-mail in the recipient's language) gets its own, and two enums with the
    same value keep their own labels."""
    from smplatform.enums import DeclarationState
    from smplatform.rules.evaluation import TaskState
    with app.test_request_context("/"), force_locale("zh_CN"):
        before = str(DeclarationState.SUBMITTED.label)
        with force_locale("en"):
            english = (str(DeclarationState.SUBMITTED.label), str(TaskState.SUBMITTED.label))
        after = str(DeclarationState.SUBMITTED.label)
    assert (before, english, after) == (
        "已提交，待省级初审", ("Submitted, awaiting provincial review",
                      "Submitted, awaiting provincial confirmation"), "已提交，待省级初审")
