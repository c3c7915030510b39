"""Configuration classes. Select one with SMPLATFORM_CONFIG (development, testing, production)."""
from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return value in {"1", "true", "yes", "on"} if value else default


class Config:
    # Unset: a random key generated into instance/secret_key on the first run (keys.py);
    # production refuses to start without one.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    # SQLite in instance/ unless DATABASE_URL says otherwise (filled in by create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # How long a request waits for a database lock before giving up with the "platform is
    # busy, nothing was saved" page (503). SQLite: PRAGMA busy_timeout. PostgreSQL:
    # lock_timeout and statement_timeout, sent as connection options (0 = no limit).
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SMPLATFORM_SQLITE_BUSY_TIMEOUT_MS", 15000)
    # SQLite: WAL checkpoints run every this many seconds in a thread of each process, not in
    # the commit of a request (sqlite_writer.py); 0 = in commits, SQLite's default.
    SQLITE_CHECKPOINT_INTERVAL_S = float(os.environ.get(
        "SMPLATFORM_SQLITE_CHECKPOINT_INTERVAL_S", "1"))
    PG_LOCK_TIMEOUT_MS = _env_int("SMPLATFORM_PG_LOCK_TIMEOUT_MS", 0)
    # "pgbouncer": PostgreSQL is reached through PgBouncer in transaction pooling, where a
    # server connection serves another client after each transaction. The app then keeps no
    # session state on it: no server-side prepared statements (psycopg's prepare_threshold
    # off) and no startup options (the two timeouts above go into PgBouncer's connect_query,
    # deploy/pgbouncer.ini). The app takes no advisory locks and sends no SET; its row locks
    # (SELECT … FOR UPDATE) end with their transaction.
    DB_POOLER = os.environ.get("SMPLATFORM_DB_POOLER", "")
    # State that every app node must share (smplatform/shared.py): rate limits, the
    # dashboard's kept counts. Unset: each process keeps its own (one machine).
    REDIS_URL = os.environ.get("REDIS_URL")
    # Operations (smplatform/observability.py): "json" logs one JSON object per line with the
    # request id; the node's name in them; who may read GET /metrics (Prometheus): these
    # networks (comma-separated), or a request with "Authorization: Bearer <token>".
    LOG_FORMAT = os.environ.get("SMPLATFORM_LOG_FORMAT", "text")
    NODE_NAME = os.environ.get("SMPLATFORM_NODE") or socket.gethostname()
    METRICS_NETWORKS = os.environ.get("SMPLATFORM_METRICS_NETWORKS", "127.0.0.1/32,::1/128")
    METRICS_TOKEN = os.environ.get("SMPLATFORM_METRICS_TOKEN")
    PG_STATEMENT_TIMEOUT_MS = _env_int("SMPLATFORM_PG_STATEMENT_TIMEOUT_MS", 0)
    # Partial and orphan upload files older than this are removed by `flask clean-uploads`
    # (run it from cron; younger ones may belong to a request still in progress).
    UPLOAD_CLEANUP_MINUTES = _env_int("SMPLATFORM_UPLOAD_CLEANUP_MINUTES", 60)
    # Fault injection for the reliability tests only: {point: seconds to pause}. Honoured only
    # when FAULT_INJECTION is true, which no configuration class or environment variable sets.
    FAULT_INJECTION = False
    FAULT_PAUSES: dict = {}
    UPLOAD_DIR = os.environ.get("SMPLATFORM_UPLOAD_DIR")  # default: instance/uploads
    # Where uploaded files live (smplatform/filestore.py): "local" (UPLOAD_DIR) or "s3" (any
    # S3-compatible store; UPLOAD_DIR then only stages uploads while they are checked).
    STORAGE_BACKEND = os.environ.get("SMPLATFORM_STORAGE", "local")
    S3_ENDPOINT_URL = os.environ.get("SMPLATFORM_S3_ENDPOINT_URL")  # None: AWS's own
    S3_PUBLIC_ENDPOINT_URL = os.environ.get("SMPLATFORM_S3_PUBLIC_ENDPOINT_URL")  # presigned
    S3_BUCKET = os.environ.get("SMPLATFORM_S3_BUCKET", "")
    S3_REGION = os.environ.get("SMPLATFORM_S3_REGION", "us-east-1")
    S3_PREFIX = os.environ.get("SMPLATFORM_S3_PREFIX", "uploads/")
    # None: boto3's own chain (AWS_ACCESS_KEY_ID…, ~/.aws, an instance role).
    S3_ACCESS_KEY_ID = os.environ.get("SMPLATFORM_S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = os.environ.get("SMPLATFORM_S3_SECRET_ACCESS_KEY")
    S3_ADDRESSING_STYLE = os.environ.get("SMPLATFORM_S3_ADDRESSING_STYLE", "auto")
    # Uploaded files encrypted at rest with SM4-GCM under the key ring's data key (crypto.py,
    # filestore.EncryptedStore): on by default in production, off in `make run` and the tests
    # (SMPLATFORM_ENCRYPT_UPLOADS=1/0 either way). Off, files are stored as uploaded; files
    # stored encrypted are read either way. `flask encrypt-uploads` encrypts the files stored
    # before. Encrypted files are always streamed through the app (a presigned URL would hand
    # out the ciphertext).
    ENCRYPT_UPLOADS = _env_flag("SMPLATFORM_ENCRYPT_UPLOADS", False)
    # Downloads of stored files: "stream" (through the app, after the permission check) or
    # "presigned" (after the same check, a redirect to a URL of the store valid this long).
    DOWNLOADS = os.environ.get("SMPLATFORM_DOWNLOADS", "stream")
    PRESIGNED_URL_SECONDS = _env_int("SMPLATFORM_PRESIGNED_URL_SECONDS", 60)
    # The ministry dashboard's counts are recounted at most this often (0: on every view).
    NATIONAL_BOARD_MAX_AGE_SECONDS = _env_int("SMPLATFORM_BOARD_MAX_AGE_SECONDS", 30)
    MAX_UPLOAD_BYTES = _env_int("SMPLATFORM_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    MAX_DECLARATION_UPLOAD_BYTES = _env_int("SMPLATFORM_MAX_DECLARATION_BYTES", 200 * 1024 * 1024)
    # Request bodies above this are refused with 413 before they reach a view.
    MAX_CONTENT_LENGTH = _env_int("SMPLATFORM_MAX_REQUEST_BYTES", 25 * 1024 * 1024)

    # Commercial cryptography (crypto.py): the key ring (SM4 data keys, HMAC-SM3 audit and
    # index keys) lives outside the database: KEYS (a dict, tests) or the JSON file KEY_FILE
    # (default instance/keys.json, generated on the first run; production requires it).
    KEYS: dict | None = None
    KEY_FILE = os.environ.get("SMPLATFORM_KEY_FILE")
    CREATE_KEY_FILE = True
    # Audit entries are kept at least this many days (Cybersecurity Law art. 21: six months);
    # `flask audit-archive --prune` never removes younger ones, nor accepts less than 180.
    AUDIT_RETENTION_DAYS = max(180, _env_int("SMPLATFORM_AUDIT_RETENTION_DAYS", 180))

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")

    # Sessions (ASVS V3): server-side session records, idle and absolute limits.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=_env_int("SMPLATFORM_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=_env_int("SMPLATFORM_ABSOLUTE_HOURS", 12))
    SESSION_COOKIE_NAME = "smp_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # Sign-in protection.
    LOCKOUT_THRESHOLD = _env_int("SMPLATFORM_LOCKOUT_THRESHOLD", 5)
    LOCKOUT_DURATION = timedelta(minutes=_env_int("SMPLATFORM_LOCKOUT_MINUTES", 15))
    # Two-factor sign-in (TOTP) is required for these roles (comma-separated); the others
    # (applicants) may enrol if they wish. The security administrator may change it in the
    # platform (services/security_policy.py); the administrators always keep it.
    TWO_FACTOR_ROLES = tuple(filter(None, os.environ.get(
        "SMPLATFORM_TWO_FACTOR_ROLES", "province,ministry,expert,city,system_admin,"
        "security_admin,audit_admin").split(",")))
    # Privileged roles (all but applicants) keep at most this many sessions at once: a new
    # sign-in ends the oldest (0: no limit).
    SESSION_LIMIT_PRIVILEGED = _env_int("SMPLATFORM_SESSION_LIMIT", 3)
    # Sensitive actions need the password (and code) proven within this many minutes.
    REAUTH_MINUTES = _env_int("SMPLATFORM_REAUTH_MINUTES", 15)
    # Password expiry in days per role (0: never); privileged roles 90 by default.
    PASSWORD_MAX_AGE_DAYS = {
        "applicant": _env_int("SMPLATFORM_PASSWORD_MAX_AGE_APPLICANT", 0),
        **{role: _env_int("SMPLATFORM_PASSWORD_MAX_AGE_PRIVILEGED", 90) for role in (
            "province", "ministry", "expert", "city", "system_admin", "security_admin",
            "audit_admin")},
    }
    # A password-reset link works once, for this many minutes.
    PASSWORD_RESET_MINUTES = _env_int("SMPLATFORM_PASSWORD_RESET_MINUTES", 30)
    # Demo only: seed-demo enrolls the demo officers, experts and administrators in two-factor
    # sign-in with this base32 secret, so that the demo and automated checks compute codes.
    DEMO_TOTP_SECRET = os.environ.get("SMPLATFORM_DEMO_TOTP_SECRET") or None
    PASSWORD_MIN_LENGTH = _env_int("SMPLATFORM_PASSWORD_MIN_LENGTH", 10)
    PASSWORD_MIN_CLASSES = _env_int("SMPLATFORM_PASSWORD_MIN_CLASSES", 3)
    # Flask-Limiter's storage; unset: REDIS_URL when set (every node counts the same
    # attempts), else memory:// (per process: fine for one machine with one worker).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI")
    # Redis down: count in each process's memory meanwhile rather than refuse every sign-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SIGN_IN = os.environ.get("SMPLATFORM_SIGN_IN_LIMIT", "20 per minute")
    RATELIMIT_REGISTER = os.environ.get("SMPLATFORM_REGISTER_LIMIT", "20 per hour")
    RATELIMIT_HEADERS_ENABLED = True
    # Objections to a public notice, per IP address (public/selection.py).
    RATELIMIT_OBJECTION = os.environ.get("SMPLATFORM_OBJECTION_LIMIT", "10 per hour")
    # The ministry's contact for objections, shown with every public notice. The address is
    # MIIT's; the phone and e-mail are set by the deployment (empty: the page says so).
    OBJECTION_ADDRESS = os.environ.get(
        "SMPLATFORM_OBJECTION_ADDRESS", "北京市西城区西长安街13号，邮编100804")
    OBJECTION_PHONE = os.environ.get("SMPLATFORM_OBJECTION_PHONE", "")
    OBJECTION_EMAIL = os.environ.get("SMPLATFORM_OBJECTION_EMAIL", "")

    # Behind N reverse proxies, trust N X-Forwarded-For/-Proto hops for the client's address
    # (rate limits and the audit log use it). 0: use the connection's address.
    TRUSTED_PROXIES = _env_int("SMPLATFORM_TRUSTED_PROXIES", 0)

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, which has its own limits
    HSTS = False
    ALLOW_DEMO_SEED = True
    DEMO_PASSWORD = os.environ.get("SMPLATFORM_DEMO_PASSWORD", "Demo-Password-2023")

    # The platform's signature on the PDFs it issues (documents/signing.py): key, certificate
    # and the key's passphrase the deployment provides (default: instance/signing/key.pem and
    # cert.pem, which `flask create-signing-certificate` makes for a demo); the certificates
    # signatures must chain to (colon-separated; default: the signing certificate).
    SIGNING_KEY_PATH = os.environ.get("SMPLATFORM_SIGNING_KEY")
    SIGNING_CERT_PATH = os.environ.get("SMPLATFORM_SIGNING_CERT")
    SIGNING_PASSPHRASE = os.environ.get("SMPLATFORM_SIGNING_PASSPHRASE")
    SIGNING_TRUST_PATHS = os.environ.get("SMPLATFORM_SIGNING_TRUST", "")
    SIGNING_LOCATION = os.environ.get("SMPLATFORM_SIGNING_LOCATION", "Beijing")

    # The public notice (公示) of a shortlist lasts at least this many working days; public
    # holidays and make-up working days (调休) are ISO dates from the State Council's yearly
    # schedule, which the deployment lists (rules/working_days.py). Without them only
    # weekends are non-working days.
    NOTICE_MIN_WORKING_DAYS = _env_int("SMPLATFORM_NOTICE_MIN_WORKING_DAYS", 5)
    PUBLIC_HOLIDAYS = os.environ.get("SMPLATFORM_PUBLIC_HOLIDAYS", "")
    MAKEUP_WORKING_DAYS = os.environ.get("SMPLATFORM_MAKEUP_WORKING_DAYS", "")

    MAIL_SERVER = os.environ.get("SMPLATFORM_SMTP_HOST", "127.0.0.1")
    MAIL_PORT = _env_int("SMPLATFORM_SMTP_PORT", 25)
    MAIL_FROM = os.environ.get("SMPLATFORM_MAIL_FROM", "noreply@smplatform.localhost")
    # `flask send-mail` tries an e-mail at most MAIL_MAX_ATTEMPTS times. After the n-th failure
    # it waits MAIL_RETRY_BASE × 2^(n-1), at most MAIL_RETRY_CAP (1, 2, 4 … minutes, then
    # hourly: 10 attempts span about 4 hours), so a server that is down is not asked again on
    # every run.
    MAIL_MAX_ATTEMPTS = _env_int("SMPLATFORM_MAIL_MAX_ATTEMPTS", 10)
    MAIL_RETRY_BASE = timedelta(seconds=_env_int("SMPLATFORM_MAIL_RETRY_BASE_SECONDS", 60))
    MAIL_RETRY_CAP = timedelta(seconds=_env_int("SMPLATFORM_MAIL_RETRY_CAP_SECONDS", 3600))

    # The footer a Chinese government website carries (政府网站发展指引, 2017): sponsor
    # (主办单位), operator (承办单位), government-website identifier (网站标识码), ICP filing
    # number, public-security filing number and its link; and where to ask about the
    # platform. Deployment settings: where one is not set the footer says so (smplatform/site.py).
    SITE_SPONSOR = os.environ.get("SMPLATFORM_SITE_SPONSOR")
    SITE_OPERATOR = os.environ.get("SMPLATFORM_SITE_OPERATOR")
    SITE_IDENTIFIER = os.environ.get("SMPLATFORM_SITE_IDENTIFIER")
    SITE_ICP_FILING = os.environ.get("SMPLATFORM_SITE_ICP_FILING")
    SITE_PSB_FILING = os.environ.get("SMPLATFORM_SITE_PSB_FILING")
    SITE_PSB_FILING_URL = os.environ.get("SMPLATFORM_SITE_PSB_FILING_URL")
    SITE_CONTACT_PHONE = os.environ.get("SMPLATFORM_SITE_CONTACT_PHONE")
    SITE_CONTACT_EMAIL = os.environ.get("SMPLATFORM_SITE_CONTACT_EMAIL")
    SITE_CONTACT_HOURS = os.environ.get("SMPLATFORM_SITE_CONTACT_HOURS")
    # The public figures are recounted at most this often (seconds; 0 = on every view).
    PUBLIC_FIGURES_MAX_AGE_SECONDS = _env_int("SMPLATFORM_PUBLIC_FIGURES_MAX_AGE_SECONDS", 300)


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SQLITE_CHECKPOINT_INTERVAL_S = 0.0  # tests/test_sqlite_writer.py turns it on
    NATIONAL_BOARD_MAX_AGE_SECONDS = 0
    PUBLIC_FIGURES_MAX_AGE_SECONDS = 0
    SECRET_KEY = "testing-secret"  # noqa: S105  (tests only)
    # Fixed test keys (every test process, live servers included, reads the same data).
    KEYS = {
        "data": {"current": "t1", "keys": {"t1": "00112233445566778899aabbccddeeff"}},
        "audit": {"current": "t1", "keys": {"t1": "a5" * 32}},
        "index": {"current": "t1", "keys": {"t1": "1d" * 32}},
    }
    RATELIMIT_SIGN_IN = "1000 per minute"
    RATELIMIT_REGISTER = "1000 per minute"
    RATELIMIT_OBJECTION = "1000 per minute"
    # Cheaper argon2id so that hundreds of test accounts stay fast; same algorithm and code.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    # Every view must pass through the permission step, web.load or web.allow (web.init_app).
    CHECK_PERMISSION_STEP = True


class ProductionConfig(Config):
    CREATE_KEY_FILE = False  # several app servers must share one key file: made by hand
    ENCRYPT_UPLOADS = _env_flag("SMPLATFORM_ENCRYPT_UPLOADS", True)
    SESSION_COOKIE_SECURE = True
    HSTS = True
    ALLOW_DEMO_SEED = False
    PREFERRED_URL_SCHEME = "https"
    # One pool per gunicorn worker process (created after fork; see gunicorn.conf.py).
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": _env_int("SMPLATFORM_DB_POOL_SIZE", 5),
        "max_overflow": _env_int("SMPLATFORM_DB_MAX_OVERFLOW", 5),
        "pool_recycle": 1800,
    }
    # A request never waits forever behind a lock or a runaway query (PostgreSQL).
    PG_LOCK_TIMEOUT_MS = _env_int("SMPLATFORM_PG_LOCK_TIMEOUT_MS", 10000)
    PG_STATEMENT_TIMEOUT_MS = _env_int("SMPLATFORM_PG_STATEMENT_TIMEOUT_MS", 30000)
    # Behind nginx by default (one proxy), so rate limits and the audit see the client's IP.
    TRUSTED_PROXIES = _env_int("SMPLATFORM_TRUSTED_PROXIES", 1)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def instance_sqlite_uri(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "smplatform.sqlite3")


def ratelimit_storage_uri(config) -> str:
    """Flask-Limiter's storage: RATELIMIT_STORAGE_URI, else REDIS_URL (shared by every
    node), else each process's memory (one machine)."""
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"
