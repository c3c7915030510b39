"""Small confusions a new user hit (issue 16, item 16): what the batch form's dates mean, the
province's menu, the inspection's conclusion."""
from __future__ import annotations

import re

from tests.support import selection as helpers


def hint(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-hint">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def label(html: str, field: str) -> str:
    match = re.search(rf'<label for="{field}">(.*?)</label>', html, re.S)
    return re.sub(r"<[^>]+>|\*", "", match.group(1)).strip()


def test_batch_form_says_what_opens_and_whose_deadline(make, login_as):
    client = login_as(make.ministry())
    chinese = client.get("/ministry/batches/new").get_data(as_text=True)
    assert label(chinese, "opens_at") == "申报开始时间"
    assert "申报主体提交申报书的截止时间" in hint(chinese, "province_deadline")
    client.post("/language", data={"lang": "en", "next": "/"})
    english = client.get("/ministry/batches/new").get_data(as_text=True)
    assert label(english, "opens_at") == "Declarations open at"
    assert hint(english, "opens_at").startswith("From this moment applicants can start")
    assert hint(english, "province_deadline").startswith(
        "Also the applicants' deadline for submitting declarations, unless a provincial "
        "department sets an earlier one")


def test_province_menu_links_to_its_evaluations(make, login_as):
    html = login_as(make.province("440000")).get("/province/").get_data(as_text=True)
    nav = html.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<li><a href="/province/evaluations">示范评估</a></li>' in nav


def test_inspection_conclusion_is_not_called_an_evaluation_conclusion(app, make, login_as):
    batch = helpers.make_batch()
    d = helpers.declaration(batch, "440000", category="city", state="expert_passed")
    html = login_as(make.ministry()).get(
        f"/ministry/declarations/{d.id}/inspection").get_data(as_text=True)
    assert "核查结论" in html
    assert "评估结论" not in html
