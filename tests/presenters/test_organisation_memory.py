"""Memory across batches: the province, the experts and the ministry see an organisation's
earlier declarations (any batch, any category, with outcomes) and its demonstrations of
batches 1–4 (with evaluation conclusions) beside its new declaration, never another
organisation's and never a draft; a new draft starts from the earlier declaration's content.
"""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from smplatform.enums import BatchStatus, DeclarationState
from smplatform.extensions import db
from smplatform.models import AuditEntry, Batch, Declaration, EvaluationCampaign, \
    EvaluationTask, RegistryEntry
from smplatform.services import review_assignments
from tests.support import declarations as h
from tests.support import selection as selection
from tests.support.helpers import english




def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                    response.get_data(as_text=True))))


def _history(page: str) -> str:
    start = page.index("This organisation's earlier declarations and demonstrations")
    return page[start:start + 1200]


def _old_declaration(org, batch, *, category="enterprise", state, number, data=None):
    at = datetime(2022, 5, 1, tzinfo=UTC)
    d = Declaration(batch_id=batch.id, organisation_id=org.id, unit_code=org.unit_code,
                    category=category, klass=None, service_model="customised", state=state,
                    data=data or {"org_name": org.name}, version=3, electronic_number=number,
                    verification_code="ABCDEFGH", created_at=at, updated_at=at,
                    submitted_at=at, org_name=org.name, credit_code=org.credit_code)
    db.session.add(d)
    db.session.commit()
    return d


@pytest.fixture
def world(app, clock, make, login_as):
    """Organisation X: a batch-4 declaration (published), a batch-4 platform declaration (not
    selected), a batch-3 demonstration evaluated 'qualified', and its batch-5 declaration
    submitted; organisation Y in the same unit with its own batch-4 declaration; X's other
    draft in batch 5."""
    clock.set(h.DURING)
    b4 = Batch(number=4, year=2022, status=BatchStatus.CLOSED,
               opens_at=datetime(2022, 3, 1, tzinfo=UTC),
               contact_deadline=datetime(2022, 3, 20, tzinfo=UTC),
               province_deadline=datetime(2022, 5, 31, tzinfo=UTC),
               evaluation_deadline=datetime(2022, 5, 31, tzinfo=UTC))
    db.session.add(b4)
    b5 = h.batch5()
    x_user = make.applicant(unit="440000", name="广东记忆装备有限公司")
    y_user = make.applicant(unit="440000", name="广东他人科技有限公司")
    x, y = x_user.organisation, y_user.organisation
    old_data = h.complete_data("enterprise", {"org_name": "旧名称", "basic_situation":
                                              "二〇二二年的基本情况。"})
    old = _old_declaration(x, b4, state=DeclarationState.PUBLISHED, number="2022-440000-E-0007",
                           data=old_data)
    _old_declaration(x, b4, category="platform", state=DeclarationState.NOT_SELECTED,
                     number="2022-440000-P-0002")
    _old_declaration(y, b4, state=DeclarationState.EXPERT_FAILED, number="2022-440000-E-0099")
    entry = RegistryEntry(batch_number=3, year=2021, category="enterprise", name=x.name,
                          credit_code=x.credit_code, unit_code="440000", status="active",
                          created_at=h.DURING, updated_at=h.DURING)
    db.session.add(entry)
    db.session.flush()
    campaign = EvaluationCampaign(batch_id=b5.id, opened_at=h.DURING)
    db.session.add(campaign)
    db.session.flush()
    db.session.add(EvaluationTask(campaign_id=campaign.id, entry_id=entry.id, unit_code="440000",
                                  state="concluded", conclusion="qualified",
                                  created_at=h.DURING))
    db.session.commit()
    new = h.ready(x_user, b5)
    client = english(login_as(x_user))
    assert client.post(f"/applicant/declarations/{new.id}/submit",
                       data={"version": str(new.version)}).status_code == 302
    h.start(x_user, b5, "platform")  # X's draft in batch 5: never shown to anyone else
    db.session.expire_all()
    return {"x": x_user, "y": y_user, "old": old, "new": db.session.get(Declaration, new.id),
            "b4": b4, "b5": b5, "client": client}


EXPECTED = ("Batch 4 (2022) Declaration 2022-440000-E-0007 Demonstration enterprise "
            "Published as a demonstration "
            "Batch 4 (2022) Declaration 2022-440000-P-0002 Demonstration platform Not selected "
            "Batch 3 (2021) Demonstration: 广东记忆装备有限公司 Demonstration enterprise "
            "Demonstration; evaluated with batch 5: Qualified")


def test_province_sees_the_organisations_history_beside_the_new_declaration(
        world, make, login_as):
    officer = english(login_as(make.province("440000")))
    page = _text(officer.get(f"/province/declarations/{world['new'].id}"))
    history = _history(page)
    assert EXPECTED in history
    assert "2022-440000-E-0099" not in page  # organisation Y's
    assert "Draft" not in history


def test_ministry_sees_the_same_history(world, make, login_as):
    ministry = english(login_as(make.ministry()))
    page = _text(ministry.get(f"/ministry/declarations/{world['new'].id}"))
    assert EXPECTED in _history(page)
    assert "2022-440000-E-0099" not in page


