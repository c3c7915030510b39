"""Annex 2 column definitions (pure)."""
from smplatform.rules import annex2


def test_annex2_column_keys_are_unique_and_bilingual():
    keys = [c.key for c in annex2.COLUMNS]
    assert len(keys) == len(set(keys)) == 12
    assert [bool(c.zh and c.en and c.width > 0) for c in annex2.COLUMNS] == [True] * 12


def test_annex2_headers_by_language():
    assert annex2.headers("zh")[:3] == ["序号", "类别", "类别细分"]
    assert annex2.headers("en")[:3] == ["No.", "Category", "Class"]


def test_annex2_row_values_fill_missing_with_empty():
    assert annex2.row_values({"seq": 2, "remarks": "无"}) == [2] + [""] * 10 + ["无"]
