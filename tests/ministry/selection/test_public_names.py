"""A demonstration city is named by its city on the public notice, the published list, its
export and in the registry, never by the department that declared (issue 16, item 14)."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, UTC

from openpyxl import load_workbook
from sqlalchemy import select

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import PublicNotice, RegistryEntry
from smplatform.services import selection
from tests.support import selection as helpers


def names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">(.*?)</th>', html)


def test_city_named_by_its_city(app, client, make, clock):
    clock.set(datetime(2023, 8, 2, 4, tzinfo=UTC))
    batch = helpers.make_batch()
    city = helpers.declaration(batch, "440000", category="city", state=S.SHORTLISTED,
                               name="佛山市工业和信息化局", commit=False)
    city.city_code = "440600"
    helpers.declaration(batch, "330000", state=S.SHORTLISTED, name="浙江某制造有限公司")
    db.session.add(PublicNotice(batch_id=batch.id, starts_on=date(2023, 8, 1),
                                ends_on=date(2023, 8, 7), created_at=clock()))
    db.session.commit()
    notice = client.get("/notice/shortlist/5").get_data(as_text=True)
    assert names(notice) == ["佛山市", "浙江某制造有限公司"]
    assert "佛山市工业和信息化局" not in notice
    english = client.get("/notice/shortlist/5", headers={"Accept-Language": "en"})
    assert names(english.get_data(as_text=True))[0] == "Foshan"

    clock.set(datetime(2023, 8, 8, 4, tzinfo=UTC))
    selection.publish(actor=make.ministry(), batch=batch)
    db.session.commit()
    assert names(client.get("/published/5").get_data(as_text=True)) == [
        "佛山市", "浙江某制造有限公司"]
    assert names(client.get("/published/5?q=佛山").get_data(as_text=True)) == ["佛山市"]
    rows = list(load_workbook(io.BytesIO(client.get("/published/5/export.xlsx").data),
                              read_only=True).active.values)
    assert [r[0] for r in rows[1:]] == ["佛山市", "浙江某制造有限公司"]
    assert db.session.scalar(select(RegistryEntry.name).where(
        RegistryEntry.category == "city")) == "佛山市"
