"""Audit retention: sealed archive files of the audit log, pruning past the retention period,
and restoring an archive after checking it.

An archive file (`audit-<first>-<last>.jsonl`) holds a header line and one JSON line per entry,
every column included, in chain order. Beside it, `<file>.seal` holds the file's SM3 digest
and its HMAC-SM3 under the current audit key (crypto.py), so that neither a changed file nor
a rebuilt one passes `verify_file` without the key. Entries are archived only if their chain
verifies, and removed from the database (`prune`) only once archived and older than
AUDIT_RETENTION_DAYS (never less than 180 days: Cybersecurity Law art. 21).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from smplatform import clock
from smplatform.crypto import MissingKey, ring, same, sm3
from smplatform.extensions import db
from smplatform.models import AuditArchive, AuditEntry
from smplatform.rules.audit_chain import GENESIS, entry_payload, link
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels

FORMAT = "smplatform-audit-archive/1"
COLUMNS = ("id", "seq", "at", "actor_id", "actor_name", "ip", "action", "outcome",
           "object_type", "object_id", "unit_code", "detail", "prev_hash", "hash", "mac_key")
PAYLOAD = ("at", "actor_id", "actor_name", "ip", "action", "outcome", "object_type",
           "object_id", "unit_code", "detail")
MIN_RETENTION_DAYS = 180

register_labels({"audit.archive": _l("Audit log archived"),
                 "audit.prune": _l("Archived audit entries removed"),
                 "audit.restore": _l("Audit archive restored"),
                 "audit.export": _l("Audit log exported")})


@dataclass
class ArchiveReport:
    file: str
    entries: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(current_app.config.get("AUDIT_RETENTION_DAYS", 180)))


def _row(entry: AuditEntry) -> dict:
    row = {c: getattr(entry, c) for c in COLUMNS}
    row["at"] = entry.at.isoformat(timespec="microseconds")
    return row


def _payload(row: dict) -> bytes:
    values = {c: row[c] for c in PAYLOAD}
    if isinstance(values["at"], str):
        values["at"] = datetime.fromisoformat(values["at"])
    return entry_payload(seq=row["seq"], **values)


def _check_link(row: dict, prev: str, problems: list[str]) -> str:
    keys = ring()
    if row["prev_hash"] != prev:
        problems.append(f"seq {row['seq']}: does not follow the previous entry")
    try:
        key = keys.key("audit", row["mac_key"]) if row.get("mac_key") else None
    except MissingKey:
        key = None
    if key is None:
        problems.append(f"seq {row['seq']}: not sealed with a known audit key")
    elif link(row["prev_hash"] or "", _payload(row), key) != row["hash"]:
        problems.append(f"seq {row['seq']}: altered")
    return row["hash"]


def _seal_text(digest: str) -> str:
    key_id, mac = ring().mac(digest.encode())
    return f"{key_id}:{mac}"


def archive(*, directory: str | os.PathLike, before: datetime | None = None,
            prune: bool = False) -> AuditArchive | None:
    """Write the entries after the last archive and before `before` (default: now) to a
    sealed file in `directory`; None when there is nothing to archive.

    Side effects: writes `<file>` and `<file>.seal`; adds an AuditArchive row; audit entry
    `audit.archive`; with `prune`, `prune_archived()` too. Raises DomainError when the
    chain of the entries to archive does not verify (nothing is written).
    """
    before = before or clock.now()
    last = db.session.scalar(select(AuditArchive).order_by(AuditArchive.last_seq.desc())
                             .limit(1))
    after, prev = (last.last_seq, last.last_hash) if last else (0, GENESIS)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.seq > after, AuditEntry.at < before).order_by(AuditEntry.seq)).all()
    # Only an unbroken run of the chain: stop at the first entry at or after `before`.
    rows, expected = [], after + 1
    for entry in entries:
        if entry.seq != expected:
            break
        rows.append(_row(entry))
        expected += 1
    if not rows:
        return None
    problems: list[str] = []
    chain = prev
    for row in rows:
        chain = _check_link(row, chain, problems)
    if problems:
        raise DomainError("The audit chain does not verify; nothing was archived: "
                          + "; ".join(problems[:5]))
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    name = f"audit-{rows[0]['seq']:012d}-{rows[-1]['seq']:012d}.jsonl"
    header = {"format": FORMAT, "first_seq": rows[0]["seq"], "last_seq": rows[-1]["seq"],
              "prev_hash": prev, "last_hash": rows[-1]["hash"], "entries": len(rows),
              "created_at": clock.now().isoformat()}
    lines = [json.dumps(header, sort_keys=True, ensure_ascii=False)]
    lines += [json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in rows]
    content = ("\n".join(lines) + "\n").encode("utf-8")
    digest = sm3(content)
    seal = _seal_text(digest)
    _write(target / name, content)
    _write(target / f"{name}.seal", json.dumps(
        {"file": name, "sm3": digest, "hmac_sm3": seal}, sort_keys=True).encode() + b"\n")
    row = AuditArchive(first_seq=rows[0]["seq"], last_seq=rows[-1]["seq"],
                       last_hash=rows[-1]["hash"], entries=len(rows), file_name=name,
                       digest=digest, seal=seal, created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    record("audit.archive", actor_name="cli", obj=row,
           detail={"file": name, "first_seq": row.first_seq, "last_seq": row.last_seq})
    if prune:
        prune_archived()
    return row


def _write(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.partial")
    with open(temporary, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def prune_archived() -> int:
    """Remove from the database the entries of archives whose every entry is older than the
    retention period (whole archives only, oldest first).

    Side effects: deletes AuditEntry rows; sets AuditArchive.pruned_at; audit entry
    `audit.prune` for each archive pruned. Returns the number of entries removed.
    """
    cutoff = clock.now() - timedelta(days=retention_days())
    removed = 0
    archives = db.session.scalars(select(AuditArchive).where(AuditArchive.pruned_at.is_(None))
                                  .order_by(AuditArchive.last_seq)).all()
    for item in archives:
        newest = db.session.scalar(select(func.max(AuditEntry.at)).where(
            AuditEntry.seq.between(item.first_seq, item.last_seq)))
        if newest is not None and newest >= cutoff:
            break  # younger than the retention period: kept, and so is everything after
        result = db.session.execute(delete(AuditEntry).where(
            AuditEntry.seq.between(item.first_seq, item.last_seq)))
        item.pruned_at = clock.now()
        removed += result.rowcount or 0
        record("audit.prune", actor_name="cli", obj=item,
               detail={"file": item.file_name, "entries": result.rowcount})
    db.session.flush()
    return removed


def verify_file(path: str | os.PathLike) -> tuple[ArchiveReport, list[dict]]:
    """Check an archive file: its seal (HMAC-SM3 under an audit key), its digest, every
    entry's link, and that it is the archive the database recorded. Returns the report and
    the file's entries."""
    path = Path(path)
    report = ArchiveReport(file=path.name)
    try:
        content = path.read_bytes()
        seal = json.loads(Path(f"{path}.seal").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        report.problems.append(f"cannot read the archive or its seal: {error}")
        return report, []
    digest = sm3(content)
    if digest != seal.get("sm3"):
        report.problems.append("the file's SM3 digest does not match its seal")
    key_id, _sep, mac = str(seal.get("hmac_sm3", "")).partition(":")
    try:
        expected = ring().mac(digest.encode(), key_id)[1]
        if not same(expected.encode(), mac.encode()):
            report.problems.append("the seal's HMAC-SM3 is wrong (file or seal altered)")
    except MissingKey:
        report.problems.append(f"the seal's audit key {key_id!r} is not in the key ring")
    lines = content.decode("utf-8").splitlines()
    try:
        header = json.loads(lines[0])
        rows = [json.loads(line) for line in lines[1:] if line.strip()]
    except (IndexError, ValueError):
        report.problems.append("the file is not an audit archive")
        return report, []
    if header.get("format") != FORMAT or header.get("entries") != len(rows):
        report.problems.append("the header does not describe the file")
    chain = header.get("prev_hash")
    for number, row in enumerate(rows):
        if row["seq"] != header["first_seq"] + number:
            report.problems.append(f"seq {row['seq']}: out of order")
        chain = _check_link(row, chain, report.problems)
    if rows and chain != header.get("last_hash"):
        report.problems.append("the last entry is not the one the header names")
    recorded = db.session.scalar(select(AuditArchive).where(
        AuditArchive.last_seq == header.get("last_seq")))
    if recorded is None:
        report.problems.append("the database has no record of this archive")
    elif recorded.digest != digest or recorded.first_seq != header.get("first_seq"):
        report.problems.append("this is not the archive the database recorded")
    report.entries = len(rows)
    report.first_seq, report.last_seq = header.get("first_seq"), header.get("last_seq")
    return report, rows


def restore(*, path: str | os.PathLike) -> ArchiveReport:
    """Put a pruned archive's entries back into the database after verifying the file.

    Side effects: inserts AuditEntry rows as they were (same ids, sequence numbers and
    hashes); clears AuditArchive.pruned_at; audit entry `audit.restore`. Raises DomainError
    (nothing restored) when the file does not verify.
    """
    report, rows = verify_file(path)
    if not report.ok:
        raise DomainError("The archive does not verify; nothing was restored: "
                          + "; ".join(report.problems[:5]))
    recorded = db.session.scalar(select(AuditArchive).where(
        AuditArchive.last_seq == report.last_seq))
    present = set(db.session.scalars(select(AuditEntry.seq).where(
        AuditEntry.seq.between(report.first_seq, report.last_seq))))
    for row in rows:
        if row["seq"] in present:
            continue
        values = dict(row)
        values["at"] = datetime.fromisoformat(values["at"])
        db.session.add(AuditEntry(**values))
    recorded.pruned_at = None
    db.session.flush()
    record("audit.restore", actor_name="cli", obj=recorded,
           detail={"file": recorded.file_name, "entries": len(rows) - len(present)})
    return report
