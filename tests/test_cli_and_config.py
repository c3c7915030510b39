"""CLI commands (init-db, load-reference, seed-demo, create-user) and configuration guards."""
from __future__ import annotations

import json

import pytest
import pyotp
from sqlalchemy import func, select, update

from smplatform import create_app
from smplatform.crypto import new_key_file_content
from smplatform.demo import APPLICANTS, STAFF
from smplatform.extensions import db
from smplatform.models import AuditEntry, Batch, City, Unit, User
from tests.support.helpers import count

DEMO_NAMES = ["ministry", "prov-440000", "prov-440300", "prov-330000", "expert-1", "expert-2",
              "city-440100", "sysadmin", "secadmin", "auditadmin",
              "enterprise-demo", "platform-demo", "city-demo"]


def usernames() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(User.username)))


DEMO_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_seed_demo_creates_every_demo_account(app, client):
    app.config["DEMO_TOTP_SECRET"] = DEMO_SECRET
    result = app.test_cli_runner().invoke(args=["seed-demo", "--accounts-only"])
    assert (result.exit_code, result.output) == (0, "Demo data ready (13 accounts created).\n")
    assert usernames() == sorted(DEMO_NAMES)
    assert [s[0] for s in STAFF] + [a[0] for a in APPLICANTS] == DEMO_NAMES
    assert db.session.scalar(select(Batch.number)) is None  # the story is not loaded
    for name, landing in [("ministry", "/ministry/"), ("prov-440300", "/province/"),
                          ("city-demo", "/applicant/"), ("expert-2", "/expert/"),
                          ("city-440100", "/city/"),
                          ("sysadmin", "/admin/"), ("auditadmin", "/admin/")]:
        c = app.test_client()
        response = c.post("/account/sign-in", data={"username": name,
                                                     "password": "Demo-Password-2023"})
        if name != "city-demo":  # staff: the second step, with the demo secret's code
            assert response.headers["Location"] == "/account/sign-in/code", name
            code = pyotp.TOTP(DEMO_SECRET).now()
            db.session.execute(update(User).values(totp_last_step=None))
            db.session.commit()
            response = c.post("/account/sign-in/code", data={"code": code})
        assert response.headers["Location"] == landing, name


def test_seed_demo_without_a_demo_secret_enrols_staff_at_first_sign_in(app, client):
    app.test_cli_runner().invoke(args=["seed-demo", "--accounts-only"])
    response = client.post("/account/sign-in", data={"username": "prov-440000",
                                                      "password": "Demo-Password-2023"})
    assert response.headers["Location"] == "/account/sign-in/enrol"


def test_seed_demo_refuses_a_secret_that_is_not_base32(app):
    app.config["DEMO_TOTP_SECRET"] = "not base32!"
    result = app.test_cli_runner().invoke(args=["seed-demo", "--accounts-only"])
    assert (result.exit_code, "not a base32 secret" in result.output) == (1, True)


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--accounts-only"])
    result = runner.invoke(args=["seed-demo", "--accounts-only"])
    assert result.output == "Demo data ready (0 accounts created).\n"
    assert (count(User), count(Batch)) == (13, 0)


def test_seed_demo_uses_configured_password(app, client):
    app.config["DEMO_PASSWORD"] = "Other-Demo-Secret-5"
    app.test_cli_runner().invoke(args=["seed-demo", "--accounts-only"])
    response = client.post("/account/sign-in", data={"username": "expert-1",
                                                      "password": "Other-Demo-Secret-5"})
    assert response.status_code == 302


def test_seed_demo_demo_scopes(app):
    app.test_cli_runner().invoke(args=["seed-demo", "--accounts-only"])
    rows = dict(db.session.execute(select(User.username, User.unit_code)).all())
    assert (rows["prov-440000"], rows["prov-440300"], rows["prov-330000"]) == (
        "440000", "440300", "330000")
    city = db.session.scalar(select(User).where(User.username == "city-demo")).organisation
    assert (city.org_type, city.unit_code, city.city_code) == ("city_department", "440000",
                                                               "440600")
    roles = dict(db.session.execute(select(User.username, User.role)).all())
    assert (roles["ministry"], roles["sysadmin"], roles["secadmin"], roles["auditadmin"]) == (
        "ministry", "system_admin", "security_admin", "audit_admin")


def test_seed_demo_refused_in_production(app):
    app.config["ALLOW_DEMO_SEED"] = False
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert (result.exit_code, "refuses demo data" in result.output) == (1, True)
    assert count(User) == 0


def test_production_config_refuses_demo_seeding():
    from smplatform.config import ProductionConfig
    assert ProductionConfig.ALLOW_DEMO_SEED is False


def test_production_encrypts_uploads_unless_told_not_to(monkeypatch):
    from smplatform import config
    assert (config.ProductionConfig.ENCRYPT_UPLOADS, config.DevelopmentConfig.ENCRYPT_UPLOADS) \
        == (True, False)
    monkeypatch.setenv("SMPLATFORM_ENCRYPT_UPLOADS", "0")
    assert config._env_flag("SMPLATFORM_ENCRYPT_UPLOADS", True) is False


@pytest.mark.parametrize("role, extra, unit", [
    ("province", ["--unit", "440300"], "440300"), ("expert", [], None), ("ministry", [], None),
    ("system_admin", [], None), ("security_admin", [], None), ("audit_admin", [], None)])
