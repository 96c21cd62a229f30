"""Command-line tasks: `flask create-user`, `flask seed-demo`, `flask backup`, `flask restore`."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pandas as pd
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from models import Agency, DomainError, Language, Role, User, audit, audit_check, db, mailer
from models.backup import Schema, backup, restore
from models.directory import AGENCY_COLUMNS, USER_COLUMNS, import_agencies, import_users
from models.escalation import escalate_overdue
from models.figures import FIGURES
from models.office_calendar import office_calendar
from models.recording import save
from models.reference import load_reference
from models.register import import_register, read_file
from models.register_file import UnreadableRegister, read_register
from models.step_times import recalculate, remeasure_finished
from models.timezone import from_local, to_local
from models.write_turn import begin_write
from reports.catalogue import TITLES, Period, ReportScope, build
from reports.downloads import download
from reports.durations import GROUPINGS
from reports.export import DIALECTS


def app_schema() -> Schema:
    """This app's schema: the models' tables and columns, at the migrations' head revision."""
    config = current_app.extensions["migrate"].migrate.get_config()
    tables = {table.name: frozenset(column.name for column in table.columns)
              for table in db.metadata.tables.values()}
    tables["alembic_version"] = frozenset({"version_num"})
    return Schema(tables, ScriptDirectory.from_config(config).get_current_head())


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


steps_cli = AppGroup("steps", help="Recalculate finished steps' stored figures.")


def _figure(value) -> str:
    return "-" if value is None else f"{value:.2f}"


@steps_cli.command("recalculate")
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]),
              help="First day the steps started (office time).")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]),
              help="Last day the steps started (office time).")
@click.option("--dry-run", is_flag=True, help="List what would change; change nothing.")
def recalculate_steps(first, last, dry_run):
    """Measure finished steps again on today's calendar and store what changed (audited):
    a finished step keeps its figures otherwise, whatever the calendar becomes."""
    changes = remeasure_finished(db.session, office_calendar(), first and first.date(),
                                 last and last.date())
    for change in changes:
        old, new = change.old, change.new
        figures = ", ".join(f"{name} {_figure(old[name])} -> {_figure(new[name])}"
                            for name in FIGURES)
        click.echo(f"{change.step}: {figures}, due_at {to_local(old['due_at']):%Y-%m-%d %H:%M}"
                   f" -> {to_local(new['due_at']):%Y-%m-%d %H:%M}")
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(changes)} step(s) would change; nothing was changed (dry run)")
        return
    audit.stamp(db.session, at=datetime.now(UTC), by=None)
    recalculate(changes)
    db.session.commit()
    click.echo(f"{len(changes)} step(s) recalculated")


audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
def verify_audit():
    """Walk the hash chain, hold it against the last checkpoint and every row against the
    trail; exit 1 naming what is wrong. A good trail is checkpointed (AUDIT_CHECKPOINT_FILE)."""
    count, broken = audit.verify(db.session)
    if broken is not None:
        entry, reason = broken
        raise click.ClickException(_("The audit trail is broken at entry %(id)s: %(reason)s. "
                                     "%(count)s entries before it are intact.",
                                     id=entry, reason=reason, count=count))
    checkpoints = Path(current_app.config["AUDIT_CHECKPOINT_FILE"])
    last = audit_check.last_checkpoint(checkpoints)
    if last is not None and (cut := audit_check.against_checkpoint(db.session, last, count)):
        raise click.ClickException(_("The audit trail was cut: %(reason)s.", reason=cut))
    strangers = list(audit_check.rows_against_trail(db.session))
    for table, row_id, reason in strangers[:20]:
        click.echo(_("%(table)s %(id)s: %(reason)s", table=table, id=row_id, reason=reason),
                   err=True)
    if strangers:
        raise click.ClickException(_("%(count)s row(s) were changed in the database without "
                                     "the audit trail.", count=len(strangers)))
    head = db.session.get(audit.AuditHead, 1)
    if head is not None and (last is None or last.count != head.last_id):
        audit_check.write_checkpoint(checkpoints, head.last_id, head.last_hash,
                                     datetime.now(UTC))
    click.echo(_("The audit trail is intact: %(count)s entries.", count=count))
    if head is not None:
        click.echo(_("Last entry %(id)s, hash %(hash)s", id=head.last_id, hash=head.last_hash))


notifications_cli = AppGroup("notifications", help="Send the panel's emails.")


@notifications_cli.command("send")
def send_notifications():
    """Announce the steps that passed their due time (once each), then send the emails that
    are due: new ones, and failed ones whose wait is over (for cron). Exits 1 when a send
    failed; the email stays in the outbox for a later try."""
    db.session.commit()  # the write turn opens the transaction: end any read begun before
    begin_write(db.session)  # two cron runs at once must not both announce a step
    told = escalate_overdue(db.session, datetime.now(UTC))
    db.session.commit()
    click.echo(f"overdue steps announced: {told}")
    config = current_app.config
    if not config["MAIL_SERVER"]:
        raise click.ClickException(f"MAIL_SERVER is empty: mail is off; "
                                   f"{mailer.waiting(db.session)} email(s) wait in the outbox")
    sent = failed = 0
    while True:  # a batch at a time; what failed now waits, so the loop ends
        batch = mailer.send_pending(db.session, config, datetime.now(UTC))
        sent, failed = sent + batch[0], failed + batch[1]
        if sum(batch) < mailer.BATCH:
            break
    click.echo(f"sent {sent}, failed {failed}, not sent yet {mailer.waiting(db.session)}")
    if failed:
        raise click.ClickException(f"{failed} email(s) could not be sent; see last_error in "
                                   f"the outbox (table outgoing_mail)")


