"""Command-line tasks: `flask create-user`, `flask seed-demo`."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import click
import pandas as pd
from flask.cli import AppGroup
from sqlalchemy import select

from admin_views.reports import COLUMNS, Period, build, download
from models import Agency, DomainError, Language, Role, User, db
from models.office_calendar import office_calendar
from models.register import import_register
from models.standards import load_sop_standards
from models.timezone import from_local
from reports.durations import GROUPINGS


def _local_moment(text: str) -> datetime:
    try:
        return from_local(datetime.strptime(text, "%Y-%m-%d %H:%M"))
    except ValueError:
        raise click.BadParameter(f"{text!r}: use YYYY-MM-DD HH:MM (office time)") from None


calendar_cli = AppGroup("calendar", help="Check the office's working calendar.")


@calendar_cli.command("working-minutes")
@click.argument("start")
@click.argument("end")
def working_minutes(start, end):
    """Working minutes between two office times, e.g. "2025-08-15 16:00" "2025-08-19 07:45"."""
    minutes = office_calendar().working_minutes(_local_moment(start), _local_moment(end))
    click.echo(f"{minutes:g}")


@calendar_cli.command("show")
@click.argument("month")
def show_month(month):
    """The working days and hours of a month, e.g. 2025-08."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise click.BadParameter(f"{month!r}: use YYYY-MM") from None
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    total = 0.0
    for day, windows, holiday in office_calendar().days(first, last):
        minutes = sum(w.minutes for w in windows)
        total += minutes
        hours = " ".join(str(w) for w in windows) or "-"
        click.echo(f"{day:%Y-%m-%d %a}  {hours:<25} {minutes:>5g}  {holiday}".rstrip())
    click.echo(f"total {total:g} working minutes ({total / 60:g} hours)")


def _read_register(path: Path) -> list[dict]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype=str).fillna("")
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip().rstrip("*") for c in frame.columns]
    return frame.to_dict("records")


def register_commands(app) -> None:
    app.cli.add_command(calendar_cli)

    @app.cli.command("report")
    @click.argument("name", type=click.Choice(sorted(COLUMNS)))
    @click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
    @click.option("--by", type=click.Choice(sorted(GROUPINGS)), default="step",
                  help="compliance: group per step, month, agency or official")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
    def report_command(name, first, last, fmt, by, output):
        """Write a report for scheduled jobs: the same file the screen downloads."""
        period = Period(first.date(), last.date())
        system = SimpleNamespace(role=Role.SUPERVISOR, agency_id=None)
        frame = build(name, period, system, pd.Timestamp(datetime.now(UTC)), by=by)
        filename, content = download(name, period, frame, fmt)
        (output or Path(filename)).write_bytes(content)
        click.echo(f"{output or filename}: {len(frame)} row(s)")

    @app.cli.command("import-register")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_register_command(file):
        """Import a paper register (CSV or XLSX): every row, or nothing."""
        rows = _read_register(file)
        at = datetime.now(UTC)
        with click.progressbar(length=len(rows), label="Importing") as bar:
            errors = import_register(db.session, rows, file.parent, at, progress=bar.update)
        if errors:
            db.session.rollback()
            for error in errors:
                click.echo(str(error), err=True)
            raise click.ClickException(f"{len(errors)} bad row(s): nothing was imported")
        db.session.commit()
        click.echo(f"imported {len(rows)} request(s)")

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
