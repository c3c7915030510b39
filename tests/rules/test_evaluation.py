"""The evaluation's pure rules: the state table, the filing's checks, registry row checks."""
from __future__ import annotations

import pytest

from smplatform.enums import Role
from smplatform.rules import evaluation as ev
from smplatform.rules.credit_code import make
from smplatform.rules.evaluation import FieldProblem, RowProblem, TaskState

CITIES = {"440100": "440000", "440300": "440300", "330100": "330000"}
UNITS = {"440000", "440300", "330000"}
CODE = make("91440101MA59D2MK1")


def test_transitions_every_row_is_reachable_by_its_roles_only():
    for t in ev.WORKFLOW.transitions:
        for role in Role:
            assert ev.WORKFLOW.can(t.state, t.action, role) == (role in t.roles)
        assert ev.WORKFLOW.find(t.state, t.action).next_state == t.next_state


@pytest.mark.parametrize("state", list(TaskState))
@pytest.mark.parametrize("action", sorted({t.action for t in ev.WORKFLOW.transitions}))
def test_transitions_absent_pairs_are_refused(state, action):
    listed = {(t.state, t.action) for t in ev.WORKFLOW.transitions}
    if (state, action) not in listed:
        assert ev.WORKFLOW.find(state, action) is None
        assert [ev.WORKFLOW.can(state, action, r) for r in Role] == [False] * len(Role)


def test_transitions_concluded_is_final():
    assert [ev.WORKFLOW.actions_from(TaskState.CONCLUDED, r) for r in Role] == [[]] * len(Role)


def test_progress_of_every_state():
    assert {s: ev.progress_of(s) for s in TaskState} == {
        TaskState.NOT_STARTED: ev.Progress.NOT_STARTED, TaskState.DRAFT: ev.Progress.DRAFT,
        TaskState.RETURNED: ev.Progress.DRAFT, TaskState.SUBMITTED: ev.Progress.SUBMITTED,
        TaskState.CONFIRMED: ev.Progress.SUBMITTED, TaskState.CONCLUDED: ev.Progress.SUBMITTED,
        TaskState.STATUS_CHANGED: ev.Progress.STATUS_CHANGED}


def test_states_in_is_the_inverse_of_progress_of():
    assert {p: ev.states_in(p) for p in ev.Progress} == {
        p: frozenset(s for s in TaskState if ev.progress_of(s) == p) for p in ev.Progress}


def test_clean_normalises_numbers_and_keeps_drafts_incomplete():
    values, problems = ev.clean({"operating_revenue_2020": "1,200.50",
                                 "practices": "  做法\r\n  "}, "enterprise")
    assert (values["operating_revenue_2020"], values["practices"], problems) == (
        "1200.5", "做法", {})
    assert values["service_revenue_2021"] is None


def test_clean_reports_each_problem():
    raw = {"operating_revenue_2020": "abc", "operating_revenue_2021": "-1",
           "operating_revenue_2022": "100", "service_revenue_2022": "200",
           "service_revenue_2020": "1e13", "problems": "x" * 1001}
    _, problems = ev.clean(raw, "enterprise")
    assert problems == {"operating_revenue_2020": FieldProblem.NOT_A_NUMBER,
                        "operating_revenue_2021": FieldProblem.NEGATIVE,
                        "service_revenue_2020": FieldProblem.TOO_LARGE,
                        "service_revenue_2022": FieldProblem.SERVICE_EXCEEDS,
                        "problems": FieldProblem.TOO_LONG}


def test_clean_platform_users_must_be_whole():
    _, problems = ev.clean({"users_served_2020": "1.5"}, "platform")
    assert problems == {"users_served_2020": FieldProblem.NOT_INTEGER}


def test_missing_fields_and_share():
    values = {"operating_revenue_2020": "200", "service_revenue_2020": "50"}
    assert ev.service_share(values, 2020) == ev.Decimal("25.0")
    assert len(ev.missing_fields(values, "enterprise")) == 6 + 5 - 2
    assert len(ev.missing_fields({}, "platform")) == 12 + 5


def _row(**kw):
    row = {"batch": "3", "year": "", "category": "enterprise", "name": "甲公司",
           "credit_code": CODE, "unit_code": "440000", "city_code": "440100", "class": ""}
    row.update(kw)
    return row


@pytest.mark.parametrize("change, column, problem", [
    ({"name": ""}, "name", RowProblem.MISSING_NAME),
    ({"credit_code": CODE[:-1] + ("0" if CODE[-1] != "0" else "1")}, "credit_code",
     RowProblem.BAD_CREDIT_CODE),
    ({"unit_code": "999999"}, "unit_code", RowProblem.UNKNOWN_UNIT),
    ({"city_code": "330100"}, "city_code", RowProblem.CITY_NOT_IN_UNIT),
    ({"batch": "5"}, "batch", RowProblem.BAD_BATCH),
    ({"batch": "0"}, "batch", RowProblem.BAD_BATCH),
    ({"batch": "x"}, "batch", RowProblem.BAD_BATCH),
    ({"year": "2019"}, "year", RowProblem.BAD_YEAR),
    ({"category": "factory"}, "category", RowProblem.BAD_CATEGORY),
    ({"category": "city", "city_code": ""}, "city_code", RowProblem.MISSING_CITY),
])
def test_check_row_problems(change, column, problem):
    row, problems = ev.check_row(7, _row(**change), cities=CITIES, units=UNITS)
    assert (row, problems) == (None, [(7, column, problem)])


def test_check_row_accepts_chinese_category_and_derives_year():
    row, problems = ev.check_row(2, _row(category="示范城市", credit_code="", city_code="440100"),
                                 cities=CITIES, units=UNITS)
    assert (problems, row.category, row.year, row.match_key()) == (
        [], ev.DemoCategory.CITY, 2021, (3, "city", "city", "440100"))


def test_check_rows_finds_duplicates():
    rows = [(2, _row()), (3, _row(name="甲公司（更名）")), (4, _row(credit_code="", name="乙"))]
    good, problems = ev.check_rows(rows, cities=CITIES, units=UNITS)
    assert ([r.line for r in good], problems) == ([2, 4], [(3, "name", RowProblem.DUPLICATE)])
