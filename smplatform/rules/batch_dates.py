"""The order a batch's dates must keep.

opens_at < contact_deadline <= province_deadline, and the evaluation deadline comes after the
batch opens. Answers the names of the problems found (the service translates them).
"""
from __future__ import annotations

from datetime import datetime

CONTACT_NOT_AFTER_OPENING = "contact_not_after_opening"
PROVINCE_BEFORE_CONTACT = "province_before_contact"
EVALUATION_NOT_AFTER_OPENING = "evaluation_not_after_opening"


def date_order_problems(*, opens_at: datetime, contact_deadline: datetime,
                        province_deadline: datetime,
                        evaluation_deadline: datetime) -> list[str]:
    """Every rule of the batch timeline that these dates break, in field order."""
    problems = []
    if not opens_at < contact_deadline:
        problems.append(CONTACT_NOT_AFTER_OPENING)
    if not contact_deadline <= province_deadline:
        problems.append(PROVINCE_BEFORE_CONTACT)
    if not opens_at < evaluation_deadline:
        problems.append(EVALUATION_NOT_AFTER_OPENING)
    return problems
