"""The tile map's layout and colours (rules/tile_map.py): one tile per unit, none on top of
another, the planned cities and the XPCC beside their provinces, a legend that covers every
value, and tile text readable on every colour (contrast at least 4.5:1)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from smplatform.rules import tile_map

UNITS = json.loads((Path(__file__).resolve().parents[2] / "smplatform" / "data"
                    / "units.json").read_text(encoding="utf-8"))


def test_one_tile_per_unit_and_no_two_in_one_place():
    assert sorted(t.code for t in tile_map.TILES) == sorted(u["code"] for u in UNITS)
    places = [(t.column, t.row) for t in tile_map.TILES]
    assert len(set(places)) == len(places) == 37
    assert all(0 <= c < tile_map.COLUMNS and 0 <= r < tile_map.ROWS for c, r in places)


@pytest.mark.parametrize("city, province", [
    ("210200", "210000"), ("370200", "370000"), ("330200", "330000"), ("350200", "350000"),
    ("440300", "440000"), ("660000", "650000")])
def test_planned_cities_and_xpcc_sit_beside_their_province(city, province):
    a, b = tile_map.BY_CODE[city], tile_map.BY_CODE[province]
    assert max(abs(a.column - b.column), abs(a.row - b.row)) == 1


def test_roughly_geographic():
    at = tile_map.BY_CODE
    assert at["650000"].column < at["510000"].column < at["310000"].column  # west → east
    assert at["230000"].row < at["420000"].row < at["460000"].row          # north → south


@pytest.mark.parametrize("values, bounds", [
    ([0, 0], []), ([3], [(1, 1), (2, 2), (3, 3)]),
    ([0, 1, 2, 13], [(1, 3), (4, 6), (7, 9), (10, 12), (13, 13)]),
    ([100], [(1, 20), (21, 40), (41, 60), (61, 80), (81, 100)])])
def test_legend_classes_cover_every_value(values, bounds):
    assert tile_map.classes(values) == bounds
    for v in range(1, max(values) + 1):
        assert tile_map.class_of(v, bounds) is not None


def _luminance(hex_colour: str) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_tile_text_is_readable_on_every_colour(count):
    bounds = [(n, n) for n in range(1, count + 1)]
    for index in [None, *range(count)]:
        fill, text = tile_map.colour(index, bounds)
        assert contrast(fill, text) >= 4.5, (fill, text)


def test_highest_class_is_darkest():
    for count in range(1, 6):
        bounds = [(n, n) for n in range(1, count + 1)]
        assert tile_map.colour(count - 1, bounds)[0] == tile_map.COLOURS[-1]


def test_build_gives_each_tile_its_value_colour_and_link():
    data = tile_map.build(figures=[("n", "N")], values={"n": {"440000": 4, "330000": 1}},
                          urls={"n": {t.code: f"/x/{t.code}" for t in tile_map.TILES}},
                          names={"440000": "广东省"}, lang="zh")
    tiles = {t["code"]: t for t in data["tiles"]}
    assert (tiles["440000"]["values"]["n"], tiles["440000"]["urls"]["n"],
            tiles["440000"]["name"], tiles["440000"]["short"]) == (4, "/x/440000", "广东省",
                                                                   "广东")
    assert tiles["110000"]["fill"]["n"] == tile_map.EMPTY
    assert [(e["low"], e["high"]) for e in data["figures"][0]["legend"]] == [
        (0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]