def _read(file: Path, columns: tuple[str, ...]):
    """The rows of a CSV or XLSX table as (line, row), refused whole when unreadable."""
    try:
        return read_register(file, tuple(c.rstrip("*") for c in columns),
                             tuple(c.rstrip("*") for c in columns if c.endswith("*")))
    except UnreadableRegister as exc:
        raise click.ClickException(f"{file.name}: {exc}") from None


def _all_or_nothing(errors) -> None:
    """Commit, or roll back and name every bad row by line and column."""
    if errors:
        db.session.rollback()
        for error in sorted(errors, key=lambda e: e.line):
            click.echo(str(error), err=True)
        raise click.ClickException(_("%(count)s bad row(s): nothing was imported",
                                     count=len(errors)))
    db.session.commit()


def register_commands(app) -> None:
    app.cli.add_command(calendar_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(steps_cli)
    app.cli.add_command(notifications_cli)

    @app.cli.command("report")
    @click.argument("name", type=click.Choice(sorted(TITLES)))
    @click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
    @click.option("--by", type=click.Choice(sorted(GROUPINGS)), default="step",
                  help="compliance: group per step, month, agency or official")
    @click.option("--dialect", type=click.Choice(sorted(DIALECTS)), default="id",
                  help="CSV for a spreadsheet set to Indonesian (; and 1,5) or English (, 1.5)")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
    def report_command(name, first, last, fmt, by, dialect, output):
        """Write a report for scheduled jobs: the same file the screen downloads."""
        period = Period(first.date(), last.date())
        tables = build(name, period, ReportScope(agency_id=None),  # every agency's rows
                       pd.Timestamp(datetime.now(UTC)), by=by)
        filename, content = download(name, period, tables, fmt, DIALECTS[dialect])
        (output or Path(filename)).write_bytes(content)
        click.echo(f"{output or filename}: {sum(map(len, tables.values()))} row(s)")

    @app.cli.command("import-register")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_register_command(file):
        """Import a paper register (CSV or XLSX): every row, or nothing."""
        at = datetime.now(UTC)
        try:
            rows, errors = read_file(file)
            with click.progressbar(length=len(rows), label=_("Importing")) as bar:
                errors += import_register(db.session, rows, file.parent, at,
                                          progress=bar.update)
        except UnreadableRegister as exc:
            db.session.rollback()
            raise click.ClickException(f"{file.name}: {exc}") from None
        _all_or_nothing(errors)
        click.echo(_("imported %(count)s request(s)", count=len(rows)))

    @app.cli.command("load-reference")
    def load_reference_command():
        """Add the reference data a new office needs (SOP standards, office hours, Ramadan
        periods, Pontianak's agencies) where missing; no demo data."""
        added = load_reference(db.session, at=datetime.now(UTC))
        db.session.commit()
        click.echo("reference data: " + ", ".join(f"{n} {kind} added"
                                                  for kind, n in added.items()))

    @app.cli.command("import-agencies")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_agencies_command(file):
        """Add the agencies of a CSV or XLSX file: every row, or nothing."""
        rows, errors = _read(file, AGENCY_COLUMNS)
        _all_or_nothing(errors + import_agencies(db.session, rows, datetime.now(UTC)))
        click.echo(f"imported {len(rows)} agency(ies)")

    @app.cli.command("import-users")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_users_command(file):
        """Add the staff of a CSV or XLSX file: every row, or nothing. Prints each person's
        first password, which they must change when they first log in."""
        rows, errors = _read(file, USER_COLUMNS)
        refused, passwords = import_users(db.session, rows, datetime.now(UTC))
        _all_or_nothing(errors + refused)
        click.echo(f"imported {len(passwords)} user(s); first passwords (hand each to its "
                   f"owner; it must be changed at the first log-in):")
        for username, password in passwords.items():
            click.echo(f"  {username:<20} {password}")

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
            save(db.session, user, at=datetime.now(UTC), by=None)
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        click.echo(f"created {username} ({role})")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the reference data and the demo (fictional staff, a year of requests)."""
        from admin_views.written import issue_demo_documents
        from models.demo import DEMO_PASSWORD, seed_demo
        at = datetime.now(UTC)
        users = seed_demo(db.session, at=at)
        kasi = next(user for user in users if user.role is Role.KASI)
        # the letters' QR codes link to PUBLIC_BASE_URL, else to the address `make run` serves
        base = current_app.config["PUBLIC_BASE_URL"] or "http://127.0.0.1:5000"
        with current_app.test_request_context(base_url=base):
            issue_demo_documents(db.session, at, kasi)
        db.session.commit()
        click.echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            click.echo(f"  {user.username:<14} {user.role.label}")

    @app.cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(file):
        """Write a consistent copy of the database to FILE while the app keeps serving."""
        try:
            backup(db.engine, file)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(_("Backup written to %(file)s.", file=file))

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Replace the database without asking.")
    def restore_command(file, yes):
        """Replace the whole database with the backup in FILE (made by flask backup)."""
        if not yes:
            click.confirm(_("Replace the whole database with %(file)s?", file=file), abort=True)
        try:
            restore(db.engine, file, app_schema())
        except DomainError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(_("Database restored from %(file)s.", file=file))
