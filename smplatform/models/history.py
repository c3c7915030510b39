"""What the history rows of declarations and evaluation filings share: their step and the state
it led to, as translated labels."""
from __future__ import annotations

from typing import ClassVar

from smplatform.enums import LabelledEnum


class StepLabels:
    """Mixin for an event model with `action` and `to_state` codes. Unknown codes (old data)
    are shown as they are."""

    step_actions: ClassVar[type[LabelledEnum]]
    step_states: ClassVar[type[LabelledEnum]]

    @property
    def action_label(self) -> str:
        return self.step_actions.label_of(self.action)

    @property
    def to_state_label(self) -> str:
        """The state the step led to ("" when none was recorded)."""
        return self.step_states.label_of(self.to_state)
