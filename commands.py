"""Command-line tasks: `flask create-user`, `flask seed-demo`."""

from datetime import UTC, datetime

import click
from sqlalchemy import select

from models import Agency, DomainError, Language, Role, User, db
from models.standards import load_sop_standards


def register_commands(app) -> None:
    @app.cli.command("create-user")
    @click.option("--username", required=True)
    @click.option("--full-name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--agency-code", required=True, help="Agency code, e.g. DISKOMINFO")
    @click.option("--position", default="")
    @click.option("--nip", default=None)
    @click.password_option()
    def create_user(username, full_name, role, agency_code, position, nip, password):
        """Create a user who can log in."""
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise click.ClickException(f"unknown agency code {agency_code}")
        user = User(username=username, full_name=full_name, role=Role(role), agency=agency,
                    position=position or Role(role).name, nip=nip, language=Language.ID,
                    active=True)
        try:
            user.set_password(password)
            user.before_save(at=datetime.now(UTC), by=None)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from None
        db.session.add(user)
        db.session.commit()
        click.echo(f"created {username} ({role})")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the SOP's standards and the demo data (agencies, staff, a year of requests)."""
        from models.demo import DEMO_PASSWORD, seed_demo
        load_sop_standards(db.session)
        users = seed_demo(db.session, at=datetime.now(UTC))
        db.session.commit()
        click.echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            click.echo(f"  {user.username:<14} {user.role.label}")
