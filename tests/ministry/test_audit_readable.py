"""The audit log speaks the user's language: every action and object by its label, details as
labelled rows with before → after for changes, never a code or a Python value (issue 16,
item 6)."""
from __future__ import annotations

import ast
import re
from datetime import datetime, UTC
from pathlib import Path

import pytest

from smplatform.extensions import db
from smplatform.presenters.audit import KEY_LABELS
from smplatform.services import batches
from smplatform.services.audit import ACTION_LABELS
from smplatform.services.audit import record
from tests.support.helpers import EN

SMPLATFORM = Path(__file__).resolve().parents[2] / "smplatform"


def rows(html: str) -> list[str]:
    """The text of each detail row of the log page."""
    found = re.findall(r"<li><span class=\"detail-label\">(.*?)</li>", html, re.S)
    return [re.sub(r"<[^>]+>", "", r).replace("</span>", "").strip() for r in found]


@pytest.fixture
def admin_client(make, login_as):
    return login_as(make.audit_admin())


def test_state_change_shown_as_labels_before_and_after(admin_client, make):
    record("declaration.submit", actor_name="someone", object_type="declaration", object_id=7,
           detail={"from": "draft", "to": "submitted"})
    db.session.commit()
    english = admin_client.get("/admin/audit?actor=someone", headers=EN)
    html = english.get_data(as_text=True)
    assert rows(html) == ["State: Draft → Submitted, awaiting provincial review"]
    assert "<td>Declaration 7</td>" in html
    assert "Declaration: Submit" in html
    chinese = admin_client.get("/admin/audit?actor=someone").get_data(as_text=True)
    assert rows(chinese) == ["状态：草稿 → 已提交，待省级初审"]
    assert "<td>申报 7</td>" in chinese


def test_no_python_values_or_codes(admin_client):
    record("expert.update", actor_name="someone", object_type="expert_profile", object_id=3,
           detail={"user_id": 5, "changes": {"active": {"old": None, "new": True},
                                             "unit_code": {"old": None, "new": "110000"}}})
    record("review.assign", actor_name="someone", object_type="review_assignment",
           object_id=4, detail={"declaration_id": 9, "expert_id": 5, "how": "automatic",
                                "due_at": None})
    db.session.commit()
    html = admin_client.get("/admin/audit?actor=someone", headers=EN).get_data(
        as_text=True)
    shown = rows(html)
    assert shown == ["Declaration: 9", "Expert: 5", "How: Automatic", "Due: —",
                     "Account: 5", "Active: — → Yes", "Provincial-level unit: — → 110000"]
    table = html.split("<tbody>")[1]
    assert [word for word in ("None", "True", "False", "expert.update", "review_assignment")
            if word in table] == []


def test_batch_change_shows_old_and_new_dates_in_china_time(admin_client, make, clock):
    clock.set(datetime(2023, 3, 1, tzinfo=UTC))
    minister = make.ministry()
    batch = batches.create_batch(
        actor=minister, number=5, year=2023, name=None,
        opens_at=datetime(2023, 3, 2, tzinfo=UTC),
        contact_deadline=datetime(2023, 3, 20, tzinfo=UTC),
        province_deadline=datetime(2023, 5, 31, 15, 59, tzinfo=UTC),
        evaluation_deadline=datetime(2023, 5, 31, tzinfo=UTC))
    batches.update_batch(actor=minister, batch=batch, number=5, year=2023, name=None,
                         opens_at=batch.opens_at, contact_deadline=batch.contact_deadline,
                         province_deadline=datetime(2023, 6, 30, 15, 59, tzinfo=UTC),
                         evaluation_deadline=batch.evaluation_deadline)
    db.session.commit()
    html = admin_client.get(f"/admin/audit?actor={minister.username}&action=batch.update",
                            headers=EN).get_data(as_text=True)
    assert rows(html) == ["Deadline for provincial submissions: 2023-05-31 23:59 → "
                          "2023-06-30 23:59", "Reporting date: 2023-05-31 → 2023-06-30"]
    assert "Batch changed" in html


def _record_calls():
    for path in sorted(SMPLATFORM.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (
                    getattr(node.func, "id", None) == "record"
                    or getattr(node.func, "attr", None) == "record"):
                yield path, node


def _literals(node) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body) | _literals(node.orelse)
    return set()


def _import_everything():
    """Modules register their actions' labels when imported (some only run from the CLI)."""
    import importlib
    import pkgutil

    import smplatform
    for info in pkgutil.walk_packages(smplatform.__path__, "smplatform."):
        importlib.import_module(info.name)


def test_every_audit_action_has_a_label():
    _import_everything()
    actions = set()
    for _path, call in _record_calls():
        if call.args:
            actions |= _literals(call.args[0])
    assert len(actions) > 40
    assert sorted(a for a in actions if a not in ACTION_LABELS) == []


def test_every_detail_key_has_a_label():
    keys = set()
    for _path, call in _record_calls():
        for kw in call.keywords:
            if kw.arg == "detail" and isinstance(kw.value, ast.Dict):
                keys |= {k.value for k in kw.value.keys if isinstance(k, ast.Constant)}
    assert len(keys) > 40
    assert sorted(k for k in keys if k not in KEY_LABELS) == []
