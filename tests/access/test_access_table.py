"""Deny by default: every route is in the access table, and every expectation holds."""
from __future__ import annotations

import pytest

from smplatform.enums import Role
from tests.access import ROLES, all_entries
from tests.support.world import World

ENTRIES = all_entries()




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
