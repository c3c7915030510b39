"""Annex 2, the provincial summary form (汇总表), as data.

One summary per recommending unit: one line per recommended declaration, with the unit's
name, the date and room for its seal. The blank template (public downloads) and the filled
summary (the province's recommendation) are both generated from these columns, so they can
never drift apart. Pure: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass

from smplatform.rules.annex1 import Text

T = Text


@dataclass(frozen=True)
class Column:
    """One column of the summary: `key` names the value in a row dict, `width` is in
    spreadsheet character units."""

    key: str
    label: Text
    width: int

    @property
    def zh(self) -> str:
        return self.label.zh

    @property
    def en(self) -> str:
        return self.label.en


COLUMNS: tuple[Column, ...] = (
    Column("seq", T("序号", "No."), 6),
    Column("category", T("类别", "Category"), 10),
    Column("klass", T("类别细分", "Class"), 14),
    Column("applicant_name", T("申报主体名称", "Applicant"), 32),
    Column("electronic_number", T("电子编号", "Electronic number"), 22),
    Column("location", T("所在地", "Location"), 14),
    Column("service_model", T("服务模式", "Service model"), 18),
    Column("service_share", T("服务收入占比（%）（示范企业填写）",
                              "Service revenue share (%) (enterprises)"), 16),
    Column("contact_name", T("联系人", "Contact person"), 10),
    Column("contact_phone", T("联系电话", "Contact phone"), 16),
    Column("ranking", T("推荐排序", "Ranking"), 10),
    Column("remarks", T("备注", "Remarks"), 20),
)

TITLE = T("服务型制造示范遴选申报汇总表", "Summary of declarations for service-oriented "
          "manufacturing demonstrations")
UNIT_LABEL = T("推荐单位（盖章）：", "Recommending unit (seal): ")
DATE_LABEL = T("日期：　　年　　月　　日", "Date: ")
NOTE = T("注：同一类别按推荐顺序排列；服务收入占比为最近一年数据，示范企业填写。",
         "Note: within a category, list in the order of recommendation; the service revenue "
         "share is the latest year's, for enterprises only.")

# Blank lines in the template for provinces that fill it in by hand.
TEMPLATE_BLANK_ROWS = 15


def column(key: str) -> Column:
    return next(c for c in COLUMNS if c.key == key)


def headers(lang: str = "zh") -> list[str]:
    return [c.label.get(lang) for c in COLUMNS]


def row_values(row: dict) -> list:
    """A summary line as cell values in column order; missing keys are empty cells."""
    return [row.get(c.key, "") for c in COLUMNS]
