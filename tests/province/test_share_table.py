"""The province reads the service share as the applicant's table shows it: three years with
totals and the share per year; the queue links the organisation's name too (issue 16,
item 8)."""
from __future__ import annotations

import re

from smplatform.extensions import db
from tests.support import province as helpers


def rows(html: str) -> dict[str, list[str]]:
    table = html.split('class="data year-grid"', 1)[1].split("</table>", 1)[0]
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row)
        if head:
            found[head.group(1)] = re.findall(r"<td[^>]*>(.*?)</td>", row)
    return found


def test_figures_as_a_table_with_totals_and_shares(officer):
    _user, c = officer
    d = helpers.declaration(state="under_review", name="占比企业", commit=False)
    figures = {"operating_revenue": ("1000", "2000", "4000"),
               "service_revenue": ("250", "700", "1600")}
    d.data = {**d.data, **{f"{k}_{y}": v[i] for k, v in figures.items()
                           for i, y in enumerate((2020, 2021, 2022))}}
    db.session.commit()
    page = c.get(f"/province/declarations/{d.id}").get_data(as_text=True)
    table = rows(page)
    assert table["Operating revenue (10,000 yuan)"] == ["1000", "2000", "4000", "7000"]
    assert table["Service revenue (10,000 yuan)"] == ["250", "700", "1600", "2550"]
    assert table["Service revenue share"] == ["25.00%", "35.00%", "40.00%", ""]


def test_queue_links_the_name(officer):
    _user, c = officer
    d = helpers.declaration(state="submitted", name="可点击企业")
    page = c.get("/province/declarations").get_data(as_text=True)
    assert f'<a href="/province/declarations/{d.id}">可点击企业</a>' in page