def test_expert_sees_the_history_once_it_has_accepted(world, make, login_as):
    d = world["new"]
    d.state = DeclarationState.FORWARDED
    db.session.commit()
    expert = selection.expert(make, unit="110000")
    review = review_assignments.add_reviewer(actor=make.ministry(), declaration=d,
                                             expert=expert)
    db.session.commit()
    client = english(login_as(expert))
    before = _text(client.get(f"/expert/reviews/{review.id}"))
    assert "2022-440000-E-0007" not in before  # nothing before the conflict declaration
    client.post(f"/expert/reviews/{review.id}/accept", data={"no_conflict": "y"})
    page = _text(client.get(f"/expert/reviews/{review.id}"))
    assert EXPECTED in _history(page)
    assert "2022-440000-E-0099" not in page


def test_an_organisation_without_history_says_so(app, clock, make, login_as):
    clock.set(h.DURING)
    batch = h.batch5()
    user = make.applicant(unit="440000")
    d = h.ready(user, batch)
    login_as(user).post(f"/applicant/declarations/{d.id}/submit", data={"version": str(d.version)})
    officer = english(login_as(make.province("440000")))
    page = _text(officer.get(f"/province/declarations/{d.id}"))
    assert "None on record: no other declaration on this platform" in page


# ------------------------------------------------------------------ starting from the earlier


@pytest.fixture
def draft(app, clock, make, login_as):
    clock.set(h.DURING)
    b4 = Batch(number=4, year=2022, status=BatchStatus.CLOSED,
               opens_at=datetime(2022, 3, 1, tzinfo=UTC),
               contact_deadline=datetime(2022, 3, 20, tzinfo=UTC),
               province_deadline=datetime(2022, 5, 31, tzinfo=UTC),
               evaluation_deadline=datetime(2022, 5, 31, tzinfo=UTC))
    db.session.add(b4)
    b5 = h.batch5()
    user = make.applicant(unit="440000", name="复用企业")
    other = make.applicant(unit="440000")
    old_data = h.complete_data("enterprise", {
        "org_name": "旧名称（不应复制）", "basic_situation": "往期：基本情况。",
        "practices": "往期：主要做法。", "cond_registered": "1"})
    old = _old_declaration(user.organisation, b4, state=DeclarationState.NOT_SELECTED,
                           number="2022-440000-E-0001", data=old_data)
    foreign = _old_declaration(other.organisation, b4, state=DeclarationState.PUBLISHED,
                               number="2022-440000-E-0002", data=old_data)
    new = h.start(user, b5)
    client = english(login_as(user))
    # The applicant typed one narrative already: it must survive the copy.
    d = db.session.get(Declaration, new.id)
    raw = h.section_raw("enterprise", "narrative", {"basic_situation": "本批：新写的基本情况。"})
    client.post(f"/applicant/declarations/{d.id}/sections/narrative",
                data={**{k: v for k, v in raw.items() if v}, "version": str(d.version)})
    db.session.expire_all()
    return {"user": user, "client": client, "old": old, "foreign": foreign,
            "new": db.session.get(Declaration, new.id)}


def test_draft_offers_the_earlier_declaration_and_fills_only_empty_fields(draft):
    d = draft["new"]
    page = _text(draft["client"].get(f"/applicant/declarations/{d.id}"))
    assert "Start from an earlier declaration" in page
    assert "Batch 4 (2022) · 2022-440000-E-0001 · Not selected" in page
    response = draft["client"].post(f"/applicant/declarations/{d.id}/copy-previous",
                                    data={"source_id": str(draft["old"].id),
                                          "version": str(d.version)})
    assert response.status_code == 302
    db.session.expire_all()
    d = db.session.get(Declaration, d.id)
    assert d.data["basic_situation"] == "本批：新写的基本情况。"  # typed: kept
    assert d.data["practices"] == "往期：主要做法。"  # empty: filled
    assert d.data["org_name"] == "复用企业"  # registered details: not copied
    assert d.data["operating_revenue_2022"] == "10000"
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "declaration.copy_previous"))
    assert entry.detail["source_number"] == "2022-440000-E-0001"
    assert "practices" in entry.detail["fields"] and "basic_situation" not in \
        entry.detail["fields"]
    page = _text(draft["client"].get(response.headers["Location"]))
    assert "field(s) filled in from your earlier declaration" in page


def test_another_organisations_declaration_cannot_be_copied(draft):
    d = draft["new"]
    before = dict(d.data)
    response = draft["client"].post(f"/applicant/declarations/{d.id}/copy-previous",
                                    data={"source_id": str(draft["foreign"].id),
                                          "version": str(d.version)}, follow_redirects=True)
    assert "Choose one of your organisation's earlier declarations" in _text(response)
    db.session.expire_all()
    assert db.session.get(Declaration, d.id).data == before


def test_a_stale_page_copies_nothing(draft):
    d = draft["new"]
    response = draft["client"].post(f"/applicant/declarations/{d.id}/copy-previous",
                                    data={"source_id": str(draft["old"].id),
                                          "version": str(d.version - 1)},
                                    follow_redirects=True)
    assert "changed meanwhile" in response.get_data(as_text=True)
