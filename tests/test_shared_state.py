"""Every per-process cache is accounted for: shared through Redis across nodes, or listed
with the reason it may differ per process (smplatform/shared.py). A new module-level cache
fails here until someone decides which it is."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smplatform import shared
from smplatform.services import national

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh process: every module imported (create_app), nothing used yet. A cache is
# a module-level function cache (functools.cache/lru_cache) or a dict or set that is empty
# when the modules are loaded (constants and registries are filled at import).
_FIND = r"""
import functools, json, pkgutil, importlib, collections
import smplatform
from smplatform import create_app
create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
for info in pkgutil.walk_packages(smplatform.__path__, "smplatform."):
    importlib.import_module(info.name)
import sys
found = []
for name, module in list(sys.modules.items()):
    if not (name == "smplatform" or name.startswith("smplatform.")):
        continue
    for attr, value in vars(module).items():
        if getattr(value, "__module__", name) != name and callable(value):
            continue  # imported from elsewhere
        if isinstance(value, functools._lru_cache_wrapper) or (
                isinstance(value, (dict, set, collections.OrderedDict)) and not value
                and not attr.startswith("__")):
            found.append(f"{name}.{attr}")
print(json.dumps(sorted(set(found))))
"""


def test_every_per_process_cache_is_shared_or_explained():
    output = subprocess.run([sys.executable, "-c", _FIND], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    caches = set(json.loads(output.splitlines()[-1]))
    accounted = set(shared.PER_PROCESS) | set(shared.SHARED)
    assert caches - accounted == set()
    assert all(reason for reason in {**shared.PER_PROCESS, **shared.SHARED}.values())


@pytest.fixture
def redis_server(tmp_path):
    from tests.cluster.servers import Redis
    server = Redis(tmp_path / "redis").start()
    yield server
    server.stop()


def test_dashboard_counts_kept_in_redis_are_the_same_on_every_node(app, make, redis_server):
    """Two nodes share nothing but Redis: the counts one node made are what the other shows
    (not recounted, not this process's copy) until NATIONAL_BOARD_MAX_AGE_SECONDS pass."""
    from tests.support import province as province
    app.config.update(REDIS_URL=redis_server.url, NATIONAL_BOARD_MAX_AGE_SECONDS=30)
    national.kept.clear()
    province.declaration()                      # one submitted declaration in batch 5
    batch_id = province.batch().id
    counted = national.figures(batch_id, max_age_seconds=30)
    assert counted.per_unit == {"440000": (1, 0)}
    assert 0 < redis_server.client().pttl(f"smplatform:national:figures:{batch_id}") <= 30_000

    province.declaration()                      # a second one, after the counting
    KeptLocally = national.KeptFigures           # noqa: N806
    assert KeptLocally.get(national.kept, batch_id) is None   # nothing kept in this process
    other_node = national.figures(batch_id, max_age_seconds=30)
    assert (other_node, other_node is counted) == (counted, False)

    national.kept.clear()
    assert national.figures(batch_id, max_age_seconds=30).per_unit == {"440000": (2, 0)}
    national.kept.clear()
