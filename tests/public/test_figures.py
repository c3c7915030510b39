"""Public figures (数据统计): every number on the page and in the downloads equals a count
made directly from the registry; titles revoked are not counted; each figure says as of
when."""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import RegistryEntry, Unit
from smplatform.services import registry
from smplatform.services.selection import PublishedEntry

EN = {"Accept-Language": "en"}
NOW = datetime(2023, 12, 1, 4, 0, tzinfo=UTC)  # 12:00 in China


@pytest.fixture
def data(app, clock):
    """The demo registry (batches 1–4), three demonstrations of batch 5 published, and two
    titles revoked."""
    clock.set(NOW)
    registry.load_demo_registry()
    published = [PublishedEntry(batch_number=5, year=2023, category=c, klass=k, name=n,
                                credit_code=code, unit_code=u, city_code=city,
                                organisation_id=None, electronic_number=None)
                 for c, k, n, code, u, city in (
                     ("enterprise", "customised", "五批企业甲", "91440101MA5AAAAA1X", "440000",
                      None),
                     ("platform", "shared_manufacturing", "五批平台", "91330100MA5AAAAA2X",
                      "330000", None),
                     ("city", "industrial_design", "宁波市", "", "330200", "330200"))]
    registry.add_published(actor=None, entries=published)
    for entry in db.session.scalars(select(RegistryEntry).where(
            RegistryEntry.name.in_(["广州智能装备有限公司", "苏州市"]))):
        entry.status = "revoked"
    db.session.commit()


def expected():
    """Counts straight from the registry rows (no GROUP BY of the platform's own)."""
    rows = [e for e in db.session.scalars(select(RegistryEntry)) if e.status != "revoked"]
    return {"unit": Counter((e.unit_code, e.category) for e in rows),
            "batch": Counter((e.batch_number, e.category) for e in rows),
            "year": Counter((e.year, e.category) for e in rows),
            "class": Counter((e.category, e.klass, e.batch_number) for e in rows
                             if e.category in ("platform", "city")),
            "model": Counter((e.klass, e.batch_number) for e in rows
                             if e.category == "enterprise"),
            "total": len(rows)}


CATEGORIES = ["enterprise", "platform", "project", "city"]


def sheet_rows(book, name):
    rows = [tuple(v for v in row if v is not None) for row in
            book[name].iter_rows(values_only=True)]
    return rows[0][0], rows[1][0], rows[2], rows[3:]  # title, as of, header, data


def test_figures_match_the_registry(data, client):
    want = expected()
    assert want["total"] == 62 - 2 + 3
    book = load_workbook(io.BytesIO(client.get("/figures/export.xlsx", headers=EN).get_data()))
    units = {u.name_en: u.code for u in db.session.scalars(select(Unit))}

    title, as_of, header, rows = sheet_rows(book, "units")
    assert (title, as_of) == ("Demonstrations by provincial-level unit",
                              "Figures as of 2023-12-01 12:00 (China Standard Time)")
    assert len(rows) == 37 + 1
    for name, *counts in rows[:-1]:
        code = units[name]
        assert counts == [want["unit"][(code, c)] for c in CATEGORIES] + [
            sum(want["unit"][(code, c)] for c in CATEGORIES)], name
    assert rows[-1] == ("Total", *[sum(n for (u, c), n in want["unit"].items() if c == cat)
                                   for cat in CATEGORIES], want["total"])

    _t, _a, header, rows = sheet_rows(book, "batches")
    assert [r[0] for r in rows] == ["Batch 1 (2017)", "Batch 2 (2018)", "Batch 3 (2021)",
                                    "Batch 4 (2022)", "Batch 5 (2023)", "Total"]
    for number, (_label, *counts) in enumerate(rows[:-1], start=1):
        assert counts == [want["batch"][(number, c)] for c in CATEGORIES] + [
            sum(want["batch"][(number, c)] for c in CATEGORIES)]

    _t, _a, _h, rows = sheet_rows(book, "years")
    assert [(int(r[0]), list(r[1:])) for r in rows[:-1]] == [
        (year, [want["year"][(year, c)] for c in CATEGORIES]
         + [sum(want["year"][(year, c)] for c in CATEGORIES)])
        for year in (2017, 2018, 2021, 2022, 2023)]

    _t, _a, header, rows = sheet_rows(book, "classes")
    classes = [("platform", "shared_manufacturing"), ("platform", "other"),
               ("city", "comprehensive"), ("city", "industrial_design")]
    assert [r[0] for r in rows] == ["Demonstration platform: Shared manufacturing",
                                    "Demonstration platform: Other",
                                    "Demonstration city: Comprehensive",
                                    "Demonstration city: Industrial design characteristic",
                                    "Total"]
    for (category, klass), (_label, *counts) in zip(classes, rows, strict=False):
        per_batch = [want["class"][(category, klass, n)] for n in range(1, 6)]
        assert counts == per_batch + [sum(per_batch)]

    _t, _a, _h, rows = sheet_rows(book, "models")
    assert rows[0][0] == "Customised services"
    per_batch = [want["model"][("customised", n)] for n in range(1, 6)]
    assert list(rows[0][1:]) == per_batch + [sum(per_batch)]
    assert rows[-1][-1] == sum(n for (_u, c), n in want["unit"].items() if c == "enterprise")


