"""The province's declaration page lists its flags (low service share, stamped copy
confirmed, on the recommendation list) only when there is one: a declaration with none had a
"Flags" label over an empty value (seen in the city's journey,
tests/browser/journeys/test_city.py)."""
from __future__ import annotations

from smplatform.services import recommendation
from tests.support import declarations as h
from tests.support import journey_setup as setup
from tests.support.helpers import english


def test_flags_only_when_there_is_one(app, clock, make, login_as):
    clock.set(h.DURING)
    batch = h.batch5()
    officer = make.province("440000")
    d = setup.submitted(batch, name="东莞精工模具有限公司")
    client = english(login_as(officer))
    page = client.get(f"/province/declarations/{d.id}").get_data(as_text=True)
    assert "<dt>Flags</dt>" not in page and 'id="declaration-flags"' not in page

    setup.stamped_scan_uploaded(setup.passed(d, officer))
    from smplatform.services import review
    review.confirm_stamped_copy(actor=officer, declaration=d, number_matches=True)
    recommendation.add(actor=officer, declaration=d)
    from smplatform.extensions import db
    db.session.commit()
    page = client.get(f"/province/declarations/{d.id}").get_data(as_text=True)
    assert "<dt>Flags</dt>" in page
    flags = page.split('id="declaration-flags"', 1)[1].split("</dd>", 1)[0]
    assert "Stamped copy confirmed" in flags and "On the recommendation list" in flags
