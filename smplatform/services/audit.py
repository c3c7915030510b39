"""Writing audit entries, sealing them into the hash chain, and verifying the chain."""
from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.orm import Session

from smplatform import clock
from smplatform.enums import AuditOutcome
from smplatform.extensions import db
from smplatform.crypto import MissingKey, ring
from smplatform.models import AuditArchive, AuditChainHead, AuditEntry, User
from smplatform.rules.audit_chain import GENESIS, entry_payload, link

_PENDING = "audit_pending"


def client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


_MARKS = "audit_savepoint_marks"
_COLUMNS = ("at", "actor_id", "actor_name", "ip", "action", "outcome", "object_type",
            "object_id", "unit_code", "detail")


def record(action: str, *, actor: User | None = None, actor_name: str | None = None,
           outcome: AuditOutcome = AuditOutcome.SUCCESS, obj=None, object_type: str | None = None,
           object_id=None, unit_code: str | None = None, detail: dict | None = None) -> None:
    """Record one audit entry with the caller's change.

    Side effects: the entry is kept with the session and inserted, already sealed into the
    hash chain, when the transaction commits (nothing is written if it rolls back, and an
    entry recorded inside a savepoint that rolls back is dropped with it).
    """
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    entry = {
        "at": clock.now(),
        "actor_id": actor.id if actor is not None else None,
        "actor_name": actor.username if actor is not None else actor_name,
        "ip": client_ip(),
        "action": action,
        "outcome": str(outcome),
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "unit_code": unit_code,
        "detail": detail,
    }
    session = db.session()
    if session.get_transaction() is None:
        session.begin()  # so that a rollback before any other change also drops the entry
    session.info.setdefault(_PENDING, []).append(entry)


def _payload(entry: dict, seq: int) -> bytes:
    return entry_payload(seq=seq, **{c: entry[c] for c in _COLUMNS})


# The seal's three statements, built once (every audited commit runs them; built anew they
# cost more than they take to run). The UPDATE takes the row lock on PostgreSQL and the write
# lock on SQLite, and returns the head as it is under that lock.
_CHAIN = AuditChainHead.__table__
_CLAIM_HEAD = (update(_CHAIN).where(_CHAIN.c.id == 1).values(seq=_CHAIN.c.seq)
               .returning(_CHAIN.c.seq, _CHAIN.c.last_hash))
_INSERT_ENTRIES = insert(AuditEntry.__table__)
_MOVE_HEAD = (update(_CHAIN).where(_CHAIN.c.id == 1, _CHAIN.c.seq == bindparam("first"))
              .values(seq=bindparam("new_seq"), last_hash=bindparam("new_hash")))


@event.listens_for(Session, "before_commit")
def _seal(session: Session) -> None:
    """Insert this transaction's entries, chained, as the last step before the commit.

    Taking the head row's lock last (after all other changes are flushed) means a
    transaction holding it never waits for another lock, so sealing cannot deadlock; it only
    orders commits. Releasing a savepoint seals nothing: its entries stay pending with the
    transaction's other entries until the commit (or go if an enclosing savepoint rolls back).
    """
    if session.in_nested_transaction():
        return  # a savepoint is released: its entries wait for the real commit
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()
    head = session.execute(_CLAIM_HEAD).first()
    seq, last = head if head is not None else (0, GENESIS)
    first = seq
    key_id, key = ring().current_key("audit")
    rows = []
    for entry in pending:
        seq += 1
        row = {**entry, "seq": seq, "prev_hash": last, "mac_key": key_id}
        row["hash"] = last = link(last, _payload(entry, seq), key)
        rows.append(row)
    session.execute(_INSERT_ENTRIES, rows)  # one executemany, in chain order
    if head is None:
        session.add(AuditChainHead(id=1, seq=seq, last_hash=last))
        session.flush()
    else:
        session.execute(_MOVE_HEAD, {"first": first, "new_seq": seq, "new_hash": last})


@event.listens_for(Session, "after_transaction_create")
def _mark(session: Session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction) -> None:
    """A savepoint rolled back: drop the entries recorded inside it. (SQLAlchemy ends the
    transaction before this event, so the marks are kept until the outermost one ends.)"""
    mark = session.info.get(_MARKS, {}).pop(previous_transaction, None)
    if mark is not None and _PENDING in session.info:
        del session.info[_PENDING][mark:]


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)


