"""The one shape of a history table: declarations' and evaluation filings' steps.

Each step of a workflow table (rules/workflow.py) that services/workflow.apply takes leaves
one row: when, who, which step, from which state to which, with which comment. A history
model is `class XEvent(WorkflowEvent, db.Model)` with its own table name, the foreign key to
what moved, its relationship back, and the enums its codes come from (`step_actions`,
`step_states`); it may add columns of its own (a declaration's per-section comments).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from smplatform.enums import LabelledEnum
from smplatform.models.types import UTCDateTime

if TYPE_CHECKING:
    from smplatform.models.accounts import User


class WorkflowEvent:
    """Mixin: the columns every history table has, and its step and state as labels."""

    step_actions: ClassVar[type[LabelledEnum]]
    step_states: ClassVar[type[LabelledEnum]]

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def actor(cls) -> Mapped[User | None]:
        return relationship("User")

    @property
    def action_label(self) -> str:
        """The step, translated; an unknown code (old data) is shown as it is."""
        return self.step_actions.label_of(self.action)

    @property
    def to_state_label(self) -> str:
        """The state the step led to, translated ("" when none was recorded)."""
        return self.step_states.label_of(self.to_state)
