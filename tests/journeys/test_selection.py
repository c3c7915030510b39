"""The selection journey, clicked through from the home page by every role."""
from __future__ import annotations

import pytest

from tests import declaration_helpers as h
from tests.journeys import kit


@pytest.fixture
def open_batch(app, clock):
    """Batch 5 open, on a day before Guangdong's deadline (set-up: the ministry's batch)."""
    clock.set(h.DURING)
    return h.batch5()


@pytest.mark.browser
def test_enterprise_declares(journey, open_batch):
    t = journey.t
    alice = journey.person("enterprise")
    alice.start()
    org = kit.Organisation(kind="enterprise", name="广州云帆智能装备有限公司",
                           unit="440000", username="yunfan-admin")
    kit.register(alice, org)
    alice.sign_in(org.username, org.password)
    kit.declare(alice, org, category="enterprise")
    kit.attach_required(alice, "enterprise")
    number = kit.submit_declaration(alice)
    assert number.startswith("2023-440000-")
