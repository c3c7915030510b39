"""The audit log is append-only and tamper-evident: verify-audit finds edits and removals."""
from __future__ import annotations

import threading

from sqlalchemy import select, text

from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import AuditEntry
from smplatform.services.audit import record, verify_chain


def _write(n: int, prefix: str = "test.action") -> None:
    for i in range(n):
        record(f"{prefix}.{i}", actor_name="cli", detail={"i": i, "text": "中文"})
    db.session.commit()


def test_chain_verifies_after_commits(app, make):
    make.applicant()
    _write(3)
    report = verify_chain()
    total = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    assert (report.ok, report.checked, report.unsealed) == (True, total, 0)


def test_chain_detects_an_edited_entry(app):
    _write(4)
    db.session.execute(text("UPDATE audit_entry SET action = 'forged' WHERE seq = 2"))
    db.session.commit()
    report = verify_chain()
    assert report.ok is False
    assert any("seq 2) was altered" in p for p in report.problems)


def test_chain_detects_a_removed_entry(app):
    _write(4)
    db.session.execute(text("DELETE FROM audit_entry WHERE seq = 4"))
    db.session.commit()
    report = verify_chain()
    assert report.ok is False
    assert report.problems == [
        "the chain head does not match the last entry (entries removed?)"]


def test_chain_detects_a_removed_middle_entry(app):
    _write(4)
    db.session.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
    db.session.commit()
    problems = verify_chain().problems
    assert problems[0] == "sequence gap: expected 2, found 3 (entry id 3)"


def test_rolled_back_entries_are_not_sealed(app):
    record("test.rolled_back", actor_name="cli")
    db.session.rollback()
    _write(1)
    assert db.session.scalars(select(AuditEntry.action)).all() == ["test.action.0"]
    assert verify_chain().ok


def test_concurrent_writers_keep_one_chain(app):
    """Sign-ins from parallel threads each seal their entries; the chain stays whole."""
    users = [__import__("tests.support.factories", fromlist=["x"]).Factories().staff(Role.EXPERT)
             for _ in range(4)]
    errors: list[BaseException] = []

    def sign_in(username: str) -> None:
        try:
            with app.app_context():
                client = app.test_client()
                for _ in range(3):
                    client.post("/account/sign-in", data={"username": username,
                                                          "password": "wrong"})
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    app.config["WTF_CSRF_ENABLED"] = False
    threads = [threading.Thread(target=sign_in, args=(u.username,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain()
    assert (report.ok, report.unsealed) == (True, 0)
    failed = db.session.scalar(select(db.func.count()).select_from(AuditEntry)
                               .where(AuditEntry.action == "auth.sign_in_failed"))
    assert failed == 12


def test_verify_audit_command(app):
    _write(2)
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 0
    assert "chain intact" in result.output


# --- Entries kept with the session until commit: savepoints (services/audit.py) -----------

def _chain() -> list[tuple[int, str]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        select(AuditEntry.seq, AuditEntry.action).order_by(AuditEntry.seq))]


def test_entry_in_rolled_back_savepoint_dropped_without_gap(app):
    record("test.before", actor_name="cli")
    savepoint = db.session.begin_nested()
    record("test.inside", actor_name="cli")
    savepoint.rollback()
    record("test.after", actor_name="cli")
    db.session.commit()
    assert _chain() == [(1, "test.before"), (2, "test.after")]
    report = verify_chain()
    assert (report.ok, report.checked, report.unsealed) == (True, 2, 0)


def test_entry_in_savepoint_rolled_back_by_exception_dropped(app):
    record("test.before", actor_name="cli")
    try:
        with db.session.begin_nested():
            record("test.inside", actor_name="cli")
            raise LookupError("the nested step failed")
    except LookupError:
        pass
    db.session.commit()
    assert _chain() == [(1, "test.before")]
    assert verify_chain().ok is True


def test_entry_in_released_savepoint_kept(app):
    record("test.before", actor_name="cli")
    with db.session.begin_nested():
        record("test.inside", actor_name="cli")
    record("test.after", actor_name="cli")
    db.session.commit()
    assert _chain() == [(1, "test.before"), (2, "test.inside"), (3, "test.after")]
    report = verify_chain()
    assert (report.ok, report.checked, report.unsealed) == (True, 3, 0)


def test_entry_before_outer_savepoint_kept_when_inner_released_outer_rolled_back(app):
    """A change and its entry made before a savepoint survive that savepoint's rollback,
    even when a savepoint nested in it was released (sealing the pending entries)."""
    record("test.before", actor_name="cli")
    outer = db.session.begin_nested()
    with db.session.begin_nested():
        record("test.inner", actor_name="cli")
    outer.rollback()
    db.session.commit()
    assert _chain() == [(1, "test.before")]
    assert verify_chain().ok is True


def test_released_savepoint_entries_go_when_the_transaction_rolls_back(app):
    record("test.before", actor_name="cli")
    with db.session.begin_nested():
        record("test.inside", actor_name="cli")
    db.session.rollback()
    assert _chain() == []
    assert verify_chain().ok is True
