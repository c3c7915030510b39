"""The tile map of the 37 provincial-level units: one square per unit at its approximate
place on a 9 × 8 grid, the five planned cities and the XPCC beside their provinces.

A tile map has no boundaries, so it is not a map in the sense of the map-review rules (a map
of China that shows borders must be an approved standard map with its 审图号); it is a chart
whose squares are arranged roughly as the units lie. Pure data: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    code: str
    column: int  # 0 = west
    row: int     # 0 = north
    short_zh: str
    short_en: str

    def short(self, lang: str) -> str:
        return self.short_en if lang == "en" else self.short_zh


TILES = (
    Tile("230000", 8, 0, "黑龙江", "Heilong-\njiang"),
    Tile("150000", 5, 1, "内蒙古", "Inner\nMongolia"),
    Tile("110000", 6, 1, "北京", "Beijing"),
    Tile("210000", 7, 1, "辽宁", "Liaoning"),
    Tile("220000", 8, 1, "吉林", "Jilin"),
    Tile("650000", 0, 2, "新疆", "Xinjiang"),
    Tile("660000", 1, 2, "兵团", "XPCC"),
    Tile("640000", 4, 2, "宁夏", "Ningxia"),
    Tile("140000", 5, 2, "山西", "Shanxi"),
    Tile("130000", 6, 2, "河北", "Hebei"),
    Tile("120000", 7, 2, "天津", "Tianjin"),
    Tile("210200", 8, 2, "大连", "Dalian"),
    Tile("540000", 1, 3, "西藏", "Tibet"),
    Tile("630000", 2, 3, "青海", "Qinghai"),
    Tile("620000", 3, 3, "甘肃", "Gansu"),
    Tile("610000", 4, 3, "陕西", "Shaanxi"),
    Tile("410000", 5, 3, "河南", "Henan"),
    Tile("370000", 6, 3, "山东", "Shandong"),
    Tile("370200", 7, 3, "青岛", "Qingdao"),
    Tile("510000", 2, 4, "四川", "Sichuan"),
    Tile("500000", 3, 4, "重庆", "Chongqing"),
    Tile("420000", 4, 4, "湖北", "Hubei"),
    Tile("340000", 5, 4, "安徽", "Anhui"),
    Tile("320000", 6, 4, "江苏", "Jiangsu"),
    Tile("310000", 7, 4, "上海", "Shanghai"),
    Tile("530000", 2, 5, "云南", "Yunnan"),
    Tile("520000", 3, 5, "贵州", "Guizhou"),
    Tile("430000", 4, 5, "湖南", "Hunan"),
    Tile("360000", 5, 5, "江西", "Jiangxi"),
    Tile("330000", 6, 5, "浙江", "Zhejiang"),
    Tile("330200", 7, 5, "宁波", "Ningbo"),
    Tile("450000", 3, 6, "广西", "Guangxi"),
    Tile("440000", 4, 6, "广东", "Guangdong"),
    Tile("350000", 5, 6, "福建", "Fujian"),
    Tile("350200", 6, 6, "厦门", "Xiamen"),
    Tile("460000", 3, 7, "海南", "Hainan"),
    Tile("440300", 4, 7, "深圳", "Shenzhen"),
)
COLUMNS = 1 + max(t.column for t in TILES)
ROWS = 1 + max(t.row for t in TILES)
BY_CODE = {t.code: t for t in TILES}

# Sequential colours (light → dark) for the legend's classes; the darkest three carry white
# text, the lighter ones dark text, each at a contrast of at least 4.5:1.
COLOURS = ("#eef3fa", "#c6d7ee", "#8fb1dc", "#3f73b5", "#1f4f8f", "#0d2f5e")
DARK_TEXT, LIGHT_TEXT = "#1d1d1f", "#ffffff"
EMPTY = "#f5f6f8"


def classes(values, count: int = 5) -> list[tuple[int, int]]:
    """Legend classes [(low, high), …] covering 1 … max(values) in at most `count` equal
    steps of whole numbers (zero is a class of its own, shown by EMPTY)."""
    top = max([v for v in values if v] or [0])
    if top == 0:
        return []
    step = max(1, -(-top // count))  # ceiling division
    out, low = [], 1
    while low <= top:
        out.append((low, min(low + step - 1, top)))
        low += step
    return out


def class_of(value: int, bounds: list[tuple[int, int]]) -> int | None:
    """Index of the class holding `value`, None for zero."""
    for index, (low, high) in enumerate(bounds):
        if low <= value <= high:
            return index
    return None


def palette_index(index: int | None, bounds: list[tuple[int, int]]) -> str:
    """The palette entry of class `index` among len(bounds) classes ("empty" for zero): the
    highest class is always the darkest colour (CSS: .fill-<entry>)."""
    if index is None:
        return "empty"
    return str(len(COLOURS) - len(bounds) + index)


def colour(index: int | None, bounds: list[tuple[int, int]]) -> tuple[str, str]:
    """(fill, text colour) of class `index` among len(bounds) classes."""
    entry = palette_index(index, bounds)
    if entry == "empty":
        return EMPTY, DARK_TEXT
    fill = COLOURS[int(entry)]
    return fill, (LIGHT_TEXT if int(entry) >= 3 else DARK_TEXT)


def build(*, figures: list[tuple[str, str]], values: dict[str, dict[str, int]],
          urls: dict[str, dict[str, str]], names: dict[str, str], lang: str) -> dict:
    """The map's data for the page's JSON block: `figures` [(key, label)], `values`
    {key: {unit code: n}}, `urls` {key: {unit code: link}}, `names` {unit code: name}.
    Each figure carries its legend; each tile its value, colours and link per figure."""
    legends = {}
    for key, _label in figures:
        bounds = classes(values[key].values())
        legends[key] = bounds
    tiles = []
    for tile in TILES:
        entry = {"code": tile.code, "name": names.get(tile.code, tile.code),
                 "short": tile.short(lang), "x": tile.column, "y": tile.row,
                 "values": {}, "urls": {}, "fill": {}, "text": {}}
        for key, _label in figures:
            n = values[key].get(tile.code, 0)
            fill, text = colour(class_of(n, legends[key]), legends[key])
            entry["values"][key] = n
            entry["urls"][key] = urls[key][tile.code]
            entry["fill"][key] = fill
            entry["text"][key] = text
        tiles.append(entry)
    return {"columns": COLUMNS, "rows": ROWS, "tiles": tiles,
            "figures": [{"key": key, "label": label,
                         "legend": legend_of(legends[key])} for key, label in figures]}


def legend_of(bounds: list[tuple[int, int]]) -> list[dict]:
    """The legend's entries: zero first, then each class with its colours."""
    out = []
    for index, (low, high) in [(None, (0, 0)), *enumerate(bounds)]:
        fill, text = colour(index, bounds)
        out.append({"low": low, "high": high, "fill": fill, "text": text,
                    "palette": palette_index(index, bounds)})
    return out