@dataclass
class ChainReport:
    checked: int
    unsealed: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every sealed entry's HMAC in order; report gaps, edits, entries sealed
    without an audit key, and a moved head. Entries removed after archiving
    (`audit-archive --prune`) are skipped: the chain resumes from the last pruned archive."""
    problems: list[str] = []
    keys = ring()
    pruned = db.session.scalar(select(AuditArchive).where(AuditArchive.pruned_at.is_not(None))
                               .order_by(AuditArchive.last_seq.desc()).limit(1))
    last, after = (pruned.last_hash, pruned.last_seq) if pruned else (GENESIS, 0)
    expected_seq, checked = after + 1, 0
    while True:
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.seq > after)
                                  .order_by(AuditEntry.seq).limit(batch_size)).all()
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                problems.append(f"sequence gap: expected {expected_seq}, found {entry.seq} "
                                f"(entry id {entry.id})")
            if entry.prev_hash != last:
                problems.append(f"entry id {entry.id} (seq {entry.seq}) does not follow the "
                                "previous entry")
            values = {c: getattr(entry, c) for c in _COLUMNS}
            try:
                key = keys.key("audit", entry.mac_key) if entry.mac_key else None
            except MissingKey:
                key = None
            if key is None:
                problems.append(f"entry id {entry.id} (seq {entry.seq}) is not sealed with a "
                                f"known audit key ({entry.mac_key or 'none'})")
            elif link(entry.prev_hash or "", _payload(values, entry.seq), key) != entry.hash:
                problems.append(f"entry id {entry.id} (seq {entry.seq}) was altered")
            last, expected_seq, after = entry.hash, entry.seq + 1, entry.seq
            checked += 1
        db.session.expunge_all()
    head = db.session.get(AuditChainHead, 1)
    if head is not None and (head.seq != after or head.last_hash != last):
        problems.append("the chain head does not match the last entry (entries removed?)")
    unsealed = db.session.scalar(select(db.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.seq.is_(None)))
    return ChainReport(checked=checked, unsealed=unsealed, problems=problems)
# Readable names of audit actions for the log page. Areas add theirs with register_labels();
# an action without a label is shown by its code alone.
ACTION_LABELS: dict[str, object] = {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Failed sign-in"),
    "auth.lockout": _l("Account locked"),
    "auth.sign_out": _l("Signed out"),
    "auth.password_change": _l("Password change"),
    "organisation.register": _l("Organisation registered"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.language": _l("Language chosen"),
    "batch.create": _l("Batch created"),
    "batch.update": _l("Batch changed"),
    "batch.open": _l("Batch opened"),
    "batch.close": _l("Batch closed"),
    "batch.quota": _l("Quota table changed"),
    "declaration.start": _l("Declaration started"),
    "declaration.save": _l("Declaration saved"),
    "declaration.attachment_upload": _l("Attachment uploaded"),
    "declaration.attachment_delete": _l("Attachment deleted"),
    "declaration.stamped_confirm": _l("Stamped copy confirmed"),
    "evaluation.open_campaign": _l("Evaluation campaign opened"),
    "evaluation.attach": _l("Evaluation attachment uploaded"),
    "evaluation.detach": _l("Evaluation attachment deleted"),
    "evaluation.remind": _l("Evaluation reminder sent"),
    "expert.update": _l("Expert profile changed"),
    "inspection.record": _l("On-site inspection recorded"),
    "liaison_contact.add": _l("Liaison contact added"),
    "liaison_contact.remove": _l("Liaison contact removed"),
    "notice.start": _l("Public notice started"),
    "notice.publish": _l("Final list published"),
    "objection.record": _l("Objection recorded"),
    "recommendation.add": _l("Added to the recommendation list"),
    "recommendation.move": _l("Recommendation rank changed"),
    "recommendation.remove": _l("Removed from the recommendation list"),
    "registry.import": _l("Registry imported"),
    "registry.link": _l("Registry entry linked to an organisation"),
    "registry.publish": _l("Published demonstrations added to the registry"),
    "review.assign": _l("Reviewer assigned"),
    "review.assign_batch": _l("Reviewers assigned automatically"),
    "review.remove": _l("Reviewer removed"),
    "review.accept": _l("Review accepted (no conflict of interest)"),
    "review.decline": _l("Review declined"),
    "review.save": _l("Review saved"),
    "review.submit": _l("Review submitted"),
    "unit_deadline.set": _l("Deadline for applicants set"),
    "unit_submission.summary_upload": _l("Stamped summary (Annex 2) uploaded"),
    "unit_submission.submit": _l("Submitted to the ministry"),
    "unit_submission.send_back": _l("Submission sent back to the province"),
}


def register_labels(labels: dict[str, object]) -> None:
    """Add readable names for an area's audit actions (call at import time)."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, ""))
