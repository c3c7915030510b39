"""The public registry shows each demonstration's latest evaluation conclusion and its date,
also qualified and rectification, not only a revoked title (issue 16, item 12)."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from smplatform.extensions import db
from smplatform.services import evaluations
from tests.support import evaluations as eh

EN = {"Accept-Language": "en"}


def row_of(html: str, name: str) -> list[str]:
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S) if name in r)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_registry_shows_the_latest_conclusion(app, client, make, clock):
    clock.set(eh.BEFORE)
    ministry = make.ministry()
    names = {"qualified": "合格示范企业", "rectification": "整改示范企业", "revoked": "撤销示范企业",
             None: "未评估示范企业"}
    entries = {c: eh.entry(name=n, code=None) for c, n in names.items()}
    eh.open_campaign(ministry)
    officer = make.province("440000")
    for conclusion, entry in entries.items():
        if conclusion is None:
            continue
        task = eh.task_of(entry)
        evaluations.mark_status_changed(actor=officer, task=task, status="suspended",
                                        stream=io.BytesIO(eh_pdf()), filename="说明.pdf")
        clock.set(datetime(2023, 7, 3, 4, tzinfo=UTC))
        evaluations.conclude(actor=ministry, task=task, conclusion=conclusion,
                             reason=None if conclusion == "qualified" else "原因说明")
    db.session.commit()
    html = client.get("/registry", headers=EN).get_data(as_text=True)
    assert row_of(html, "合格示范企业")[-2:] == ["Demonstration", "Qualified (2023-07-03)"]
    assert row_of(html, "整改示范企业")[-2:] == ["Demonstration, rectification required",
                                            "Rectification required (2023-07-03)"]
    assert row_of(html, "撤销示范企业")[-2:] == ["Title revoked", "Title revoked (2023-07-03)"]
    assert row_of(html, "未评估示范企业")[-2:] == ["Demonstration", "Not evaluated yet"]
    exported = list(csv.reader(io.StringIO(client.get("/registry/export.csv").data
                                           .decode("utf-8-sig"))))
    by_name = {r[3]: r for r in exported[1:]}
    assert exported[0][-2:] == ["evaluation", "evaluated_on"]
    assert by_name["整改示范企业"][-2:] == ["rectification", "2023-07-03"]
    assert by_name["未评估示范企业"][-2:] == ["", ""]


def eh_pdf() -> bytes:
    from tests.support.declarations import pdf_bytes
    return pdf_bytes()
