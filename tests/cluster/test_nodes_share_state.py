"""Through nginx, two app nodes behave as one platform: a session started on one node holds on
the other, a file uploaded through one downloads through the other, and the sign-in rate
limit counts the attempts made on both."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from smplatform import crypto
from smplatform.extensions import db
from smplatform.models import DeclarationAttachment
from tests.support import declarations as h
from tests.support.factories import Factories
from tests.support import reliability as helpers


def _applicant_with_draft():
    batch = helpers.open_batch_now()
    user = Factories().applicant()
    declaration = h.start(user, batch)
    return user, declaration


def test_signed_in_on_one_node_stays_signed_in_on_the_other(cluster):
    user, declaration = _applicant_with_draft()
    browser = cluster.client("127.0.1.1")
    form = browser.get("/account/sign-in")
    signed_in = browser.sign_in(user.username)
    assert signed_in.status == 302
    answered = {form.headers["X-Upstream"], signed_in.headers["X-Upstream"]}
    for _ in range(4):
        page = browser.get(f"/applicant/declarations/{declaration.id}")
        assert page.status == 200
        assert user.organisation.name in page.body
        answered.add(page.headers["X-Upstream"])
    assert answered == {node.address for node in cluster.nodes}

    signed_out = cluster.client("127.0.1.1")
    assert signed_out.get("/applicant/").status == 302


def test_uploaded_through_one_node_downloads_through_the_other(cluster):
    user, declaration = _applicant_with_draft()
    browser = cluster.client("127.0.1.2")
    assert browser.sign_in(user.username).status == 302
    page = browser.get(f"/applicant/declarations/{declaration.id}")
    content = h.pdf_bytes() + b"\n% cluster upload\n"
    body, content_type = helpers.multipart(
        {"csrf_token": page.csrf(), "kind": "business_licence"}, "file", "营业执照.pdf",
        content)
    uploaded = browser.request("POST", f"/applicant/declarations/{declaration.id}/attachments",
                               body=body, headers={"Content-Type": content_type})
    assert uploaded.status == 302
    db.session.expire_all()
    attachment = db.session.scalar(select(DeclarationAttachment))
    key = attachment.stored_file.storage_key
    name = f"uploads/{key[:2]}/{key[2:4]}/{key}"
    assert cluster.s3.objects(cluster.bucket) == [name]
    # Encrypted at rest (SMPLATFORM_ENCRYPT_UPLOADS) under the key file both nodes share.
    stored = cluster.s3.client().get_object(Bucket=cluster.bucket, Key=name)["Body"].read()
    assert (stored.startswith(crypto.FILE_MAGIC), b"%PDF" in stored) == (True, False)
    assert attachment.stored_file.encryption_key_id is not None

    path = f"/applicant/declarations/{declaration.id}/attachments/{attachment.id}"
    downloaded_by = {}
    for _ in range(4):
        download = browser.get(path)
        assert (download.status, download.content) == (200, content)
        downloaded_by[download.headers["X-Upstream"]] = download
    other = ({node.address for node in cluster.nodes} - {uploaded.headers["X-Upstream"]}).pop()
    assert other in downloaded_by


def test_sign_in_rate_limit_counts_attempts_on_both_nodes(cluster):
    """10 per minute per address (SMPLATFORM_SIGN_IN_LIMIT): counted in Redis, so the 11th
    attempt is refused wherever it lands; each node alone would have allowed 10."""
    browser = cluster.client("127.0.2.1")
    token = browser.get("/account/sign-in").csrf()   # (a session's token serves every post)
    statuses, answered = [], set()
    for n in range(11):
        attempt = browser.post("/account/sign-in", {"username": f"nobody-{n}",
                                                     "password": "wrong password 1",
                                                     "csrf_token": token})
        statuses.append(attempt.status)
        answered.add(attempt.headers["X-Upstream"])
    assert statuses == [200] * 10 + [429]
    assert answered == {node.address for node in cluster.nodes}
    # Another address has its own count.
    other = cluster.client("127.0.2.2")
    token = other.get("/account/sign-in").csrf()
    assert other.post("/account/sign-in", {"username": "nobody", "password": "x",
                                           "csrf_token": token}).status == 200


def test_request_id_from_nginx_is_answered_and_logged(cluster):
    browser = cluster.client("127.0.3.1")
    page = browser.get("/")
    request_id = page.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    entries = [e for e in cluster.nginx.log_entries() if e["request_id"] == request_id]
    assert [(e["uri"], e["status"], e["upstream"]) for e in entries] == [
        ("/", 200, page.headers["X-Upstream"])]
    # The node that answered logged the request as a JSON line with the same id.
    node = next(n for n in cluster.nodes if n.address == page.headers["X-Upstream"])
    lines = [json.loads(line) for line in node.log.read_text(errors="replace").splitlines()
             if line.startswith("{") and request_id in line]
    assert [(e["logger"], e["path"], e["status"], e["node"]) for e in lines] == [
        ("smplatform.request", "/", 200, node.name)]


def test_metrics_refused_to_the_public_served_with_the_token(cluster):
    outsider = cluster.client("127.0.5.1")
    refused = outsider.get("/metrics")
    assert refused.status == 302 and "smplatform_" not in refused.body
    scrape = outsider.get("/metrics",
                          headers={"Authorization": "Bearer cluster-metrics-token"})
    assert scrape.status == 200
    assert 'smplatform_outbox_unsent{state="due"} 0.0' in scrape.body
    assert "smplatform_http_requests_total{" in scrape.body