def test_create_user_command(app, role, extra, unit):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "cli-user", "--name", "命令行用户", "--email",
        "cli@example.gov.cn", "--role", role, "--password", "Cli-Secret-123", *extra])
    assert (result.exit_code, result.output) == (0, f"Created {role} account cli-user.\n")
    user = db.session.scalar(select(User).where(User.username == "cli-user"))
    assert (user.role, user.unit_code, user.must_change_password) == (role, unit, True)
    assert db.session.scalar(select(AuditEntry.actor_name)) == "cli"


def test_create_user_prompts_for_password(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "prompted", "--name", "N", "--email", "p@example.gov.cn",
        "--role", "expert"], input="Typed-Secret-11\nTyped-Secret-11\n")
    assert result.exit_code == 0
    assert usernames() == ["prompted"]


# Outside a request the platform speaks its default language, Simplified Chinese.
@pytest.mark.parametrize("args, message", [
    (["--role", "province"], "省级主管部门账号必须指定省级推荐单位。"),
    (["--role", "province", "--unit", "999999"], "省级主管部门账号必须指定省级推荐单位。"),
    (["--role", "expert", "--password", "weak"], "密码长度至少为 10 位。"),
])
def test_create_user_refusals(app, args, message):
    base = ["create-user", "--username", "bad", "--name", "N", "--email", "b@example.gov.cn"]
    if "--password" not in args:
        args = [*args, "--password", "Good-Secret-123"]
    result = app.test_cli_runner().invoke(args=base + args)
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert count(User) == 0


def test_create_user_refuses_applicant_role(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "x1", "--name", "N", "--email", "x@example.com",
        "--role", "applicant", "--password", "Good-Secret-123"])
    assert result.exit_code == 2


def test_init_db_applies_migrations_and_loads_reference(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0, "Database ready: 37 units, 349 cities.")


def test_load_reference_is_idempotent(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["load-reference"])
    result = runner.invoke(args=["load-reference"])
    assert result.output == "Loaded 37 units and 349 cities.\n"
    assert (count(Unit), count(City)) == (37, 349)


# Configuration -----------------------------------------------------------------------------

def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("SMPLATFORM_CONFIG", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"CONFIG": "production", "SECRET_KEY": "dev-only-not-secret"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"CONFIG": "production", "SECRET_KEY": ""})


def test_production_with_a_secret_key_is_hardened(database_url, tmp_path):
    key_file = tmp_path / "keys.json"
    key_file.write_text(json.dumps(new_key_file_content()))
    app = create_app({"CONFIG": "production", "SECRET_KEY": "a-real-secret-" + "x" * 32,
                      "SQLALCHEMY_DATABASE_URI": database_url, "KEY_FILE": str(key_file)})
    assert (app.config["SESSION_COOKIE_SECURE"], app.config["SESSION_COOKIE_HTTPONLY"],
            app.config["SESSION_COOKIE_SAMESITE"], app.config["ALLOW_DEMO_SEED"],
            app.debug) == (True, True, "Lax", False, False)
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert (result.exit_code, "refuses demo data" in result.output) == (1, True)


def test_default_limits(app):
    from datetime import timedelta
    from smplatform.config import Config
    assert (Config.SESSION_IDLE_TIMEOUT, Config.SESSION_ABSOLUTE_TIMEOUT,
            Config.LOCKOUT_THRESHOLD, Config.LOCKOUT_DURATION, Config.PASSWORD_MIN_LENGTH,
            Config.PASSWORD_MIN_CLASSES, app.config["RATELIMIT_STORAGE_URI"]) == (
        timedelta(minutes=30), timedelta(hours=12), 5, timedelta(minutes=15), 10, 3,
        "memory://")


def test_rate_limits_counted_in_redis_when_redis_url_is_set():
    from smplatform.config import ratelimit_storage_uri
    assert ratelimit_storage_uri({"REDIS_URL": "redis://cache:6379/0"}) == "redis://cache:6379/0"
    assert ratelimit_storage_uri({"REDIS_URL": "redis://cache:6379/0",
                                  "RATELIMIT_STORAGE_URI": "redis://other:6379/1"}) == \
        "redis://other:6379/1"
    assert ratelimit_storage_uri({"REDIS_URL": None}) == "memory://"


def test_units_count_and_planned_cities(app):
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 37
    planned = db.session.execute(select(Unit.code, Unit.name_zh, Unit.name_en)
                                 .where(Unit.kind == "planned_city").order_by(Unit.code)).all()
    assert [tuple(p) for p in planned] == [
        ("210200", "大连市", "Dalian"), ("330200", "宁波市", "Ningbo"),
        ("350200", "厦门市", "Xiamen"), ("370200", "青岛市", "Qingdao"),
        ("440300", "深圳市", "Shenzhen")]


def test_trusted_proxy_address_is_used_for_audit_and_rate_limit(database_url):
    from smplatform.models import AuditEntry
    app = create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                      "TRUSTED_PROXIES": 1, "RATELIMIT_SIGN_IN": "1 per minute"})
    with app.app_context():
        c = app.test_client()
        token = c.get("/").get_data(as_text=True).split('name="csrf_token" value="')[1]
        token = token.split('"')[0]
        statuses = [c.post("/account/sign-in", headers={"X-Forwarded-For": ip},
                           data={"username": "x-nobody", "password": "x", "csrf_token": token}
                           ).status_code for ip in ("203.0.113.7", "203.0.113.7", "203.0.113.8")]
        ips = db.session.scalars(select(AuditEntry.ip).where(
            AuditEntry.actor_name == "x-nobody")).all()
        db.session.execute(AuditEntry.__table__.delete())
        db.session.commit()
    assert statuses == [200, 429, 200]
    assert ips == ["203.0.113.7", "203.0.113.8"]
