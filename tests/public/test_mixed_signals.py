"""Mixed signals a new user hit (issue 16, item 10): the decision button is a verb, the
published list counts demonstrations, the home page names the open batch, not the fifth."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import PublicNotice
from smplatform.services import batches
from tests.support import selection as helpers


def test_decision_button_is_a_verb(app, make, login_as):
    batch = helpers.make_batch()
    d = helpers.declaration(batch, "330000", state=S.EXPERT_PASSED)
    page = login_as(make.ministry()).get(
        f"/ministry/batches/{batch.id}/decisions").get_data(as_text=True)
    button = re.search(r'value="shortlist"[^>]*>(.*?)<span', page).group(1)
    assert button == "列入拟入选名单"
    assert d.org_name in page


def test_published_list_counts_demonstrations(app, client, clock):
    clock.set(datetime(2023, 8, 10, tzinfo=UTC))
    batch = helpers.make_batch()
    helpers.declaration(batch, "330000", state=S.PUBLISHED)
    helpers.declaration(batch, "320000", state=S.PUBLISHED)
    db.session.add(PublicNotice(batch_id=batch.id, starts_on=date(2023, 8, 1),
                                ends_on=date(2023, 8, 7), created_at=clock(),
                                published_at=clock()))
    db.session.commit()
    zh = client.get("/published/5").get_data(as_text=True)
    assert re.search(r"<caption>(.*?)</caption>", zh).group(1) == "共2个示范"
    en = client.get("/published/5", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r"<caption>(.*?)</caption>", en).group(1) == "2 demonstration(s)"


def test_home_names_the_open_batch(app, client, clock):
    clock.set(datetime(2026, 11, 30, tzinfo=UTC))
    batch = batches.create_batch(
        actor=None, number=7, year=2027, name=None,
        opens_at=datetime(2026, 11, 10, tzinfo=UTC),
        contact_deadline=datetime(2026, 12, 18, tzinfo=UTC),
        province_deadline=datetime(2027, 2, 28, tzinfo=UTC),
        evaluation_deadline=datetime(2027, 2, 28, tzinfo=UTC))
    batches.open_batch(actor=None, batch=batch)
    db.session.commit()
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    heading = re.search(r'<h2 id="batch-heading">(.*?)</h2>', page).group(1)
    assert heading == "Selection of batch 7 and evaluation of earlier demonstrations"
    assert "Batches 1 to 4 file evaluation materials online" not in page
