"""Command-line interface: `flask --app wsgi <command>`."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.services import DomainError


def init_app(app: Flask) -> None:
    app.cli.add_command(import_registry_command)
    app.cli.add_command(create_signing_certificate_command)
    app.cli.add_command(send_reminders_command)
    from smplatform.cli_security import COMMANDS as SECURITY_COMMANDS
    for command in SECURITY_COMMANDS:
        app.cli.add_command(command)

    @app.cli.command("init-db")
    def init_db():
        """Apply all migrations and load the reference data (units and cities)."""
        from smplatform.services.reference import load_reference_data
        upgrade()
        units, cities = load_reference_data()
        db.session.commit()
        click.echo(f"Database ready: {units} units, {cities} cities.")

    @app.cli.command("load-reference")
    def load_reference():
        """Load or refresh the units and cities from smplatform/data/units.json."""
        from smplatform.services.reference import load_reference_data
        units, cities = load_reference_data()
        db.session.commit()
        click.echo(f"Loaded {units} units and {cities} cities.")

    @app.cli.command("seed-demo")
    @click.option("--accounts-only", is_flag=True,
                  help="Only the demo accounts and the registry, without the demo story.")
    def seed_demo(accounts_only):
        """Create the demo accounts and the demo story (idempotent; refused in production)."""
        from smplatform.demo import seed
        if not current_app.config["ALLOW_DEMO_SEED"]:
            raise click.ClickException("The production configuration refuses demo data.")
        try:
            created = seed(current_app.config["DEMO_PASSWORD"],
                           current_app.config.get("DEMO_TOTP_SECRET"),
                           story=not accounts_only)
        except ValueError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Demo data ready ({len(created)} accounts created).")

    @app.cli.command("verify-audit")
    def verify_audit():
        """Recompute the audit log's hash chain; exit 1 if anything was altered or removed."""
        from smplatform.services.audit import verify_chain
        report = verify_chain()
        for problem in report.problems:
            click.echo(f"PROBLEM: {problem}", err=True)
        click.echo(f"Checked {report.checked} sealed entries; {report.unsealed} unsealed; "
                   f"{'chain intact' if report.ok else 'CHAIN BROKEN'}.")
        if not report.ok:
            raise SystemExit(1)

    @app.cli.command("backup")
    @click.option("--to", "target", required=True, type=click.Path(file_okay=False),
                  help="Directory that receives a new timestamped backup.")
    def backup_command(target):
        """Back up the database (SQLite online backup or pg_dump) and the uploads."""
        from pathlib import Path

        from smplatform.services.maintenance import backup
        click.echo(f"Backup written to {backup(Path(target))}")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, file_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_command(source, yes):
        """Replace the database and the uploads with a backup. Stop the app servers first."""
        from pathlib import Path

        from smplatform.services.maintenance import restore
        if not yes:
            click.confirm("This replaces the current database and uploads. Continue?",
                          abort=True)
        restore(Path(source))
        click.echo("Restored.")

    @app.cli.command("check-consistency")
    @click.option("--fix", is_flag=True, help="Delete orphan and interrupted upload files.")
    def check_consistency_command(fix):
        """Check that every stored file is whole and that no file is an orphan."""
        from smplatform.services.maintenance import check_consistency
        report = check_consistency(fix=fix)
        for label, items in (("missing", report.missing), ("corrupt", report.corrupt),
                             ("orphan", report.orphans), ("partial", report.partial)):
            for item in items:
                click.echo(f"{label}: {item}")
        click.echo(f"Checked {report.files_checked} stored files: "
                   f"{'consistent' if report.ok else 'PROBLEMS FOUND'}"
                   f"{' (orphans and partial files removed)' if fix and not report.ok else ''}.")
        if not report.ok and not fix:
            raise SystemExit(1)

    @app.cli.command("clean-uploads")
    @click.option("--minutes", type=int, default=None,
                  help="Only files older than this (default: UPLOAD_CLEANUP_MINUTES, 60).")
    def clean_uploads_command(minutes):
        """Remove interrupted uploads and orphan files left by a killed worker (for cron)."""
        from smplatform.services.maintenance import clean_uploads
        if minutes is None:
            minutes = app.config["UPLOAD_CLEANUP_MINUTES"]
        report = clean_uploads(older_than_minutes=minutes)
        for label, items in (("partial", report.partial), ("orphan", report.orphans)):
            for item in items:
                click.echo(f"removed {label}: {item}")
        click.echo(f"Removed {len(report.partial)} interrupted uploads and "
                   f"{len(report.orphans)} orphan files older than {minutes} minutes; "
                   f"kept {report.kept_recent} younger ones.")

    @app.cli.command("migrate-uploads")
    @click.option("--from", "source", type=click.Choice(["local", "s3"]), required=True,
                  help="The store the files are in now.")
    @click.option("--to", "target", type=click.Choice(["local", "s3"]), required=True,
                  help="The store they go to (its settings must be filled in).")
    def migrate_uploads_command(source, target):
        """Copy every stored file from one store to the other, checking each file's SHA-256
        (resumable; run it again after switching SMPLATFORM_STORAGE)."""
        from smplatform import filestore
        from smplatform.services.maintenance import copy_files
        if source == target:
            raise click.ClickException("--from and --to name the same store.")
        stores = {name: filestore.build(app.config, name) for name in (source, target)}
        report = copy_files(source=stores[source], target=stores[target])
        for label, items in (("missing", report.missing), ("corrupt", report.corrupt)):
            for item in items:
                click.echo(f"{label}: {item}")
        click.echo(f"Copied {report.copied} files from {stores[source].describe()} to "
                   f"{stores[target].describe()}; {report.present} were there already; "
                   f"{len(report.missing)} missing and {len(report.corrupt)} corrupt in the "
                   f"source.")
        if report.missing or report.corrupt:
            raise SystemExit(1)

    @app.cli.command("create-user")
    @click.option("--username", required=True)
    @click.option("--name", "display_name", required=True, help="Full name.")
    @click.option("--email", required=True)
    @click.option("--role", type=click.Choice(
        [r.value for r in Role if r != Role.APPLICANT]), required=True)
    @click.option("--unit", "unit_code", help="GB/T 2260 code of a provincial officer's unit.")
    @click.option("--city", "city_code", help="GB/T 2260 code of a city officer's city.")
    @click.password_option()
    def create_user(username, display_name, email, role, unit_code, city_code, password):
        """Create a provincial officer, ministry staff member, expert, city officer, or one of
        the system, security and audit administrators. The holder must change the password at
        the first sign-in."""
        from smplatform.services.accounts import create_staff_user
        try:
            create_staff_user(actor=None, username=username, display_name=display_name,
                              email=email, role=Role(role), password=password,
                              unit_code=unit_code, city_code=city_code)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message)) from error
        db.session.commit()
        click.echo(f"Created {role} account {username}.")

    @app.cli.command("reset-administrator")
    @click.option("--username", required=True)
    @click.password_option(help="A password the holder must change at the next sign-in.")
    def reset_administrator(username, password):
        """For a system, security or audit administrator who lost the password or the second
        factor (the administrators cannot do it for one another): set a password to change at
        the next sign-in, clear the second factor, lift a lockout, end the sessions."""
        from smplatform.services.accounts import reset_administrator as reset
        try:
            reset(username=username, password=password)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message)) from error
        db.session.commit()
        click.echo(f"Reset the administrator account {username}: it signs in with the new "
                   "password, changes it and sets up two-factor sign-in again.")

    @app.cli.command("send-mail")
    @click.option("--limit", default=100, show_default=True, help="At most this many e-mails.")
    @click.option("--batch", default=20, show_default=True,
                  help="E-mails claimed and committed at a time.")
    def send_mail(limit, batch):
        """Deliver the waiting e-mails of the outbox over SMTP (MAIL_SERVER, MAIL_PORT).
        Safe to run on every node at once (each batch is claimed: never sent twice)."""
        from smplatform.services.notifications import deliver_outbox, outbox_status
        sent = failed = 0
        while sent + failed < limit:
            wanted = min(batch, limit - sent - failed)
            batch_sent, batch_failed = deliver_outbox(limit=wanted)
            db.session.commit()
            sent, failed = sent + batch_sent, failed + batch_failed
            if batch_failed or batch_sent < wanted:
                break  # nothing more is due, or the server refuses: the next run retries
        click.echo(f"Sent {sent} e-mails, {failed} failed.")
        status = outbox_status()
        if status.waiting:
            click.echo(f"{status.waiting} waiting for a retry; the next is due at "
                       f"{_cst(status.next_attempt_at)}.")
        if status.failed:
            click.echo(f"{status.failed} failed for good (all attempts used): "
                       f"see `flask outbox`.")
        if failed:
            raise SystemExit(1)

    @app.cli.command("outbox")
    @click.option("--limit", default=100, show_default=True, help="At most this many e-mails.")
    def outbox(limit):
        """List the unsent e-mails: attempts, when the next attempt is due, the last error."""
        from smplatform import clock
        from smplatform.services.notifications import unsent_emails
        max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
        now = clock.now()
        mails = unsent_emails(limit=limit)
        for mail in mails:
            if mail.attempts >= max_attempts:
                state = "FAILED (all attempts used)"
            elif mail.next_attempt_at is None or mail.next_attempt_at <= now:
                state = "due now"
            else:
                state = f"next attempt {_cst(mail.next_attempt_at)}"
            line = f"#{mail.id} {mail.to} attempts {mail.attempts}/{max_attempts} {state}"
            if mail.last_error:
                line += f" last error: {mail.last_error.splitlines()[0][:200]}"
            click.echo(line)
        click.echo(f"{len(mails)} unsent e-mails.")


