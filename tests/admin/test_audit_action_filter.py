"""The audit log's "Action" filter lists the actions by their names in the reader's language
(it was a text box that wanted a code such as "user.create", which no reader knows). A name
chosen filters that one action exactly; a code prefix in the address still filters by
prefix and is listed as it is."""
from __future__ import annotations

from smplatform.extensions import db
from smplatform.services.audit import record
from tests.support.helpers import EN


def _page(c, query: str = "", headers=EN) -> str:
    return c.get(f"/admin/audit?{query}", headers=headers).get_data(as_text=True)


def test_actions_are_chosen_by_name_and_filter_exactly(login_as, make):
    record("auth.sign_in", actor_name="alice")
    record("auth.sign_in_failed", actor_name="alice", outcome="failure")
    record("user.create", actor_name="alice")
    db.session.commit()
    c = login_as(make.audit_admin())
    html = _page(c)
    select = html.split('<select id="action"', 1)[1].split("</select>", 1)[0]
    assert '<option value="user.create">Account created</option>' in select
    assert '<option value="auth.sign_in">Signed in</option>' in select
    assert '<input id="action"' not in html
    chinese = _page(c, headers={"Accept-Language": "zh-CN"})
    assert '<option value="user.create">创建账号</option>' in chinese

    table = _page(c, "actor=alice&action=auth.sign_in").split("<tbody>", 1)[1]
    assert "Signed in" in table and "Failed sign-in" not in table
    assert "Account created" not in table
    assert '<option selected value="auth.sign_in">' in _page(c, "action=auth.sign_in")

    prefix = _page(c, "actor=alice&action=auth.")
    table = prefix.split("<tbody>", 1)[1]
    assert "Signed in" in table and "Failed sign-in" in table and "Account created" not in table
    assert '<option selected value="auth.">auth.</option>' in prefix
