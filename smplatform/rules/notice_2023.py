"""The dates fixed by the MIIT General Office notice of 2023-03-02 (China Standard Time).

Batches stored in the database carry their own dates; these are the notice's, shown on the
home page when no batch is open and used as the defaults of the 2023 batch.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
PUBLISHED = datetime(2023, 3, 2, tzinfo=CHINA)
# "by 20 March" / "by 31 May": the end of that day counts.
CONTACT_DEADLINE = datetime(2023, 3, 20, 23, 59, 59, tzinfo=CHINA)
PROVINCE_DEADLINE = datetime(2023, 5, 31, 23, 59, 59, tzinfo=CHINA)
EVALUATION_DEADLINE = datetime(2023, 5, 31, 23, 59, 59, tzinfo=CHINA)
