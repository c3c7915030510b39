"""Commands of the security controls: key rotation, upload encryption and audit retention
(cli.py adds them)."""
from __future__ import annotations

from datetime import datetime

import click
from flask import current_app

from smplatform import clock
from smplatform.extensions import db
from smplatform.services import DomainError


@click.command("rotate-keys")
@click.option("--data", "families", flag_value="data", multiple=True,
              help="A new SM4 key for personal data; every value is re-encrypted.")
@click.option("--index", "families", flag_value="index", multiple=True,
              help="A new HMAC-SM3 key for blind indexes; every index is recomputed.")
@click.option("--audit", "families", flag_value="audit", multiple=True,
              help="A new HMAC-SM3 key for the audit chain (older entries keep theirs).")
@click.option("--retire", is_flag=True,
              help="Afterwards remove the data and index keys nothing uses any more.")
def rotate_keys_command(families, retire):
    """Rotate keys of the key file (SMPLATFORM_KEY_FILE): add new ones, make them current,
    move the data (and encrypted uploaded files) under them. Safe to run while the platform
    serves."""
    from smplatform.services import keys, storage
    try:
        report = keys.rotate(families=tuple(dict.fromkeys(families))) if families else None
        db.session.commit()
        if report and "data" in report.new_ids:
            _encrypt_files(storage, include_plain=False)
        retired = keys.retire() if retire else None
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    if report:
        click.echo("New current keys: " + ", ".join(
            f"{family} {key_id}" for family, key_id in report.new_ids.items())
            + f"; {report.values} values re-encrypted, {report.indexes} indexes recomputed.")
    if retired is not None:
        click.echo("Retired keys: " + (", ".join(retired.retired) or "none") + ".")


def _encrypt_files(storage, *, include_plain: bool) -> None:
    done, failed = storage.encrypt_stored_files(include_plain=include_plain)
    for label in failed:
        click.echo(f"Left as it is (missing, or not what its row says): {label}", err=True)
    click.echo(f"{done} uploaded files encrypted under the current data key; "
               f"{len(failed)} left as they are.")
    if failed:
        raise click.ClickException("Some files could not be encrypted: run "
                                   "`flask check-consistency` and look at them.")


@click.command("encrypt-uploads")
def encrypt_uploads_command():
    """Encrypt the uploaded files stored before ENCRYPT_UPLOADS was turned on, and move files
    under an older data key to the current one. Safe to run while the platform serves, and
    again after an interruption."""
    from smplatform.services import storage
    if not current_app.config["ENCRYPT_UPLOADS"]:
        raise click.ClickException("Uploads are not encrypted here: set "
                                   "SMPLATFORM_ENCRYPT_UPLOADS=1 on every app server first.")
    _encrypt_files(storage, include_plain=True)


@click.command("audit-archive")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False))
@click.option("--before", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Archive entries before this day (China Standard Time; default: now).")
@click.option("--prune", is_flag=True,
              help="Then remove archived entries older than the retention period.")
def audit_archive_command(target, before, prune):
    """Write the audit entries not yet archived to a sealed file (HMAC-SM3)."""
    from smplatform.services import audit_archive
    moment = datetime.combine(before.date(), datetime.min.time(), tzinfo=clock.CHINA) \
        if before else None
    try:
        row = audit_archive.archive(directory=target, before=moment, prune=prune)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    if row is None:
        click.echo("Nothing to archive.")
        if prune:
            removed = audit_archive.prune_archived()
            db.session.commit()
            click.echo(f"{removed} archived entries removed.")
        return
    click.echo(f"Archived entries {row.first_seq}–{row.last_seq} ({row.entries}) to "
               f"{row.file_name}" + ("; pruned." if row.pruned_at else "."))


@click.command("audit-verify-archive")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def audit_verify_archive_command(path):
    """Check an archive file's seal, digest and chain; exit 1 on any problem."""
    from smplatform.services import audit_archive
    report, _rows = audit_archive.verify_file(path)
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    click.echo(f"{report.file}: {report.entries} entries, "
               f"{'verified' if report.ok else 'DOES NOT VERIFY'}.")
    if not report.ok:
        raise SystemExit(1)


@click.command("audit-restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def audit_restore_command(path):
    """Verify an archive file, then put its pruned entries back into the database."""
    from smplatform.services import audit_archive
    try:
        report = audit_archive.restore(path=path)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(f"Restored {report.file} (entries {report.first_seq}–{report.last_seq}).")


COMMANDS = (rotate_keys_command, encrypt_uploads_command, audit_archive_command,
            audit_verify_archive_command, audit_restore_command)
