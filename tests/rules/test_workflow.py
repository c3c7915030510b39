"""The workflow table machinery (rules/workflow.py): what a table refuses when it is built, and
what it answers. Every table's rows are walked in tests/services/test_workflow_table.py."""
from __future__ import annotations

import pytest

from smplatform.enums import LabelledEnum, Role
from smplatform.rules.workflow import DECLARATION, Workflow, step


class State(LabelledEnum):
    OPEN = "open"
    DONE = "done"

    @classmethod
    def _labels(cls):
        return {cls.OPEN: "open", cls.DONE: "done"}


class Step(LabelledEnum):
    CLOSE = "close"
    REOPEN = "reopen"

    @classmethod
    def _labels(cls):
        return {cls.CLOSE: "close", cls.REOPEN: "reopen"}


def _table(*rows):
    return Workflow(states=State, actions=Step, rows=rows)


def test_a_table_answers_from_its_rows():
    table = _table(step(State.OPEN, Step.CLOSE, State.DONE, Role.PROVINCE, Role.MINISTRY),
                   step(State.DONE, "reopen", State.OPEN, Role.MINISTRY))
    assert (table.find("open", "close").next_state, table.next_state(State.DONE, "reopen"),
            table.can("open", "close", "province"), table.can("done", "reopen", "province"),
            table.actions_from("open", Role.MINISTRY), table.actions_from("done", "applicant"),
            table.states_allowing("close"), table.roles) == (
        State.DONE, State.OPEN, True, False, ["close"], [], frozenset({State.OPEN}),
        frozenset({Role.PROVINCE, Role.MINISTRY}))


def test_unknown_states_and_actions_find_no_row():
    table = _table(step(State.OPEN, Step.CLOSE, State.DONE, Role.PROVINCE))
    assert (table.find("open", "delete"), table.find("gone", "close"),
            table.can("gone", "close", Role.PROVINCE)) == (None, None, False)
    with pytest.raises(ValueError):
        table.next_state("done", "close")


@pytest.mark.parametrize("rows", [
    # the same (state, action) twice
    (step(State.OPEN, Step.CLOSE, State.DONE, Role.PROVINCE),
     step(State.OPEN, Step.CLOSE, State.OPEN, Role.MINISTRY)),
    # a state no row names
    (step(State.OPEN, Step.REOPEN, State.OPEN, Role.PROVINCE),),
    # an action that is not a step of the table (no label for the history)
    (step(State.OPEN, "approve", State.DONE, Role.PROVINCE),),
    # a state of another vocabulary
    (step(State.OPEN, Step.CLOSE, "published", Role.PROVINCE),),
    # a role that does not exist
    (step(State.OPEN, Step.CLOSE, State.DONE, "prefecture"),),
], ids=["duplicate", "state without rows", "unknown action", "unknown state", "unknown role"])
def test_a_table_with_a_bad_row_is_refused_when_built(rows):
    with pytest.raises(ValueError):
        _table(*rows)


def test_every_declaration_state_is_named_by_a_row():
    named = {t.state for t in DECLARATION.transitions} | {
        t.next_state for t in DECLARATION.transitions}
    assert named == set(DECLARATION.states)
