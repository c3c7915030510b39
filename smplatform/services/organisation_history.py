"""Memory across batches: an organisation's earlier declarations (any batch, any category,
with their outcome) and its demonstrations of batches 1–4 (the registry, with their
evaluation conclusions), shown to the province, the experts and the ministry beside a new
declaration; and a new draft started from an earlier declaration's content.

Reads (history) and one state change (copy_previous). Drafts of other declarations are never
shown: a draft is its organisation's own business.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from smplatform import clock
from smplatform.enums import EDITABLE_STATES, DeclarationState
from smplatform.extensions import db
from smplatform.models import (
    Batch,
    Declaration,
    EvaluationCampaign,
    EvaluationTask,
    RegistryEntry,
    User,
)
from smplatform.rules import annex1
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels
from smplatform.services.declarations import _claim, _derived, _store_data

# Fields a copy never takes from the earlier declaration: who the organisation is comes from
# its registration now, and the conditions must be attested again for the new batch.
NOT_COPIED_PREFIX = ("cond_",)


@dataclass
class Demonstration:
    entry: RegistryEntry
    conclusions: list[tuple[int, str]] = field(default_factory=list)  # (batch number, label)


@dataclass
class History:
    declarations: list[Declaration]
    demonstrations: list[Demonstration]

    def __bool__(self) -> bool:
        return bool(self.declarations or self.demonstrations)


def history(declaration: Declaration) -> History:
    """The organisation's other declarations (not drafts), newest batch first, and its
    demonstrations (registry entries linked to it, or with its credit code). Three queries."""
    others = db.session.scalars(
        select(Declaration).join(Batch, Batch.id == Declaration.batch_id)
        .options(joinedload(Declaration.batch))
        .where(Declaration.organisation_id == declaration.organisation_id,
               Declaration.id != declaration.id,
               Declaration.state != DeclarationState.DRAFT)
        .order_by(Batch.number.desc(), Declaration.category)).all()
    conditions = [RegistryEntry.organisation_id == declaration.organisation_id]
    if declaration.credit_code:
        conditions.append(RegistryEntry.credit_code == declaration.credit_code)
    entries = db.session.scalars(
        select(RegistryEntry).where(or_(*conditions))
        .order_by(RegistryEntry.batch_number.desc(), RegistryEntry.id)).all()
    demonstrations = {e.id: Demonstration(e) for e in entries}
    if demonstrations:
        tasks = db.session.scalars(
            select(EvaluationTask).options(selectinload(EvaluationTask.campaign)
                                           .joinedload(EvaluationCampaign.batch))
            .where(EvaluationTask.entry_id.in_(list(demonstrations)),
                   EvaluationTask.conclusion.is_not(None))).all()
        for task in tasks:
            demonstrations[task.entry_id].conclusions.append(
                (task.campaign.batch.number, task.conclusion_enum.label))
    return History(list(others), list(demonstrations.values()))


def sources_for(declaration: Declaration) -> list[Declaration]:
    """Earlier declarations of the same organisation and category (other batches) whose
    content a draft can start from, newest first."""
    return db.session.scalars(
        select(Declaration).join(Batch, Batch.id == Declaration.batch_id)
        .options(joinedload(Declaration.batch))
        .where(Declaration.organisation_id == declaration.organisation_id,
               Declaration.category == declaration.category,
               Declaration.batch_id != declaration.batch_id)
        .order_by(Batch.number.desc())).all()


def _copyable(name: str) -> bool:
    return not name.startswith(NOT_COPIED_PREFIX)


def copy_previous(*, declaration: Declaration, source: Declaration, actor: User,
                  base_version: int) -> list[str]:
    """Fill the draft's empty fields with the earlier declaration's values; returns the names
    filled. Nothing typed in the draft is overwritten; the organisation's registered details
    and the attested conditions are not copied.

    Refused unless the draft is editable, the source is the same organisation's and
    category's in another batch, and the draft has not changed since the page was shown.
    Side effects: Declaration.data and version (+1); audit `declaration.copy_previous` with
    the source and the fields filled.
    """
    if declaration.state not in EDITABLE_STATES:
        raise DomainError(_("This declaration can no longer be changed: it is \"%(state)s\".",
                            state=declaration.state_enum.label), code="frozen")
    if source.id not in {d.id for d in sources_for(declaration)}:
        raise DomainError(_("Choose one of your organisation's earlier declarations in this "
                            "category."), code="source")
    if base_version != declaration.version:
        raise DomainError(_("The declaration changed meanwhile (another tab or another user). "
                            "Reload it and try again."), code="stale")
    names = {f.name for f in annex1.definition(declaration.category).fields()
             if _copyable(f.name) and not f.prefill}
    current = declaration.data
    filled = sorted(name for name in names
                    if current.get(name) in (None, "", []) and
                    source.data.get(name) not in (None, "", []))
    if not filled:
        return []
    data = dict(current)
    data.update({name: source.data[name] for name in filled})
    if not _claim(declaration, version=base_version, states=EDITABLE_STATES,
                  updated_at=clock.now(), updated_by_id=actor.id,
                  **_derived(declaration, data)):
        raise DomainError(_("The declaration changed meanwhile (another tab or another user). "
                            "Reload it and try again."), code="stale")
    _store_data(declaration, data)
    record("declaration.copy_previous", actor=actor, obj=declaration,
           unit_code=declaration.unit_code,
           detail={"source_id": source.id, "source_number": source.electronic_number,
                   "source_batch": source.batch.number, "fields": filled})
    return filled


register_labels({"declaration.copy_previous": _l("Declaration started from an earlier one")})
