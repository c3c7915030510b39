"""Before the ministry creates the first batch (a new deployment), the navigation's pages
that work on a batch say so and lead back to the dashboard, instead of "page not found": a
new provincial officer's "Review queue" was a dead end (found by the administrators'
journey, tests/browser/journeys/test_administrators.py)."""
from __future__ import annotations

import pytest

from tests.support.helpers import english

NO_BATCH = "No batch has been created yet."


@pytest.mark.parametrize("role, path, title", [
    ("province", "/province/declarations", "Review queue"),
    ("province", "/province/recommendations", "Recommendation list"),
    ("ministry", "/ministry/submissions", "Provincial submissions"),
    ("ministry", "/ministry/contacts", "Liaison contacts"),
])
def test_a_batch_page_before_the_first_batch_says_so(app, make, login_as, role, path, title):
    user = make.province("440000") if role == "province" else make.ministry()
    client = english(login_as(user))
    response = client.get(path)
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text[:500]
    assert f"<h1>{title}</h1>" in text and NO_BATCH in text
    dashboard = "/province/" if role == "province" else "/ministry/"
    assert f'href="{dashboard}"' in text


def test_once_a_batch_exists_the_page_is_the_queue(app, make, login_as, clock):
    from tests.support import declarations as h
    clock.set(h.DURING)
    h.batch5()
    client = english(login_as(make.province("440000")))
    text = client.get("/province/declarations").get_data(as_text=True)
    assert NO_BATCH not in text and 'id="queue-results"' in text
