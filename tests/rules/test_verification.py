"""Normalising a number and a code typed from paper (pure)."""
import pytest

from smplatform.rules.verification import normalise_code, normalise_number


@pytest.mark.parametrize("typed", ["2023-440000-E-0001", " 2023-440000-e-0001 ",
                                   "2023 - 440000 - e - 0001", "２０２３－４４００００－Ｅ－０００１",
                                   "2023—440000—E—0001", "2023-440000-E-0001\u3000"])
def test_normalise_number(typed):
    assert normalise_number(typed) == "2023-440000-E-0001"


@pytest.mark.parametrize("typed", ["STYFX2BQ", "styf x2bq", " STYF-X2BQ ", "ｓｔｙｆｘ２ｂｑ"])
def test_normalise_code(typed):
    assert normalise_code(typed) == "STYFX2BQ"


def test_normalise_empty():
    assert [normalise_number(None), normalise_code("  ")] == ["", ""]
