"""Commercial cryptography (issue 14): SM3/SM4 as the standards define them, personal data
encrypted at rest under a key outside the database, the audit chain keyed HMAC-SM3, and key
rotation."""
from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import select, text

from smplatform import crypto
from smplatform.extensions import db
from smplatform.models import AuditEntry, Organisation, User
from smplatform.services.audit import verify_chain
from tests.support.helpers import EN


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016, appendix A.1: SM3("abc").
    assert crypto.sm3(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")


def test_sm4_matches_the_standard_test_vector():
    # GB/T 32907-2016, appendix A.1: key = plaintext = 0123456789abcdeffedcba9876543210.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 (the vector)
    assert (encryptor.update(key) + encryptor.finalize()).hex() == (
        "681edf34d206965e86b3e94f536e4246")


def test_sm4_gcm_round_trip_and_tamper_detection():
    key = bytes(range(16))
    blob = crypto.sm4_gcm_encrypt(key, "张三 13800138000".encode(), aad=b"ctx")
    assert crypto.sm4_gcm_decrypt(key, blob, aad=b"ctx").decode() == "张三 13800138000"
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    for bad, aad in ((flipped, b"ctx"), (blob, b"other")):
        with pytest.raises(crypto.DecryptionError):
            crypto.sm4_gcm_decrypt(key, bad, aad=aad)


REGISTRATION = {
    "org_type": "enterprise", "name": "广州示范装备制造股份有限公司",
    "credit_code": "91350100M000100Y43", "unit_code": "440000", "city_code": "",
    "contact_name": "李明", "contact_mobile": "13912345678",
    "contact_email": "Liming@Example.com", "username": "gz-equipment",
    "password": "Correct-Horse-42", "password_confirm": "Correct-Horse-42"}


def test_registration_stores_personal_data_encrypted(client):
    assert client.post("/account/register", data=dict(REGISTRATION), headers=EN).status_code == 302
    raw = db.session.execute(text(
        "SELECT contact_name, contact_mobile, contact_email FROM organisation")).one()
    raw_email = db.session.execute(text("SELECT email, email_index FROM user_account")).one()
    stored = " ".join([*raw, *raw_email])
    assert [secret in stored for secret in ("李明", "13912345678", "Liming", "example")] == \
        [False] * 4
    assert [crypto.key_id_of(v) for v in (*raw, raw_email[0])] == ["t1"] * 4
    org = db.session.scalar(select(Organisation))
    user = db.session.scalar(select(User))
    assert (org.contact_name, org.contact_mobile, org.contact_email, user.email) == (
        "李明", "13912345678", "Liming@Example.com", "Liming@Example.com")
    # The blind index finds the account by address, whatever its case, without decrypting.
    found = db.session.scalars(select(User.username).where(
        User.email_index.in_(crypto.ring().blind_indexes("liming@example.COM ")))).all()
    assert found == ["gz-equipment"]


def test_a_ciphertext_moved_to_another_column_does_not_decrypt(client):
    client.post("/account/register", data=dict(REGISTRATION), headers=EN)
    db.session.execute(text("UPDATE organisation SET contact_name = contact_mobile"))
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(crypto.DecryptionError):
        db.session.scalar(select(Organisation)).contact_name  # noqa: B018


def test_encrypted_columns_refuse_sql_comparison(app):
    with pytest.raises(TypeError, match="blind index"):
        select(User).where(User.email == "a@example.com")


def test_declaration_contact_fields_are_encrypted(app, make):
    from tests.support import province as helpers
    declaration = helpers.declaration()
    raw = db.session.execute(text("SELECT data FROM declaration_content")).scalar()
    data = json.loads(raw) if isinstance(raw, str) else raw
    assert (crypto.key_id_of(data["contact_name"]), crypto.key_id_of(data["contact_mobile"]),
            data["registered_address"]) == ("t1", "t1", "广州市天河区")
    db.session.expire_all()
    assert (declaration.data["contact_name"], declaration.data["contact_mobile"]) == (
        "张三", "13900000000")


def test_audit_chain_is_hmac_sm3_under_the_audit_key(app, make):
    make.ministry()
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).first()
    from smplatform.services.audit import _COLUMNS, _payload
    payload = _payload({c: getattr(entry, c) for c in _COLUMNS}, entry.seq)
    key = crypto.ring().key("audit", "t1")
    assert (entry.mac_key, entry.hash) == (
        "t1", crypto.hmac_sm3(key, entry.prev_hash.encode() + payload).hex())
    assert verify_chain().ok


def test_whoever_holds_only_the_database_cannot_rebuild_the_chain(app, make):
    """Edit an entry and re-seal the whole chain as one could without the key (SHA-256, or
    HMAC-SM3 under a guessed key): verification fails either way."""
    import hashlib

    from smplatform.rules.audit_chain import GENESIS, link
    from smplatform.services.audit import _COLUMNS, _payload
    make.ministry()
    make.province("440000")
    db.session.commit()
    for forge in (lambda prev, p: hashlib.sha256(prev.encode() + p).hexdigest(),
                  lambda prev, p: link(prev, p, b"\x00" * 32)):
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        entries[0].actor_name = "someone-else"
        last = GENESIS
        for entry in entries:
            entry.prev_hash = last
            entry.hash = last = forge(last, _payload({c: getattr(entry, c) for c in _COLUMNS},
                                                      entry.seq))
        from smplatform.models import AuditChainHead
        db.session.get(AuditChainHead, 1).last_hash = last
        db.session.commit()
        report = verify_chain()
        assert (report.ok, "altered" in " ".join(report.problems)) == (False, True)


# ---------------------------------------------------------------------- key rotation


def test_rotate_keys_moves_every_value_under_the_new_key(key_file_app, client, make):
    app, path = key_file_app
    client.post("/account/register", data=dict(REGISTRATION), headers=EN)
    from tests.support import province as helpers
    helpers.declaration()
    result = app.test_cli_runner().invoke(args=["rotate-keys", "--data", "--index",
                                                "--audit", "--retire"])
    assert result.exit_code == 0, result.output
    assert "New current keys: data d1, index i1, audit a1" in result.output
    assert "Retired keys: t1, t1." in result.output
    content = json.loads(path.read_text())
    assert ({f: sorted(content[f]["keys"]) for f in content},
            oct(path.stat().st_mode & 0o777)) == (
        {"data": ["d1"], "index": ["i1"], "audit": ["a1", "t1"]}, "0o600")
    raw = db.session.execute(text(
        "SELECT contact_name, contact_mobile, contact_email FROM organisation")).all()
    assert {crypto.key_id_of(v) for row in raw for v in row} == {"d1"}
    content = db.session.execute(text("SELECT data FROM declaration_content")).scalar()
    content = json.loads(content) if isinstance(content, str) else content
    assert crypto.key_id_of(content["contact_mobile"]) == "d1"
    db.session.expire_all()
    org = db.session.scalar(select(Organisation).where(
        Organisation.credit_code == REGISTRATION["credit_code"]))
    user = db.session.scalar(select(User).where(User.username == "gz-equipment"))
    assert (org.contact_email, user.email_index.startswith("i1:")) == (
        "Liming@Example.com", True)
    # The chain still verifies: old entries under t1, new ones (the rotation's) under a1.
    keys_used = set(db.session.scalars(select(AuditEntry.mac_key)))
    assert (verify_chain().ok, keys_used) == (True, {"t1", "a1"})


def test_rotate_keys_refuses_keys_from_the_setting(app):
    result = app.test_cli_runner().invoke(args=["rotate-keys", "--data"])
    assert (result.exit_code, "KEYS setting" in result.output) == (1, True)
