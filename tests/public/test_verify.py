"""The public verification page: match, neutral refusal, normalised input, rate limit."""
from __future__ import annotations

import re
from datetime import datetime, UTC

import pytest

from smplatform.enums import DeclarationState
from smplatform.extensions import db
from tests.support import documents as helpers

MATCH = "This number and code match a submitted declaration."
NO_MATCH = "No submitted declaration matches this number and code."
RESULT = re.compile(r'<div class="verify-result" role="status">.*?</div>\s*</section>', re.S)


@pytest.fixture
def submitted(app, clock):
    clock.set(datetime(2023, 4, 20, 2, 0, tzinfo=UTC))
    user = helpers.applicant(name="深圳验证科技有限公司", unit="440000")
    return helpers.declaration(user, sequence=3)


def _verify(client, number, code, **kw):
    response = client.post("/verify", data={"number": number, "code": code},
                           headers={"Accept-Language": "en"}, **kw)
    return response, response.get_data(as_text=True)


def _result(page: str) -> str:
    return RESULT.search(page).group(0)


def test_verify_matching_number_and_code_shows_name_category_date(client, submitted):
    response, page = _verify(client, submitted.electronic_number, submitted.verification_code)
    assert response.status_code == 200
    assert MATCH in page
    assert "深圳验证科技有限公司" in page
    assert "Demonstration enterprise" in page
    assert "2023-04-20" in page


def test_verify_match_shows_nothing_confidential(client, submitted):
    _, page = _verify(client, submitted.electronic_number, submitted.verification_code)
    result = _result(page)
    confidential = [submitted.credit_code, submitted.data["contact_mobile"],
                    submitted.data["contact_email"], submitted.data["operating_revenue_2022"],
                    submitted.data["legal_representative"]]
    assert [value in result for value in confidential] == [False] * len(confidential)


def test_verify_wrong_code_and_unknown_number_get_the_same_answer(client, submitted):
    _, wrong_code = _verify(client, submitted.electronic_number, "ABCDEFGH")
    _, unknown = _verify(client, "2023-440000-E-9999", submitted.verification_code)
    assert NO_MATCH in wrong_code
    assert _result(wrong_code) == _result(unknown)
    assert "深圳验证科技有限公司" not in wrong_code


def test_verify_accepts_lower_case_spaces_and_full_width_input(client, submitted):
    number = " " + submitted.electronic_number.lower().replace("-", " － ") + " "
    code = " ".join(submitted.verification_code.lower())
    _, page = _verify(client, number, code)
    assert MATCH in page


@pytest.mark.parametrize("state", [DeclarationState.DRAFT, DeclarationState.RETURNED])
def test_verify_never_matches_a_draft_or_a_returned_declaration(client, submitted, state):
    submitted.state = state  # even with a number and a code, an editable one never matches
    db.session.commit()
    _, page = _verify(client, submitted.electronic_number, submitted.verification_code)
    assert NO_MATCH in page


def test_verify_draft_without_number_cannot_be_found(client, app):
    user = helpers.applicant()
    draft = helpers.declaration(user, state=DeclarationState.DRAFT)
    assert draft.electronic_number is None and draft.verification_code is None
    _, page = _verify(client, "None", "None")
    assert NO_MATCH in page


def test_verify_get_prefills_number_without_looking_up(client, submitted):
    response = client.get(f"/verify?number={submitted.electronic_number.lower()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{submitted.electronic_number}"' in page
    assert RESULT.search(page) is None


def test_verify_empty_fields_are_explained(client):
    _, page = _verify(client, " ", "")
    assert "Enter the electronic number." in page
    assert "Enter the verification code." in page


def test_verify_without_csrf_token_is_refused(client, submitted):
    response, _ = _verify(client, submitted.electronic_number, submitted.verification_code,
                          csrf=False)
    assert response.status_code == 400


def test_verify_is_rate_limited_per_address(client, app, submitted):
    app.config["RATELIMIT_VERIFY"] = "3 per minute"
    statuses = [_verify(client, "2023-440000-E-0001", "AAAAAAAA")[0].status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_verify_default_limit_is_thirty_per_minute(app):
    from smplatform.public.verify import DEFAULT_LIMIT, _verify_limit
    app.config.pop("RATELIMIT_VERIFY", None)
    with app.test_request_context():
        assert _verify_limit() == DEFAULT_LIMIT == "30 per minute"


def test_verify_messages_have_chinese_translations():
    # The page itself renders Chinese once the merged catalog is installed (tools/i18n.py).
    from pathlib import Path

    from babel.messages.pofile import read_po
    po = Path(__file__).resolve().parents[2] / "smplatform/translations/zh_CN/LC_MESSAGES/documents.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    assert [catalog.get(m).string for m in (MATCH, NO_MATCH)] == [
        "该电子编号和校验码与一份已提交的申报书相符。", "没有与该电子编号和校验码相符的已提交申报书。"]