def test_page_shows_the_same_numbers_and_says_as_of_when(data, client):
    want = expected()
    html = client.get("/figures", headers=EN).get_data(as_text=True)
    assert f"{want['total']} service-oriented manufacturing demonstrations in the registry, " \
           f"in batches 1 to 5." in html
    assert "2 demonstrations whose titles were revoked are not counted." in html
    assert html.count("(as of 2023-12-01 12:00)") == 5 + 3  # five tables, three charts
    guangdong = re.search(r"<tr><th scope=\"row\">Guangdong</th>(.*?)</tr>", html, re.S)[1]
    cells = re.findall(r'<td class="num">(?:<a href="([^"]+)">)?(\d+)', guangdong)
    assert [int(n) for _href, n in cells] == [want["unit"][("440000", c)] for c in CATEGORIES] \
        + [sum(want["unit"][("440000", c)] for c in CATEGORIES)]
    assert cells[0][0].replace("&amp;", "&") == "/registry?unit=440000&category=enterprise"
    # The tile map's data carries the same figure per unit, linking to the filtered list.
    block = re.search(r'<script type="application/json" id="figures-map-data">(.*?)</script>',
                      html, re.S)[1]
    import json
    tiles = {t["code"]: t for t in json.loads(block)["tiles"]}
    assert len(tiles) == 37
    assert tiles["440000"]["values"] == {
        "all": sum(want["unit"][("440000", c)] for c in CATEGORIES),
        **{c: want["unit"][("440000", c)] for c in CATEGORIES}}
    assert tiles["440000"]["urls"]["city"] == "/registry?unit=440000&category=city"


def test_registry_list_behind_a_tile_has_that_many_rows(data, client):
    html = client.get("/figures", headers=EN).get_data(as_text=True)
    import json
    block = re.search(r'id="figures-map-data">(.*?)</script>', html, re.S)[1]
    zhejiang = next(t for t in json.loads(block)["tiles"] if t["code"] == "330000")
    listing = client.get(zhejiang["urls"]["all"], headers=EN).get_data(as_text=True)
    # No Zhejiang title is revoked here, so the list behind the tile has as many rows.
    assert zhejiang["values"]["all"] == 10
    assert f"{zhejiang['values']['all']} demonstrations found." in listing


def test_csv_download_of_one_table(data, client):
    response = client.get("/figures/export.csv?table=batches", headers=EN)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["Demonstrations by batch",
                       "Figures as of 2023-12-01 12:00 (China Standard Time)"]
    assert rows[1] == ["Batch", "Demonstration enterprise", "Demonstration platform",
                       "Demonstration project", "Demonstration city", "Total"]
    assert rows[-1][0] == "Total" and int(rows[-1][-1]) == expected()["total"]
    assert client.get("/figures/export.csv?table=nothing").status_code == 404
    assert client.get("/figures/export.pdf").status_code == 404


def test_empty_registry_still_answers(client):
    html = client.get("/figures", headers=EN).get_data(as_text=True)
    assert "0 service-oriented manufacturing demonstrations in the registry" in html
    book = load_workbook(io.BytesIO(client.get("/figures/export.xlsx").get_data()))
    assert book.sheetnames == ["units", "batches", "years", "classes", "models"]


def test_figures_in_chinese(data, client):
    html = client.get("/figures").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "广东省" in html
