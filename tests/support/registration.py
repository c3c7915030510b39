"""The registration form's fields, filled in as a new organisation would."""
from __future__ import annotations

GOOD_CODE = "91350100M000100Y43"


def form(**overrides) -> dict:
    data = {
        "org_type": "enterprise", "name": "广州示范装备制造股份有限公司", "credit_code": GOOD_CODE,
        "unit_code": "440000", "city_code": "", "contact_name": "李明",
        "contact_mobile": "13800138000", "contact_email": "liming@example.com",
        "username": "gz-equipment", "password": "Correct-Horse-42",
        "password_confirm": "Correct-Horse-42",
    }
    data.update(overrides)
    return data
