"""The declaration's way as data: state → action → next state → roles allowed.

Services and templates both read this table (Hypha's workflow definitions). Later stages
(expert review, inspection, publication) extend it with more rows. An action not in the table
is impossible, whoever asks.
"""
from __future__ import annotations

from dataclasses import dataclass

from smplatform.enums import DeclarationState as S
from smplatform.enums import Role


@dataclass(frozen=True)
class Transition:
    state: S
    action: str
    next_state: S
    roles: frozenset[Role]


def _t(state: S, action: str, next_state: S, *roles: Role) -> Transition:
    return Transition(state, action, next_state, frozenset(roles))


TRANSITIONS: tuple[Transition, ...] = (
    # The applicant fills in and submits; may withdraw until the province starts reviewing.
    _t(S.DRAFT, "submit", S.SUBMITTED, Role.APPLICANT),
    _t(S.SUBMITTED, "withdraw", S.DRAFT, Role.APPLICANT),
    # The province's pre-review (初审).
    _t(S.SUBMITTED, "start_review", S.UNDER_REVIEW, Role.PROVINCE),
    _t(S.UNDER_REVIEW, "pass", S.PASSED, Role.PROVINCE),
    _t(S.UNDER_REVIEW, "return", S.RETURNED, Role.PROVINCE),
    _t(S.UNDER_REVIEW, "reject", S.REJECTED, Role.PROVINCE),
    _t(S.RETURNED, "resubmit", S.SUBMITTED, Role.APPLICANT),
    # The unit's submission to the ministry moves every passed declaration on.
    _t(S.PASSED, "forward", S.FORWARDED, Role.PROVINCE),
    _t(S.PASSED, "not_recommend", S.NOT_RECOMMENDED, Role.PROVINCE),
    # The ministry can send a unit's submission back, which unlocks its list.
    _t(S.FORWARDED, "send_back", S.PASSED, Role.MINISTRY),
    _t(S.NOT_RECOMMENDED, "send_back", S.PASSED, Role.MINISTRY),
    # The ministry's selection: expert review, decision after inspection, public notice
    # (公示) and publication. An objection upheld during the notice removes a shortlisted one.
    _t(S.FORWARDED, "start_expert_review", S.EXPERT_REVIEW, Role.MINISTRY),
    _t(S.EXPERT_REVIEW, "expert_pass", S.EXPERT_PASSED, Role.MINISTRY),
    _t(S.EXPERT_REVIEW, "expert_fail", S.EXPERT_FAILED, Role.MINISTRY),
    _t(S.EXPERT_PASSED, "shortlist", S.SHORTLISTED, Role.MINISTRY),
    _t(S.EXPERT_PASSED, "not_shortlist", S.NOT_SELECTED, Role.MINISTRY),
    _t(S.SHORTLISTED, "remove_after_notice", S.NOT_SELECTED, Role.MINISTRY),
    _t(S.SHORTLISTED, "publish", S.PUBLISHED, Role.MINISTRY),
)

_INDEX = {(t.state, t.action): t for t in TRANSITIONS}


def find(state: S | str, action: str) -> Transition | None:
    return _INDEX.get((S(state), action))


def can(state: S | str, action: str, role: Role | str) -> bool:
    transition = find(state, action)
    return transition is not None and Role(role) in transition.roles


def next_state(state: S | str, action: str) -> S:
    transition = find(state, action)
    if transition is None:
        raise ValueError(f"no transition {action!r} from {state!r}")
    return transition.next_state


def actions_from(state: S | str, role: Role | str) -> list[str]:
    return [t.action for t in TRANSITIONS if t.state == S(state) and Role(role) in t.roles]
