"""Deny by default: every route is in the access table, and every expectation holds."""
from __future__ import annotations

import pytest

from smplatform.enums import Role
from tests.access import ROLES, all_entries
from tests.factories import PASSWORD

ENTRIES = all_entries()


class World:
    """One signed-in client per role, over data set up to be visible to the wrong roles."""

    def __init__(self, app, make, login_as):
        self.app = app
        self.users = {
            "anonymous": None,
            "applicant": make.applicant(unit="440000"),
            "province": make.province("440000"),
            "ministry": make.ministry(admin=True),
            "expert": make.expert(),
            # Guangzhou's officer: the world's applicant is in Guangdong, but not in its city.
            "city": make.city("440100"),
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
            from tests.conftest import CSRFClient
            self.app.test_client_class = CSRFClient
            return self.app.test_client()
        return self._login_as(self.users[role], PASSWORD)


def test_every_route_is_in_the_access_table(app):
    listed = {entry.endpoint for entry in ENTRIES}
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(routes - listed) == []
    assert sorted(listed - routes) == []


def test_every_entry_names_every_role():
    incomplete = [e.endpoint for e in ENTRIES if set(e.expect) != set(ROLES)]
    assert incomplete == []


@pytest.mark.parametrize("role", ROLES)
def test_access_expectations(app, make, login_as, role):
    world = World(app, make, login_as)
    failures = []
    for entry in ENTRIES:
        if not entry.check:
            continue
        client = world.client(role)  # a fresh session per request: sign-out must not leak
        path = entry.resolve_path(world)
        if entry.method == "POST":
            response = client.post(path, data=entry.resolve_data(world))
        else:
            response = client.open(path, method=entry.method)
        if response.status_code != entry.expect[role]:
            failures.append(f"{entry.method} {path} as {role}: {response.status_code}, "
                            f"expected {entry.expect[role]}")
    assert failures == []


def test_roles_match_enum():
    assert set(ROLES) - {"anonymous"} == {r.value for r in Role}
