"""Deadline surge: 200 applicants autosave and submit at once (each with a double click)
against the real app served by gunicorn on the test database (SQLite file or PostgreSQL).

Asserts: no 5xx, no lost write, every declaration numbered exactly once with contiguous
sequences per (unit, category), the audit chain intact and the stored files consistent."""
from __future__ import annotations

import os
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Declaration, DeclarationCounter
from smplatform.services.audit import verify_chain
from smplatform.services.maintenance import check_consistency
from tests.support import reliability as helpers

APPLICANTS = int(os.environ.get("RELIABILITY_SURGE_APPLICANTS", "200"))
AUTOSAVES = 3
UNITS = ("440000", "330000", "440300", "110000")


def _journey(port: int, username: str, declaration_id: int, log: list, lock: threading.Lock):
    """One applicant: sign in, open the narrative section, autosave three times, then
    submit with a double click (two posts of the same version at once)."""
    client = helpers.Client(port)
    statuses = []

    def note(step, response):
        statuses.append((step, response.status))
        return response

    note("sign_in", client.sign_in(username))
    base = f"/applicant/declarations/{declaration_id}"
    page = note("section", client.get(f"{base}/sections/narrative"))
    token, version = page.csrf(), page.version()
    last = None
    for n in range(AUTOSAVES):
        last = f"{username} autosave {n}"
        saved = note("autosave", client.post(f"{base}/sections/narrative",
                                              helpers.narrative(last, version, token),
                                              headers={"HX-Request": "true"}))
        version = saved.version()
    submit = {"version": str(version), "csrf_token": token}
    results = [None, None]

    def click(i):
        results[i] = client.post(f"{base}/submit", submit)

    clicks = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    for r in results:
        note("submit", r)
    with lock:
        log.append((username, declaration_id, last, statuses))


@pytest.mark.slow
def test_deadline_surge_numbers_every_submission_once(app, database_url, tmp_path):
    batch = helpers.open_batch_now()
    started = time.monotonic()
    drafts = helpers.complete_drafts(batch, APPLICANTS, UNITS)
    setup_seconds = time.monotonic() - started
    server = helpers.Gunicorn(database_url=database_url, upload_dir=app.config["UPLOAD_DIR"],
                              log=tmp_path / "gunicorn.log", workers=3, threads=4).start()
    log, lock = [], threading.Lock()
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=40) as pool:
            futures = [pool.submit(_journey, server.port, u, d, log, lock)
                       for u, d, _unit in drafts]
            for f in futures:
                f.result()
        elapsed = time.monotonic() - started
    finally:
        server.stop()

    requests = sum(len(s) + 2 for *_x, s in log)   # + the sign-in form GET and the redirect
    statuses = Counter(status for *_x, s in log for _step, status in s)
    print(f"\nsurge: {APPLICANTS} applicants, setup {setup_seconds:.1f} s, "
          f"{requests} requests in {elapsed:.1f} s = {requests / elapsed:.0f} requests/s, "
          f"statuses {dict(statuses)}")
    assert [s for s in statuses if s >= 500] == []
    for username, _id, _last, steps in log:
        by_step = defaultdict(list)
        for step, status in steps:
            by_step[step].append(status)
        assert (by_step["sign_in"], by_step["section"], by_step["autosave"]) == \
            ([302], [200], [200] * AUTOSAVES), username
        assert sorted(by_step["submit"]) == [302, 409], username

    db.session.expire_all()
    declarations = {d.id: d for d in db.session.scalars(select(Declaration))}
    assert len(declarations) == APPLICANTS
    for _username, declaration_id, last, _steps in log:
        d = declarations[declaration_id]
        assert (d.state, d.data[helpers.AUTOSAVE_FIELD]) == ("submitted", last)
    numbers = [d.electronic_number for d in declarations.values()]
    assert len(set(numbers)) == APPLICANTS
    sequences = defaultdict(list)
    for d in declarations.values():
        sequences[(d.unit_code, d.category)].append(int(d.electronic_number.rsplit("-", 1)[1]))
    counters = {(c.unit_code, c.category): c.last
                for c in db.session.scalars(select(DeclarationCounter))}
    for key, seq in sequences.items():
        assert sorted(seq) == list(range(1, len(seq) + 1)), key
        assert counters[key] == len(seq), key
    chain = verify_chain()
    assert (chain.problems, chain.unsealed) == ([], 0)
    assert check_consistency().ok
