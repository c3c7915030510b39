"""A deadline surge through nginx, with one app node killed halfway (SIGKILL to its whole
process group: the machine is gone). Hundreds of applicants, each from an address of their
own, sign in, open the narrative section, autosave three times and submit with a double
click; a user whose request fails sends it again, as a person would.

Proves: nginx fails over (the survivor answers everything after the kill); the only 5xx
answers are requests that were in flight on the killed node when it died (nginx's log: their
node and start time); no write is lost (every declaration holds its last autosave and is
submitted exactly once); electronic numbers are contiguous per unit and category; the audit
chain and the stored files are intact.
"""
from __future__ import annotations

import http.client
import os
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Declaration, DeclarationCounter
from smplatform.services.audit import verify_chain
from smplatform.services.maintenance import check_consistency
from tests.support import reliability as helpers

APPLICANTS = int(os.environ.get("CLUSTER_SURGE_APPLICANTS", "200"))
AUTOSAVES = 3
REQUESTS_PER_JOURNEY = 7   # sign-in (form and post), section, 3 autosaves, 2 submit clicks
UNITS = ("440000", "330000", "440300", "110000")
GRACE = 0.1  # seconds


class Surge:
    """Shared state of the surge: every answer with its timing, and the kill."""

    def __init__(self, cluster, victim):
        self.cluster = cluster
        self.victim = victim
        self.lock = threading.Lock()
        self.answers: list[tuple] = []   # (step, status, started, ended)
        self.done = 0
        self.kill_at = APPLICANTS * REQUESTS_PER_JOURNEY // 2
        self.killed_at: float | None = None

    def note(self, step: str, call):
        started = time.time()
        try:
            response = call()
        except (OSError, http.client.HTTPException):
            # The connection broke, or the answer stopped half-way: the killed node died while
            # nginx was passing its answer on (nginx then logs the status it had already sent).
            response = None
        ended = time.time()
        with self.lock:
            self.answers.append((step, response.status if response else None, started, ended))
            self.done += 1
            kill = self.killed_at is None and self.done >= self.kill_at
            if kill:
                self.killed_at = time.time()
        if kill:
            self.victim.kill()
        return response


def _ok(response, *statuses) -> bool:
    return response is not None and response.status in statuses


def journey(surge: Surge, source: str, username: str, declaration_id: int) -> str:
    """One applicant's way to a submitted declaration, resending what failed. Returns the
    value of their last successful autosave."""
    client = surge.cluster.client(source)
    while not _ok(surge.note("sign_in", lambda: client.sign_in(username)), 302):
        pass
    base = f"/applicant/declarations/{declaration_id}"
    section = f"{base}/sections/narrative"
    page = surge.note("section", lambda: client.get(section))
    assert _ok(page, 200), page and page.status
    token, version = page.csrf(), page.version()
    last = None
    for n in range(AUTOSAVES):
        value = f"{username} autosave {n}"
        while True:
            saved = surge.note("autosave", lambda v=value, ver=version: client.post(
                section, helpers.narrative(v, ver, token), headers={"HX-Request": "true"}))
            if _ok(saved, 200):
                version = saved.version()
                break
            assert saved is None or saved.status >= 500, saved.status
            # Lost on the killed node: did it commit? The page says (and gives the version).
            page = surge.note("section", lambda: client.get(section))
            assert _ok(page, 200)
            version = page.version()
            if value in page.body:
                break
        last = value
    submit = {"version": str(version), "csrf_token": token}
    clicks = [None, None]

    def click(i):
        clicks[i] = surge.note("submit", lambda: client.post(f"{base}/submit", submit))

    threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 302 submitted; 409 "already submitted (number …)": done either way. A click lost on the
    # killed node is sent again (same version: it cannot submit twice).
    while not any(_ok(c, 302, 409) for c in clicks):
        clicks = [surge.note("submit", lambda: client.post(f"{base}/submit", submit))]
    return last


def test_surge_with_a_node_killed_halfway_loses_nothing(cluster):
    batch = helpers.open_batch_now()
    drafts = helpers.complete_drafts(batch, APPLICANTS, UNITS)
    victim = cluster.nodes[0]
    surge = Surge(cluster, victim)
    started = time.time()
    with ThreadPoolExecutor(max_workers=40) as pool:
        futures = {declaration_id: pool.submit(journey, surge, f"127.10.{i // 250}.{i % 250 + 1}",
                                               username, declaration_id)
                   for i, (username, declaration_id, _unit) in enumerate(drafts)}
        last_saved = {d: f.result() for d, f in futures.items()}
    elapsed = time.time() - started
    assert surge.killed_at is not None and not victim.running

    # nginx's log: every 5xx came from the killed node and had started before it died (give
    # or take the moment nginx needs to see the node's connections close: GRACE).
    log = cluster.nginx.log_entries()
    failures = [e for e in log if e["status"] >= 500]
    for entry in failures:
        assert entry["upstream"].split(",")[0].strip() == victim.address, entry
        assert entry["msec"] - entry["request_time"] <= surge.killed_at + GRACE, entry
    # After the kill, the survivor answered everything (failover), and the victim nothing new.
    after = [e for e in log if e["msec"] - e["request_time"] > surge.killed_at + GRACE]
    assert after and all(e["status"] < 500 for e in after)
    survivor = cluster.nodes[1].address
    assert all(e["upstream"].split(",")[-1].strip() == survivor for e in after)
    # Every failure a client saw was in flight when the node died: it started before the kill
    # (give or take GRACE); and every 5xx nginx logged reached its client as a failure.
    client_failures = [a for a in surge.answers if a[1] is None or a[1] >= 500]
    assert all(started <= surge.killed_at + GRACE for _step, _status, started, _ended
               in client_failures), client_failures
    assert len(client_failures) >= len(failures)

    statuses = Counter(a[1] for a in surge.answers)
    print(f"\ncluster surge: {APPLICANTS} applicants, {len(surge.answers)} requests in "
          f"{elapsed:.1f} s ({len(surge.answers) / elapsed:.0f}/s), node killed after "
          f"{surge.killed_at - started:.1f} s; statuses {dict(statuses)}; "
          f"{len(failures)} lost in flight on the killed node")

    db.session.expire_all()
    declarations = {d.id: d for d in db.session.scalars(select(Declaration))}
    assert len(declarations) == APPLICANTS
    for declaration_id, last in last_saved.items():
        d = declarations[declaration_id]
        assert (d.state, d.data[helpers.AUTOSAVE_FIELD]) == ("submitted", last)
    sequences = defaultdict(list)
    for d in declarations.values():
        sequences[(d.unit_code, d.category)].append(int(d.electronic_number.rsplit("-", 1)[1]))
    counters = {(c.unit_code, c.category): c.last
                for c in db.session.scalars(select(DeclarationCounter))}
    for key, numbers in sequences.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key
        assert counters[key] == len(numbers), key
    chain = verify_chain()
    assert (chain.problems, chain.unsealed) == ([], 0)
    assert check_consistency().ok
