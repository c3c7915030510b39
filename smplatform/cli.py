"""Command-line interface: `flask --app wsgi <command>`."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.services import DomainError


def init_app(app: Flask) -> None:
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
    def seed_demo():
        """Create the demo accounts and batch (idempotent; refused in production)."""
        from smplatform.demo import seed
        if not current_app.config["ALLOW_DEMO_SEED"]:
            raise click.ClickException("The production configuration refuses demo data.")
        created = seed(current_app.config["DEMO_PASSWORD"])
        db.session.commit()
        click.echo(f"Demo data ready ({len(created)} accounts created).")

    @app.cli.command("create-user")
    @click.option("--username", required=True)
    @click.option("--name", "display_name", required=True, help="Full name.")
    @click.option("--email", required=True)
    @click.option("--role", type=click.Choice(["province", "ministry", "expert"]), required=True)
    @click.option("--unit", "unit_code", help="GB/T 2260 code of a provincial officer's unit.")
    @click.option("--admin", is_flag=True, help="Ministry administrator.")
    @click.password_option()
    def create_user(username, display_name, email, role, unit_code, admin, password):
        """Create a provincial officer, ministry staff member or expert."""
        from smplatform.services.accounts import create_staff_user
        try:
            create_staff_user(actor=None, username=username, display_name=display_name,
                              email=email, role=Role(role), password=password,
                              unit_code=unit_code, is_admin=admin)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message)) from error
        db.session.commit()
        click.echo(f"Created {role} account {username}.")

    @app.cli.command("send-mail")
    @click.option("--limit", default=100, show_default=True, help="At most this many e-mails.")
    def send_mail(limit):
        """Deliver the waiting e-mails of the outbox over SMTP (MAIL_SERVER, MAIL_PORT)."""
        from smplatform.services.notifications import deliver_outbox
        sent, failed = deliver_outbox(limit=limit)
        db.session.commit()
        click.echo(f"Sent {sent} e-mails, {failed} failed.")
        if failed:
            raise SystemExit(1)
