"""The access table's world: one signed-in client per role, over data set up to be visible to
the wrong roles (tests/access/test_access_table.py, tests/test_navigation.py)."""
from __future__ import annotations

from tests.support.factories import PASSWORD


class World:
    """One signed-in client per role, over data set up to be visible to the wrong roles."""

    def __init__(self, app, make, login_as):
        self.app = app
        self.users = {
            "anonymous": None,
            "applicant": make.applicant(unit="440000"),
            "province": make.province("440000"),
            "ministry": make.ministry(),
            "expert": make.expert(),
            # Guangzhou's officer: the world's applicant is in Guangdong, but not in its city.
            "city": make.city("440100"),
            "system_admin": make.system_admin(),
            "security_admin": make.security_admin(),
            "audit_admin": make.audit_admin(),
        }
        self._login_as = login_as
        self.cache: dict = {}

    def open_batch(self):
        """The one open batch (batch 5) shared by every area's access entries: open now,
        deadlines ahead, so that routes answer as they do during a campaign."""
        if "open_batch" not in self.cache:
            from datetime import timedelta

            from smplatform import clock
            from smplatform.enums import BatchStatus
            from smplatform.extensions import db
            from smplatform.models import Batch
            now = clock.now()
            batch = Batch(number=5, year=2023, status=BatchStatus.OPEN,
                          opens_at=now - timedelta(days=1),
                          contact_deadline=now + timedelta(days=5),
                          province_deadline=now + timedelta(days=60),
                          evaluation_deadline=now + timedelta(days=60))
            db.session.add(batch)
            db.session.commit()
            self.cache["open_batch"] = batch
        return self.cache["open_batch"]

    def client(self, role: str):
        if role == "anonymous":
            from tests.support.clients import CSRFClient
            self.app.test_client_class = CSRFClient
            return self.app.test_client()
        return self._login_as(self.users[role], PASSWORD)
