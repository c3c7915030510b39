"""Audit retention (issue 14): archives to sealed files, pruning only archived entries past
the retention period (never under 180 days), verification, and restore."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from smplatform.extensions import db
from smplatform.models import AuditArchive, AuditEntry
from smplatform.services.audit import record, verify_chain

NOW = datetime(2024, 6, 30, 4, 0, tzinfo=UTC)


def _entries(clock, when, n, action="test.old"):
    clock.set(when)
    for i in range(n):
        record(action, actor_name=f"user-{i}", detail={"i": i})
    db.session.commit()


def _count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _setup(app, clock):
    _entries(clock, NOW - timedelta(days=200), 3)
    _entries(clock, NOW - timedelta(days=10), 2, action="test.recent")
    clock.set(NOW)


def test_archive_writes_a_sealed_file_that_verifies(app, clock, tmp_path):
    _setup(app, clock)
    result = _cli(app, "audit-archive", "--to", str(tmp_path))
    assert (result.exit_code, result.output) == (
        0, "Archived entries 1–5 (5) to audit-000000000001-000000000005.jsonl.\n")
    path = tmp_path / "audit-000000000001-000000000005.jsonl"
    lines = path.read_text().splitlines()
    seal = json.loads((tmp_path / f"{path.name}.seal").read_text())
    assert (len(lines), json.loads(lines[1])["action"], seal["hmac_sm3"][:3]) == (
        6, "test.old", "t1:")
    verified = _cli(app, "audit-verify-archive", str(path))
    assert (verified.exit_code, verified.output.strip()) == (
        0, "audit-000000000001-000000000005.jsonl: 5 entries, verified.")
    # The archive's own entry (audit.archive) is not in it: the next archive starts there.
    clock.advance(minutes=1)
    assert _cli(app, "audit-archive", "--to", str(tmp_path)).output.startswith(
        "Archived entries 6–6 (1)")


def test_prune_removes_only_archived_entries_past_retention(app, clock, tmp_path):
    _setup(app, clock)
    cutoff = (NOW - timedelta(days=190)).strftime("%Y-%m-%d")
    assert _cli(app, "audit-archive", "--to", str(tmp_path), "--before", cutoff,
                "--prune").exit_code == 0
    # Entries 1–3 (200 days old) were archived and pruned; the two recent ones, the
    # archive's and the prune's entries stay.
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions == ["test.recent", "test.recent", "audit.archive", "audit.prune"]
    assert verify_chain().ok
    # Archiving everything now prunes nothing younger than 180 days.
    _cli(app, "audit-archive", "--to", str(tmp_path), "--prune")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "test.recent")) == 2
    assert verify_chain().ok


def test_retention_never_below_180_days(app, clock, tmp_path):
    app.config["AUDIT_RETENTION_DAYS"] = 30
    _setup(app, clock)
    _cli(app, "audit-archive", "--to", str(tmp_path), "--prune")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "test.recent")) == 2


def test_a_changed_archive_does_not_verify_nor_restore(app, clock, tmp_path):
    _setup(app, clock)
    cutoff = (NOW - timedelta(days=190)).strftime("%Y-%m-%d")
    _cli(app, "audit-archive", "--to", str(tmp_path), "--before", cutoff, "--prune")
    path = tmp_path / "audit-000000000001-000000000003.jsonl"
    original = path.read_text()
    path.write_text(original.replace('"user-1"', '"user-9"'))
    result = _cli(app, "audit-verify-archive", str(path))
    assert (result.exit_code, "does not match its seal" in result.output) == (1, True)
    refused = _cli(app, "audit-restore", str(path))
    assert (refused.exit_code, "nothing was restored" in refused.output) == (1, True)
    # Re-sealing a forged file needs the audit key: an SM3 digest alone is not enough.
    from smplatform.crypto import sm3
    seal_path = tmp_path / f"{path.name}.seal"
    seal = json.loads(seal_path.read_text())
    seal["sm3"] = sm3(path.read_bytes())
    seal_path.write_text(json.dumps(seal))
    assert "HMAC-SM3 is wrong" in _cli(app, "audit-verify-archive", str(path)).output


def test_restore_puts_pruned_entries_back(app, clock, tmp_path):
    _setup(app, clock)
    cutoff = (NOW - timedelta(days=190)).strftime("%Y-%m-%d")
    _cli(app, "audit-archive", "--to", str(tmp_path), "--before", cutoff, "--prune")
    before = _count()
    result = _cli(app, "audit-restore", str(tmp_path / "audit-000000000001-000000000003.jsonl"))
    assert (result.exit_code, _count() - before) == (0, 3 + 1)  # and the restore's own entry
    assert db.session.scalar(select(AuditArchive.pruned_at)) is None
    report = verify_chain()
    assert (report.ok, report.checked) == (True, _count())
