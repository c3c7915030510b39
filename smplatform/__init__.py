"""smplatform: the service-oriented manufacturing public service platform."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from babel import Locale
from flask import Flask, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import make_url

from smplatform import permissions
from smplatform.config import CONFIGS, ratelimit_storage_uri, instance_sqlite_uri
from smplatform.extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def select_locale() -> str:
    """The user's explicit choice, else Accept-Language, else Simplified Chinese."""
    from flask import current_app
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best in ("zh_CN", "zh"):
        return "zh_CN"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=16)
def _parsed_locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def _locale_selector() -> Locale:
    """select_locale() as a parsed Locale, parsed once per identifier (Babel's parsing checks
    the locale data files on every call: a cost on every request)."""
    return _parsed_locale(select_locale())


def create_app(config: dict | str | None = None) -> Flask:
    """Build the application.

    `config` is a configuration name (development, testing, production), or a dict of
    settings applied over the configuration named by its "CONFIG" key (default: the
    SMPLATFORM_CONFIG environment variable, else development).
    """
    overrides = dict(config) if isinstance(config, dict) else {}
    app = Flask(__name__, instance_relative_config=True,
                instance_path=overrides.pop("INSTANCE_PATH", None))
    name = config if isinstance(config, str) else overrides.pop(
        "CONFIG", os.environ.get("SMPLATFORM_CONFIG", "development"))
    app.config.from_object(CONFIGS[name])
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = instance_sqlite_uri(app.instance_path)
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    _secret_key(app, name)
    signing_dir = Path(app.instance_path) / "signing"
    app.config["SIGNING_KEY_PATH"] = app.config.get("SIGNING_KEY_PATH") or str(
        signing_dir / "key.pem")
    app.config["SIGNING_CERT_PATH"] = app.config.get("SIGNING_CERT_PATH") or str(
        signing_dir / "cert.pem")
    app.config["RATELIMIT_STORAGE_URI"] = ratelimit_storage_uri(app.config)
    from smplatform.rules.working_days import parse_days
    for key in ("PUBLIC_HOLIDAYS", "MAKEUP_WORKING_DAYS"):
        try:
            parse_days(app.config.get(key))
        except ValueError as error:
            raise RuntimeError(f"Refusing to start: SMPLATFORM_{key} must list ISO dates "
                               f"(YYYY-MM-DD): {error}") from None
    from smplatform import crypto
    crypto.init_app(app)

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    _init_extensions(app)
    _register_blueprints(app)

    from smplatform import (
        cli,
        errors,
        fragments,
        help_topics,
        observability,
        security,
        site,
        templating,
        web,
    )
    web.init_app(app)  # after the blueprints: it checks their views (in testing)
    observability.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    fragments.init_app(app)
    help_topics.init_app(app)
    site.init_app(app)
    cli.init_app(app)
    return app


def _secret_key(app: Flask, name: str) -> None:
    """SECRET_KEY as configured; unset, the instance's own random key (instance/secret_key);
    production refuses to start without one, and no configuration but testing accepts a key
    once published in the source."""
    from smplatform import keys
    key = app.config.get("SECRET_KEY")
    if key in keys.PUBLISHED_SECRET_KEYS and not app.config.get("TESTING"):
        raise RuntimeError("Refusing to start: SECRET_KEY is a key published in the source. "
                           "Unset it (a random one is generated) or set your own.")
    if key:
        return
    if name == "production":
        raise RuntimeError("Refusing to start: set SECRET_KEY for the production configuration.")
    app.config["SECRET_KEY"] = keys.instance_secret(app.instance_path)


def _sqlite_pragmas(busy_timeout_ms: int, database: str | None, checkpoint_s: float):
    def connect(dbapi_connection, _record) -> None:
        """SQLite: enforce foreign keys, let readers and one writer work at once, wait for
        locks up to SQLITE_BUSY_TIMEOUT_MS; a file's checkpoints run in a thread of their
        own (SQLITE_CHECKPOINT_INTERVAL_S, sqlite_writer.py)."""
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if database:
            from smplatform.sqlite_writer import checkpoint_pragmas
            checkpoint_pragmas(cursor, database, checkpoint_s)
        cursor.close()
    return connect


def _postgres_timeouts(app: Flask) -> None:
    """PostgreSQL: lock_timeout and statement_timeout as connection options (libpq -c).
    Through PgBouncer (DB_POOLER): no session state at all, so no startup options (PgBouncer
    sets the timeouts with its connect_query) and no server-side prepared statements."""
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        return
    if app.config.get("DB_POOLER") == "pgbouncer":
        engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(engine_options.get("connect_args") or {})
        connect_args["prepare_threshold"] = None
        engine_options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
        return
    if app.config.get("DB_POOLER"):
        raise RuntimeError(f"DB_POOLER must be empty or pgbouncer, not {app.config['DB_POOLER']!r}")
    options = [f"-c {name}={int(app.config[key])}"
               for name, key in (("lock_timeout", "PG_LOCK_TIMEOUT_MS"),
                                 ("statement_timeout", "PG_STATEMENT_TIMEOUT_MS"))
               if app.config.get(key)]
    if not options:
        return
    engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(engine_options.get("connect_args") or {})
    connect_args["options"] = " ".join(filter(None, [connect_args.get("options"), *options]))
    engine_options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _engine_options(app: Flask) -> None:
    """JSON columns stored as UTF-8 text, not \\u escapes: a Chinese form is half the size.
    SQLite: no liveness ping (there is no server to lose), and writers queue for one another
    (sqlite_writer.py)."""
    engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    engine_options.setdefault("json_serializer", _json_dumps)
    url = make_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    if url.get_backend_name() == "sqlite":
        engine_options.pop("pool_pre_ping", None)
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            from smplatform.sqlite_writer import connection_factory
            connect_args = dict(engine_options.get("connect_args") or {})
            connect_args.setdefault("factory", connection_factory(
                url.database, app.config["SQLITE_BUSY_TIMEOUT_MS"]))
            engine_options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options


def _init_extensions(app: Flask) -> None:
    _engine_options(app)
    _postgres_timeouts(app)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            database = db.engine.url.database
            file_db = bool(database) and database != ":memory:" and not database.startswith(
                "file:")
            event.listen(db.engine, "connect", _sqlite_pragmas(
                app.config["SQLITE_BUSY_TIMEOUT_MS"], database if file_db else None,
                app.config["SQLITE_CHECKPOINT_INTERVAL_S"]))
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_locale_selector,
                   default_translation_directories="translations",
                   default_domain="messages")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = None  # server-side sessions do this job

    from flask_babel import lazy_gettext as _l
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(token: str):
        from smplatform.services.accounts import load_session
        return load_session(token)

    import smplatform.models  # noqa: F401  (register every model with the metadata)


def _register_blueprints(app: Flask) -> None:
    from smplatform.admin import bp as admin_bp
    from smplatform.applicant import bp as applicant_bp
    from smplatform.auth import bp as auth_bp
    from smplatform.city import bp as city_bp
    from smplatform.expert import bp as expert_bp
    from smplatform.ministry import bp as ministry_bp
    from smplatform.province import bp as province_bp
    from smplatform.public import bp as public_bp
    from smplatform.publishing import bp as publishing_bp
    for bp in (public_bp, auth_bp, applicant_bp, province_bp, ministry_bp, expert_bp, city_bp,
               admin_bp, publishing_bp):
        app.register_blueprint(bp)
    app.jinja_env.globals.update(permissions.TEMPLATE_FUNCTIONS)