def _cst(moment) -> str:
    """A time for the command line, in China Standard Time as the pages show it."""
    from smplatform.clock import china
    return china(moment).strftime("%Y-%m-%d %H:%M:%S CST")


@click.command("import-registry")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_registry_command(path):
    """Import the demonstration registry of batches 1–4 from a CSV or XLSX file."""
    from smplatform.services.registry import import_file
    with open(path, "rb") as fh:
        content = fh.read()
    try:
        report = import_file(actor=None, content=content, filename=path)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    if not report.ok:
        db.session.rollback()
        for line, column, problem in report.problems:
            click.echo(f"line {line}, {column}: {problem.label}", err=True)
        raise click.ClickException(f"{len(report.problems)} problems; nothing was imported.")
    db.session.commit()
    click.echo(f"{report.rows} rows: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged.")


@click.command("create-signing-certificate")
@click.option("--force", is_flag=True, help="Replace an existing key and certificate.")
def create_signing_certificate_command(force):
    """Make a self-signed demo certificate for signing PDFs, at SIGNING_KEY_PATH and
    SIGNING_CERT_PATH (default instance/signing/), unless one is there (refused in
    production, where the deployment provides its own)."""
    from pathlib import Path

    from smplatform.documents import signing
    if not current_app.config["ALLOW_DEMO_SEED"]:
        raise click.ClickException("The production configuration refuses a demo certificate: "
                                   "set SMPLATFORM_SIGNING_KEY and SMPLATFORM_SIGNING_CERT.")
    key = Path(current_app.config["SIGNING_KEY_PATH"])
    cert = Path(current_app.config["SIGNING_CERT_PATH"])
    if key.exists() and cert.exists() and not force:
        click.echo(f"Signing certificate present: {cert}")
        return
    signing.create_demo_certificate(key, cert,
                                    passphrase=current_app.config.get("SIGNING_PASSPHRASE"))
    click.echo(f"Demo signing certificate created: {cert} (key {key}).")


@click.command("send-reminders")
def send_reminders_command():
    """Remind experts and provincial officers of due dates coming up (run from cron, e.g.
    hourly); each reminder is sent once."""
    from smplatform.services.reminders import send_due_reminders
    sent = send_due_reminders()
    db.session.commit()
    click.echo(f"Reminders sent: {sent['experts']} to experts, {sent['units']} to units.")
