"""Who may download which declaration PDF. Two units, each with a submitted declaration."""
from __future__ import annotations

import pytest

from smplatform import permissions
from smplatform.enums import DeclarationState
from tests.support import documents as helpers


@pytest.fixture
def two_units(app, make):
    """A submitted declaration in Guangdong (440000) and one in Zhejiang (330000)."""
    gd_user = helpers.applicant(unit="440000", name="广东甲企业")
    zj_user = helpers.applicant(unit="330000", name="浙江乙企业")
    return {
        "gd_user": gd_user, "zj_user": zj_user,
        "gd": helpers.declaration(gd_user), "zj": helpers.declaration(zj_user),
        "gd_officer": make.province("440000"), "zj_officer": make.province("330000"),
        "ministry": make.ministry(),
    }


def test_applicant_downloads_own_declaration_as_attachment(two_units, login_as):
    d = two_units["gd"]
    response = login_as(two_units["gd_user"]).get(f"/applicant/declarations/{d.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename={d.electronic_number}.pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data[:5] == b"%PDF-"


def test_applicant_downloads_own_draft_named_by_id(app, login_as):
    user = helpers.applicant()
    draft = helpers.declaration(user, state=DeclarationState.DRAFT)
    response = login_as(user).get(f"/applicant/declarations/{draft.id}/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=draft-{draft.id}.pdf"


def test_applicant_of_another_organisation_gets_403(two_units, login_as):
    client = login_as(two_units["zj_user"])
    assert client.get(f"/applicant/declarations/{two_units['gd'].id}/pdf").status_code == 403


def test_missing_declaration_gets_404(two_units, login_as):
    client = login_as(two_units["gd_user"])
    assert client.get("/applicant/declarations/999999/pdf").status_code == 404
    assert login_as(two_units["gd_officer"]).get(
        "/province/declarations/999999/pdf").status_code == 404
    assert login_as(two_units["ministry"]).get(
        "/ministry/declarations/999999/pdf").status_code == 404


def test_officer_downloads_own_units_declaration(two_units, login_as):
    d = two_units["gd"]
    response = login_as(two_units["gd_officer"]).get(f"/province/declarations/{d.id}/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename={d.electronic_number}.pdf"


def test_officer_of_another_unit_gets_403(two_units, login_as):
    client = login_as(two_units["zj_officer"])
    assert client.get(f"/province/declarations/{two_units['gd'].id}/pdf").status_code == 403
    assert client.get(f"/province/declarations/{two_units['zj'].id}/pdf").status_code == 200


def test_officer_cannot_download_a_draft_of_own_unit(app, make, login_as):
    user = helpers.applicant(unit="440000")
    draft = helpers.declaration(user, state=DeclarationState.DRAFT)
    officer = make.province("440000")
    assert login_as(officer).get(f"/province/declarations/{draft.id}/pdf").status_code == 403


def test_ministry_downloads_any_submitted_declaration_but_no_draft(two_units, login_as):
    client = login_as(two_units["ministry"])
    assert client.get(f"/ministry/declarations/{two_units['gd'].id}/pdf").status_code == 200
    assert client.get(f"/ministry/declarations/{two_units['zj'].id}/pdf").status_code == 200
    draft_user = helpers.applicant(unit="330000")
    draft = helpers.declaration(draft_user, state=DeclarationState.DRAFT)
    assert client.get(f"/ministry/declarations/{draft.id}/pdf").status_code == 403


@pytest.mark.parametrize("state", list(DeclarationState))
def test_can_download_declaration_pdf_by_role_and_state(app, make, state):
    owner = helpers.applicant(unit="440000")
    stranger = helpers.applicant(unit="440000")
    d = helpers.declaration(owner, state=state)
    submitted = state != DeclarationState.DRAFT
    assert {
        "owner": permissions.can_download_declaration_pdf(owner, d),
        "other applicant": permissions.can_download_declaration_pdf(stranger, d),
        "own officer": permissions.can_download_declaration_pdf(make.province("440000"), d),
        "other officer": permissions.can_download_declaration_pdf(make.province("330000"), d),
        "ministry": permissions.can_download_declaration_pdf(make.ministry(), d),
        "expert": permissions.can_download_declaration_pdf(make.expert(), d),
        "anonymous": permissions.can_download_declaration_pdf(None, d),
    } == {"owner": True, "other applicant": False,
          "own officer": submitted and state != DeclarationState.CITY_REVIEW,
          "other officer": False, "ministry": submitted, "expert": False, "anonymous": False}
