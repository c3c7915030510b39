"""The applicant's overview shows labels, never codes, and a withdrawn draft no submission time
(issue 16, items 14 and 16)."""
from __future__ import annotations

import re

import pytest

from smplatform.enums import OrgType
from smplatform.extensions import db
from smplatform.models import Declaration
from tests.support import declarations as h


@pytest.fixture
def batch(app, clock):
    clock.set(h.DURING)
    return h.batch5()


def facts(html: str) -> dict[str, str]:
    block = html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", block, re.S)
    return {dt.strip(): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", dd)).strip()
            for dt, dd in pairs}


@pytest.mark.parametrize("org_type, category, klass, zh, en", [
    (OrgType.PLATFORM_OPERATOR, "platform", "shared_manufacturing", "共享制造",
     "Shared manufacturing"),
    (OrgType.CITY_DEPARTMENT, "city", "comprehensive", "综合类", "Comprehensive"),
])
def test_class_shown_by_its_label(batch, make, login_as, org_type, category, klass, zh, en):
    user = make.applicant(org_type=org_type)
    d = h.start(user, batch, category, klass=klass)
    client = login_as(user)
    english = facts(client.get(f"/applicant/declarations/{d.id}").get_data(as_text=True))
    assert english["Class"] == en
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    chinese = facts(client.get(f"/applicant/declarations/{d.id}").get_data(as_text=True))
    assert chinese["类别"] == zh
    assert klass not in client.get(f"/applicant/declarations/{d.id}").get_data(as_text=True)


def test_withdrawn_draft_shows_no_submission_time(batch, make, login_as):
    user = make.applicant()
    d = h.ready(user, batch)
    client = login_as(user)
    client.post(f"/applicant/declarations/{d.id}/submit", data={"version": d.version})
    assert "Submitted on" in facts(client.get(f"/applicant/declarations/{d.id}").get_data(
        as_text=True))
    client.post(f"/applicant/declarations/{d.id}/withdraw")
    db.session.expire_all()
    assert db.session.get(Declaration, d.id).submitted_at is None
    page = client.get(f"/applicant/declarations/{d.id}").get_data(as_text=True)
    assert ("Submitted on" in facts(page), facts(page)["State"]) == (False, "Draft")
    assert "Withdraw" in page.split('id="history-heading"')[1]  # the history keeps it
