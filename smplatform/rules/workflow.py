"""The ways things move, as data: state → action → next state → roles allowed.

`Workflow` is the machinery every table uses; the declaration's table is below and the
evaluation filing's is in rules/evaluation.py. Services (services/workflow.apply), permissions
and templates all read a table; an action not in it is impossible, whoever asks.
tests/services/test_workflow_table.py walks every state × action × role of every table.

Adding to a table:
- a state: a member of the table's state enum (with its label), then the rows that lead into
  it and out of it. A state no row names is refused when the table is built.
- a role: a member of `Role` (with its label), then name it in the rows it may take. Nothing
  else in the machinery lists roles; the table test needs a user of every role
  (`tests/services/test_workflow_table.py USERS`).
- a step: a member of the table's action enum (its label is what the history and the audit
  log show), then its rows.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from smplatform.enums import DeclarationAction as A
from smplatform.enums import DeclarationState as S
from smplatform.enums import Role


@dataclass(frozen=True)
class Transition:
    """One row of a table: `roles` may take `action` in `state`, which leads to `next_state`."""

    state: StrEnum
    action: StrEnum
    next_state: StrEnum
    roles: frozenset[Role]


def step(state, action, next_state, *roles: Role) -> tuple:
    """A row, as written in a table: step(S.DRAFT, "submit", S.SUBMITTED, Role.APPLICANT)."""
    return (state, action, next_state, roles)


class Workflow:
    """A workflow table over the states of `states` and the steps of `actions` (enums).

    Built once at import; its rows are checked then: every state, action and role is a
    member of its enum, no (state, action) pair has two rows, and every state of `states` is
    named by some row.
    """

    def __init__(self, *, states: type[StrEnum], actions: type[StrEnum], rows: Iterable[tuple]):
        self.states = states
        self.actions = actions
        transitions = []
        for state, action, next_state, roles in rows:
            transitions.append(Transition(states(state), actions(action), states(next_state),
                                          frozenset(Role(r) for r in roles)))
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self._index = {(t.state, t.action): t for t in self.transitions}
        if len(self._index) != len(self.transitions):
            raise ValueError("a (state, action) pair has more than one row")
        named = {t.state for t in self.transitions} | {t.next_state for t in self.transitions}
        if set(states) - named:
            raise ValueError(f"states without rows: {sorted(set(states) - named)}")

    def find(self, state, action) -> Transition | None:
        """The row of `action` in `state`, or None (also for an unknown state or action)."""
        try:
            return self._index.get((self.states(state), self.actions(action)))
        except ValueError:
            return None

    def can(self, state, action, role) -> bool:
        transition = self.find(state, action)
        return transition is not None and Role(role) in transition.roles

    def next_state(self, state, action):
        transition = self.find(state, action)
        if transition is None:
            raise ValueError(f"no transition {action!r} from {state!r}")
        return transition.next_state

    def actions_from(self, state, role) -> list[str]:
        """The steps `role` may take in `state`, in the table's order."""
        state, role = self.states(state), Role(role)
        return [t.action for t in self.transitions if t.state == state and role in t.roles]

    def states_allowing(self, action) -> frozenset:
        """The states in which some role may take `action`."""
        return frozenset(t.state for t in self.transitions if t.action == action)

    @property
    def roles(self) -> frozenset[Role]:
        """Every role that takes some step of this table."""
        return frozenset().union(*(t.roles for t in self.transitions))


DECLARATION = Workflow(states=S, actions=A, rows=(
    # The applicant fills in and submits; may withdraw until the province starts reviewing.
    step(S.DRAFT, A.SUBMIT, S.SUBMITTED, Role.APPLICANT),
    step(S.SUBMITTED, A.WITHDRAW, S.DRAFT, Role.APPLICANT),
    # The province's pre-review (初审).
    step(S.SUBMITTED, A.START_REVIEW, S.UNDER_REVIEW, Role.PROVINCE),
    step(S.UNDER_REVIEW, A.PASS, S.PASSED, Role.PROVINCE),
    step(S.UNDER_REVIEW, A.RETURN, S.RETURNED, Role.PROVINCE),
    step(S.UNDER_REVIEW, A.REJECT, S.REJECTED, Role.PROVINCE),
    step(S.RETURNED, A.RESUBMIT, S.SUBMITTED, Role.APPLICANT),
    # The prefecture tier (市级初审), where the province has turned it on for the batch: a
    # declaration of an organisation in a prefecture-level city goes to that city's officer
    # first, who passes it on to the province's queue or returns it for revision.
    step(S.DRAFT, A.SUBMIT_TO_CITY, S.CITY_REVIEW, Role.APPLICANT),
    step(S.RETURNED, A.RESUBMIT_TO_CITY, S.CITY_REVIEW, Role.APPLICANT),
    step(S.CITY_REVIEW, A.WITHDRAW, S.DRAFT, Role.APPLICANT),
    step(S.CITY_REVIEW, A.CITY_PASS, S.SUBMITTED, Role.CITY),
    step(S.CITY_REVIEW, A.CITY_RETURN, S.RETURNED, Role.CITY),
    # After the cities' deadline a declaration still at its city would wait for nobody: the
    # province takes it over into its own queue.
    step(S.CITY_REVIEW, A.PROVINCE_TAKE_OVER, S.SUBMITTED, Role.PROVINCE),
    # The unit's submission to the ministry moves every passed declaration on.
    step(S.PASSED, A.FORWARD, S.FORWARDED, Role.PROVINCE),
    step(S.PASSED, A.NOT_RECOMMEND, S.NOT_RECOMMENDED, Role.PROVINCE),
    # The ministry can send a unit's submission back, which unlocks its list.
    step(S.FORWARDED, A.SEND_BACK, S.PASSED, Role.MINISTRY),
    step(S.NOT_RECOMMENDED, A.SEND_BACK, S.PASSED, Role.MINISTRY),
    # The ministry's selection: expert review, decision after inspection, public notice
    # (公示) and publication. An objection upheld during the notice removes a shortlisted one.
    step(S.FORWARDED, A.START_EXPERT_REVIEW, S.EXPERT_REVIEW, Role.MINISTRY),
    step(S.EXPERT_REVIEW, A.EXPERT_PASS, S.EXPERT_PASSED, Role.MINISTRY),
    step(S.EXPERT_REVIEW, A.EXPERT_FAIL, S.EXPERT_FAILED, Role.MINISTRY),
    step(S.EXPERT_PASSED, A.SHORTLIST, S.SHORTLISTED, Role.MINISTRY),
    step(S.EXPERT_PASSED, A.NOT_SHORTLIST, S.NOT_SELECTED, Role.MINISTRY),
    step(S.SHORTLISTED, A.REMOVE_AFTER_NOTICE, S.NOT_SELECTED, Role.MINISTRY),
    step(S.SHORTLISTED, A.PUBLISH, S.PUBLISHED, Role.MINISTRY),
))
