"""One presenter maps a declaration's or a filing's state and facts to the step indicator and
the next step for each role (issue 16, item 5)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smplatform.enums import DeclarationState as S
from smplatform.enums import Role
from smplatform.presenters.progress import (
    STEP_KEYS,
    DeclarationFacts,
    FilingFacts,
    declaration_progress,
    filing_progress,
)
from smplatform.rules.evaluation import TaskState as T


@pytest.fixture
def ctx(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


def facts(state, **kw):
    kw.setdefault("deadline", datetime(2023, 5, 31, 15, 59, 59, tzinfo=UTC))
    return DeclarationFacts(id=7, state=state, category=kw.pop("category", "enterprise"),
                            number="2023-440000-E-0001", batch_id=1, **kw)


def statuses(progress) -> dict[str, str]:
    return {s.key: s.status for s in progress.steps}


@pytest.mark.parametrize("state, extra, current, status", [
    (S.DRAFT, {}, "draft", "current"),
    (S.SUBMITTED, {}, "submitted", "current"),
    (S.CITY_REVIEW, {}, "submitted", "current"),
    (S.UNDER_REVIEW, {}, "province_review", "current"),
    (S.RETURNED, {}, "province_review", "current"),
    (S.RETURNED, {"returned_by_city": True}, "submitted", "current"),  # not yet at the province
    (S.REJECTED, {}, "province_review", "stopped"),
    (S.PASSED, {}, "stamped_copy", "current"),
    (S.PASSED, {"stamped_confirmed": True}, "recommended", "current"),
    (S.NOT_RECOMMENDED, {}, "recommended", "stopped"),
    (S.FORWARDED, {}, "expert_review", "current"),
    (S.EXPERT_REVIEW, {}, "expert_review", "current"),
    (S.EXPERT_FAILED, {}, "expert_review", "stopped"),
    (S.EXPERT_PASSED, {}, "notice", "current"),
    (S.SHORTLISTED, {}, "notice", "current"),
    (S.NOT_SELECTED, {}, "notice", "stopped"),
])
def test_every_state_has_its_step(ctx, state, extra, current, status):
    shown = statuses(declaration_progress(facts(state, **extra), Role.APPLICANT))
    index = STEP_KEYS.index(current)
    assert shown == {key: ("done" if i < index else status if i == index else "todo")
                     for i, key in enumerate(STEP_KEYS)}


def test_published_is_all_done(ctx):
    progress = declaration_progress(facts(S.PUBLISHED, published_on=date(2023, 12, 1)),
                                    Role.APPLICANT)
    assert set(statuses(progress).values()) == {"done"}
    assert progress.next_text == ("Published as a service-oriented manufacturing demonstration "
                                  "on 2023-12-01.")


def test_each_role_reads_its_own_next_step_after_passing(ctx):
    passed = facts(S.PASSED)
    applicant = declaration_progress(passed, Role.APPLICANT)
    assert (applicant.mine, [a.label for a in applicant.actions]) == (
        True, ["Download the declaration PDF", "Upload the stamped scan"])
    assert applicant.actions[0].url == "/applicant/declarations/7/pdf"
    province = declaration_progress(passed, Role.PROVINCE)
    assert (province.mine, province.next_text) == (
        False, "The applicant uploads the scan of the stamped copy next.")
    uploaded = declaration_progress(facts(S.PASSED, stamped_uploaded=True), Role.PROVINCE)
    assert (uploaded.mine, uploaded.next_text) == (
        True, "Check that the stamped copy carries the number 2023-440000-E-0001 and "
              "confirm it.")
    ministry = declaration_progress(passed, Role.MINISTRY)
    assert (ministry.mine, ministry.next_text) == (
        False, "With the provincial department: Passed the provincial review.")


def test_applicant_deadline_in_china_time(ctx):
    draft = declaration_progress(facts(S.DRAFT), Role.APPLICANT)
    assert draft.next_text.endswith("before 2023-05-31 23:59.")


def test_ministry_steps_through_review_and_notice(ctx):
    assert declaration_progress(facts(S.FORWARDED), Role.MINISTRY).next_text == \
        "Assign expert reviewers."
    waiting = declaration_progress(facts(S.EXPERT_REVIEW, reviews_assigned=3,
                                         reviews_submitted=2), Role.MINISTRY)
    assert (waiting.mine, waiting.next_text) == (
        False, "2 of 3 reviews submitted: wait for the others, then record the outcome.")
    city = declaration_progress(facts(S.EXPERT_PASSED, category="city"), Role.MINISTRY)
    assert city.actions[0].url == "/ministry/declarations/7/inspection"
    running = declaration_progress(facts(S.SHORTLISTED, notice_starts_on=date(2023, 8, 1),
                                         notice_ends_on=date(2023, 8, 7),
                                         today=date(2023, 8, 7)), Role.MINISTRY)
    ended = declaration_progress(facts(S.SHORTLISTED, notice_starts_on=date(2023, 8, 1),
                                       notice_ends_on=date(2023, 8, 7),
                                       today=date(2023, 8, 8)), Role.MINISTRY)
    assert (running.mine, ended.mine, ended.next_text) == (
        False, True, "The notice has ended: publish the final list.")


@pytest.mark.parametrize("state, role, mine, steps", [
    (T.NOT_STARTED, Role.APPLICANT, True, ["current", "todo", "todo", "todo"]),
    (T.RETURNED, Role.APPLICANT, True, ["current", "todo", "todo", "todo"]),
    (T.SUBMITTED, Role.PROVINCE, True, ["done", "current", "todo", "todo"]),
    (T.SUBMITTED, Role.APPLICANT, False, ["done", "current", "todo", "todo"]),
    (T.CONFIRMED, Role.MINISTRY, True, ["done", "done", "current", "todo"]),
    (T.STATUS_CHANGED, Role.MINISTRY, True, ["done", "done", "current", "todo"]),
    (T.CONCLUDED, Role.APPLICANT, False, ["done", "done", "done", "done"]),
])
def test_filing_steps_and_next_step(ctx, state, role, mine, steps):
    progress = filing_progress(FilingFacts(id=3, state=state, conclusion="qualified",
                                           concluded_on=date(2023, 9, 1),
                                           deadline=datetime(2023, 5, 31, 15, 59,
                                                             tzinfo=UTC)), role)
    assert ([s.status for s in progress.steps], progress.mine) == (steps, mine)
