"""Another organisation's applicant (same unit) can neither read nor write a declaration or
its files; provincial officers see their unit's declarations once submitted, never drafts."""
from __future__ import annotations

import io

import pytest

from smplatform import permissions as p
from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import Declaration, DeclarationAttachment
from tests.support import declarations as h


@pytest.fixture
def two_orgs(app, make, clock):
    clock.set(h.DURING)
    batch = h.batch5()
    mine, theirs = make.applicant(unit="440000"), make.applicant(unit="440000")
    out = {}
    for user in (mine, theirs):
        d = h.start(user, batch)
        from smplatform.services import attachments
        a = attachments.upload(declaration=d, actor=user, kind="evidence",
                               stream=io.BytesIO(h.pdf_bytes()), filename=f"{user.id}.pdf")
        db.session.commit()
        out[user.id] = (d, a)
    return mine, theirs, out


def test_other_org_cannot_read_or_write(two_orgs, login_as):
    mine, theirs, data = two_orgs
    d, a = data[theirs.id]
    client = login_as(mine)
    base = f"/applicant/declarations/{d.id}"
    assert [client.get(base + s).status_code for s in ("", "/preview", "/sections/basic",
                                                       f"/attachments/{a.id}")] == [403] * 4
    assert client.post(base + "/sections/contact", data={"version": "1",
                                                         "contact_title": "hack"}
                       ).status_code == 403
    assert client.post(base + "/submit", data={"version": "1"}).status_code == 403
    assert client.post(base + "/withdraw").status_code == 403
    assert client.post(base + "/attachments", data={
        "kind": "evidence", "file": (io.BytesIO(h.pdf_bytes()), "x.pdf")},
        content_type="multipart/form-data").status_code == 403
    assert client.post(base + f"/attachments/{a.id}/delete").status_code == 403
    # my own attachment under their declaration's path does not exist there
    own_a = data[mine.id][1]
    assert client.get(base + f"/attachments/{own_a.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Declaration, d.id).data.get("contact_title") is None
    assert db.session.query(DeclarationAttachment).count() == 2


def test_dashboard_lists_only_own(two_orgs, login_as):
    mine, theirs, data = two_orgs
    page = login_as(mine).get("/applicant/").get_data(as_text=True)
    assert f'/applicant/declarations/{data[mine.id][0].id}"' in page
    assert f'/applicant/declarations/{data[theirs.id][0].id}"' not in page


def test_attachment_under_wrong_declaration_path_404(two_orgs, login_as):
    mine, _, data = two_orgs
    d, _ = data[mine.id]
    other = data[mine.id][1].id + 1  # the other org's attachment id
    response = login_as(mine).get(f"/applicant/declarations/{d.id}/attachments/{other}")
    assert response.status_code == 403


STATES = list(DeclarationState)


@pytest.mark.parametrize("state", STATES)
def test_view_and_download_permissions_per_role_and_state(two_orgs, make, state):
    mine, theirs, data = two_orgs
    d, a = data[mine.id]
    h.set_state(d, state)
    submitted = state != DeclarationState.DRAFT
    # At the city's initial review the province does not see it yet (the prefecture tier).
    province_sees = submitted and state != DeclarationState.CITY_REVIEW
    officer, other_officer = make.province("440000"), make.province("330000")
    ministry, expert = make.ministry(), make.expert()
    assert [p.can_view_declaration(u, d) for u in (mine, theirs, officer, other_officer,
                                                    ministry, expert)] == [
        True, False, province_sees, False, submitted, False]
    assert [p.can_download_attachment(u, a) for u in (mine, theirs, officer, ministry)] == [
        True, False, province_sees, submitted]
    editable = state in (DeclarationState.DRAFT, DeclarationState.RETURNED)
    assert [p.can_edit_declaration(u, d) for u in (mine, theirs, officer)] == [
        editable, False, False]
    assert p.can_submit_declaration(mine, d) == editable
    assert p.can_submit_declaration(theirs, d) is False
    assert p.can_withdraw_declaration(mine, d) == (
        state in (DeclarationState.SUBMITTED, DeclarationState.CITY_REVIEW))
    assert p.can_upload_attachment(mine, d) == (editable or state == DeclarationState.PASSED)
    assert p.can_upload_attachment(officer, d) is False
