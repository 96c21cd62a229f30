"""The province deployment the README describes, checked on loopback: a PostgreSQL standby
made with `pg_basebackup -R` from the primary, streaming; reports read from it while every
write goes to the primary; then the standby is promoted and the app runs on it.

    .venv/bin/python bench/standby_check.py postgresql+psycopg://postgres@127.0.0.1:5432/test

The URL names the primary (a superuser on a loopback address; its database is not touched:
the check makes and drops its own, sop_standby_check). The standby is a second cluster in a
temporary directory on a free port, run as the user postgres when this runs as root, and
removed at the end whatever happened. The primary is changed only if it refuses replication
from loopback: a `host replication` line for the same user is put first in its pg_hba.conf
and the configuration reloaded (no restart). Prints each step with its time; exits 1 naming
the step that failed. `make test` runs it whenever TEST_DATABASE_URLS holds a PostgreSQL URL.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402

from app import create_app  # noqa: E402
from models import LetterStatus, Role, db  # noqa: E402
from models.standards import load_sop_standards  # noqa: E402
from tests.builders import NOW, PASSWORD, PATH, make_agency, make_letter, make_user  # noqa: E402
from tests.test_two_servers import Form  # noqa: E402

DATABASE = "sop_standby_check"
#: Settings a hot standby must hold at least as high as its primary, or it will not start.
AT_LEAST_PRIMARY = ("max_connections", "max_worker_processes", "max_wal_senders",
                    "max_prepared_transactions", "max_locks_per_transaction")
#: Seconds to wait for the standby to start, catch up or be promoted.
PATIENCE = 60
YEAR = 2025
STARTED = time.monotonic()


class Failed(Exception):
    pass


def step(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f} s] {message}", flush=True)


def check(condition, message: str) -> None:
    if not condition:
        raise Failed(message)


def as_postgres(command: list[str]) -> list[str]:
    """A PostgreSQL server refuses to run as root: root runs its tools as postgres."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kw)
    check(done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, condition) -> float:
    """Seconds until `condition()` holds; fails after PATIENCE."""
    started = time.monotonic()
    while True:
        try:
            if condition():
                return time.monotonic() - started
        except Exception:  # the server is not answering yet
            pass
        check(time.monotonic() - started < PATIENCE, f"{what}: not within {PATIENCE} s")
        time.sleep(0.05)


class Cluster:
    """One PostgreSQL server reached by SQL (AUTOCOMMIT, as an administrator)."""

    def __init__(self, url):
        self.url = url
        self.engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                                    poolclass=NullPool)

    def value(self, sql, **params):
        with self.engine.connect() as conn:
            return conn.scalar(text(sql), params)

    def execute(self, sql) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(sql))

    def app_url(self) -> str:
        return self.url.set(database=DATABASE).render_as_string(hide_password=False)


def binaries(primary: Cluster) -> Path:
    """The server's own version of the tools (pg_basebackup must match the primary)."""
    major = int(primary.value("SHOW server_version_num")) // 10000
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin"),
                      Path(run(["pg_config", "--bindir"]).stdout.strip())
                      if shutil.which("pg_config") else None):
        if candidate and (candidate / "pg_basebackup").exists():
            return candidate
    raise Failed(f"no pg_basebackup for PostgreSQL {major}: install the postgresql package")


def allow_replication(primary: Cluster, bindir: Path) -> None:
    """Let the check's user replicate from loopback, as the README's replication line does."""
    url = primary.url
    address = "127.0.0.1" if url.host == "localhost" else url.host
    probe = [str(bindir / "psql"), f"host={url.host} port={url.port or 5432} "
             f"user={url.username} replication=true dbname=postgres", "-c", "IDENTIFY_SYSTEM"]
    env = dict(os.environ, PGPASSWORD=url.password or "")
    if subprocess.run(probe, capture_output=True, env=env).returncode == 0:
        step("the primary already accepts replication from loopback")
        return
    hba = Path(primary.value("SHOW hba_file"))
    # no more than the user may already do here: with a password when it gave one
    line = (f"host replication {url.username} {address}/32 "
            f"{'scram-sha-256' if url.password else 'trust'}  # bench/standby_check.py\n")
    try:
        hba.write_text(line + hba.read_text())
    except OSError as exc:
        raise Failed(f"the primary refuses replication from loopback, and {hba} cannot be "
                     f"changed here ({exc.strerror}): run as root, or put first in it: "
                     f"{line.strip()}") from None
    primary.value("SELECT pg_reload_conf()")
    wait_for("replication allowed after reload",
             lambda: subprocess.run(probe, capture_output=True, env=env).returncode == 0)
    step(f"added to {hba}: {line.strip()} (configuration reloaded)")


def make_standby(primary: Cluster, bindir: Path, directory: Path, port: int) -> Cluster:
    url = primary.url
    started = time.monotonic()
    run(as_postgres([str(bindir / "pg_basebackup"), "-h", url.host, "-p", str(url.port or 5432),
                     "-U", url.username, "-D", str(directory), "-R", "-X", "stream",
                     "-c", "fast"]), env=dict(os.environ, PGPASSWORD=url.password or ""))
    size = run(["du", "-sh", str(directory)]).stdout.split()[0]
    step(f"pg_basebackup -R -X stream: {size} copied in {time.monotonic() - started:.1f} s")
    settings = {name: primary.value(f"SHOW {name}") for name in AT_LEAST_PRIMARY}
    conf = directory / "postgresql.conf"  # Debian keeps the primary's in /etc: not copied
    with conf.open("a") as out:
        out.write(f"\n# standby_check\nport = {port}\nlisten_addresses = '{url.host}'\n"
                  "unix_socket_directories = ''\nhot_standby = on\n"
                  "hot_standby_feedback = on\nshared_buffers = 32MB\n")
        out.writelines(f"{name} = {value}\n" for name, value in settings.items())
    if not (directory / "pg_hba.conf").exists():
        (directory / "pg_hba.conf").write_text(f"host all all {url.host}/32 trust\n"
                                               f"host replication all {url.host}/32 trust\n")
    if os.geteuid() == 0:
        shutil.chown(conf, "postgres", "postgres")
        shutil.chown(directory / "pg_hba.conf", "postgres", "postgres")
    run(as_postgres([str(bindir / "pg_ctl"), "-D", str(directory), "-l",
                     str(directory / "server.log"), "-w", "-t", str(PATIENCE), "start"]))
    standby = Cluster(url.set(port=port))
    check(standby.value("SELECT pg_is_in_recovery()"), "the standby is not in recovery")
    wait_for("the standby streaming", lambda: standby.value(
        "SELECT status FROM pg_stat_wal_receiver") == "streaming")
    step(f"standby on port {port}: in recovery, streaming from port {url.port or 5432}")
    return standby


def caught_up(primary: Cluster, standby: Cluster) -> float:
    """Seconds until the standby has replayed everything the primary had committed."""
    lsn = primary.value("SELECT pg_current_wal_lsn()::text")
    return wait_for("the standby replaying the primary", lambda: standby.value(
        "SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)", lsn=lsn))


class Browser:
    """The app's test client, logged in as one user: a person at the screens."""

    def __init__(self, app, username, password):
        self.http = app.test_client()
        page = self.http.get("/auth/login").get_data(as_text=True)
        answer = self.http.post("/auth/login", data={**Form(page, "password").fields,
                                                     "username": username,
                                                     "password": password})
        check(answer.status_code == 302, f"log-in as {username}: {answer.status_code}")

    def register(self, number: str, agency_id: int) -> None:
        """Register a letter through the form, as the clerk does."""
        page = self.http.get("/admin/letters/new/").get_data(as_text=True)
        answer = self.http.post("/admin/letters/new/", data={
            **Form(page, "subject").fields, "number": number, "letter_date": f"{YEAR}-02-27",
            "received_at": f"{YEAR}-02-28 09:00:00", "agency": str(agency_id),
            "subject": f"Permohonan {number}", "request_kind": "new",
            "application_name": f"Aplikasi {number}", "spbe_category": "specific"})
        check(answer.status_code == 302, f"registering {number}: {answer.status_code}\n"
                                         f"{answer.get_data(as_text=True)[-2000:]}")

    def annual_report(self) -> str:
        """The annual report's CSV download (the requests registered in YEAR)."""
        answer = self.http.get(f"/admin/reports/annual/?year={YEAR}&format=csv")
        check(answer.status_code == 200, f"annual report: {answer.status_code}")
        return answer.get_data(as_text=True)


def letters(cluster: Cluster) -> set[str]:
    engine = create_engine(cluster.app_url(), poolclass=NullPool)
    with engine.connect() as conn:
        numbers = set(conn.scalars(text("SELECT number FROM request_letter")))
    engine.dispose()
    return numbers


def audit_verify(url: str, checkpoints: Path) -> str:
    """`flask audit verify` against `url` (in this process: the same command, sooner), with
    the app server's checkpoints: those the primary left must hold on the promoted standby."""
    app = served(url, checkpoints)
    done = app.test_cli_runner().invoke(args=["audit", "verify"])
    with app.app_context():
        db.engine.dispose()
    check(done.exit_code == 0, f"flask audit verify on {url}: {done.output}")
    return " ".join(done.output.split())


def prepare(primary: Cluster) -> tuple[object, dict]:
    """The check's own database on the primary, migrated, with staff and letters along the
    SOP; the app served from the primary, reading reports from nowhere else yet."""
    primary.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    primary.execute(f"CREATE DATABASE {DATABASE}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": primary.app_url(), "SECRET_KEY": "standby"})
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_sop_standards(db.session, at=NOW)
        agency = make_agency(code="DINKES", name="Dinas Kesehatan")
        people = {role: make_user(role, agency=agency).username
                  for role in (Role.CLERK, Role.KADIS)}
        for n, status in enumerate([*PATH, LetterStatus.REJECTED]):
            make_letter(agency=agency, status=status, number=f"000.8/{n + 1}/PRIMER/{YEAR}")
        db.session.commit()
        people["password"], people["agency"] = PASSWORD, agency.id
        db.engine.dispose()
    return app, people


def served(url: str, checkpoints: Path, reports_url: str = ""):
    """The app as an app server runs it, on `url`."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "REPORTS_DATABASE_URL": reports_url,
                       "SECRET_KEY": "standby", "AUDIT_CHECKPOINT_FILE": str(checkpoints)})


def read_only_errors(directory: Path) -> list[str]:
    log = (directory / "server.log").read_text(errors="replace")
    return re.findall(r".*read-only transaction.*", log)


def main(primary_url: str) -> None:
    primary = Cluster(make_url(primary_url))
    check(primary.url.host in ("127.0.0.1", "localhost"), "the primary must be on loopback")
    check(primary.value("SHOW wal_level") in ("replica", "logical"),
          "the primary's wal_level must be replica (a restart of the primary: not done here)")
    check(int(primary.value("SHOW max_wal_senders")) > 0, "the primary has no WAL senders")
    bindir = binaries(primary)
    allow_replication(primary, bindir)
    directory = Path(tempfile.mkdtemp(prefix="sop-standby-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    directory.chmod(0o700)
    standby, checkpoints = None, directory / "audit-checkpoints.jsonl"
    try:
        app, people = prepare(primary)
        step(f"database {DATABASE} on the primary: migrated, {len(letters(primary))} letters")
        standby = make_standby(primary, bindir, directory / "data", free_port())
        app = served(primary.app_url(), checkpoints, reports_url=standby.app_url())
        clerk = Browser(app, people[Role.CLERK], people["password"])
        kadis = Browser(app, people[Role.KADIS], people["password"])

        standby.value("SELECT pg_wal_replay_pause()")
        wait_for("replay paused", lambda: standby.value(
            "SELECT pg_get_wal_replay_pause_state()") == "paused")
        clerk.register(f"000.8/90/SIAGA/{YEAR}", people["agency"])
        check(f"000.8/90/SIAGA/{YEAR}" in letters(primary), "the letter is not on the primary")
        check(f"000.8/90/SIAGA/{YEAR}" not in kadis.annual_report(),
              "with replay paused the report shows the new letter: it did not read the standby")
        step("replay paused: a letter registered through the app is on the primary, and not "
             "yet in the annual report, which reads the standby")
        standby.value("SELECT pg_wal_replay_resume()")
        step(f"replay resumed: caught up in {caught_up(primary, standby) * 1000:.0f} ms")
        check(f"000.8/90/SIAGA/{YEAR}" in kadis.annual_report(), "replayed, but not reported")
        step("the annual report read from the standby now lists it")

        clerk.register(f"000.8/91/SIAGA/{YEAR}", people["agency"])
        lag = caught_up(primary, standby)
        check(f"000.8/91/SIAGA/{YEAR}" in kadis.annual_report(), "replayed, but not reported")
        step(f"a letter registered while streaming: replayed {lag * 1000:.0f} ms after its "
             "commit, then in the report read from the standby")
        check(standby.value("SELECT pg_is_in_recovery()"), "the standby left recovery")
        errors = read_only_errors(directory / "data")
        check(not errors, "the standby was sent a write:\n" + "\n".join(errors))
        step("the standby, read-only, was never sent a write (its log holds no read-only "
             "refusal); every write went to the primary")

        committed = letters(primary)
        primary_audit = audit_verify(primary.app_url(), checkpoints)
        with app.app_context():
            db.engine.dispose()
            db.engines["reports"].dispose()
        step(f"failover: stop writing; the standby catches up in "
             f"{caught_up(primary, standby) * 1000:.0f} ms")
        started = time.monotonic()
        check(standby.value("SELECT pg_promote(true, 60)"), "pg_promote() did not finish")
        check(not standby.value("SELECT pg_is_in_recovery()"), "still in recovery")
        step(f"standby promoted in {(time.monotonic() - started) * 1000:.0f} ms")

        check(letters(standby) == committed, "letters differ after promotion: "
              f"{sorted(committed ^ letters(standby))}")
        promoted_audit = audit_verify(standby.app_url(), checkpoints)
        check(promoted_audit == primary_audit,
              f"audit verify: primary {primary_audit!r}, promoted {promoted_audit!r}")
        step(f"on the promoted standby: all {len(committed)} committed letters; "
             f"flask audit verify: {promoted_audit}")

        app = served(standby.app_url(), checkpoints)
        clerk = Browser(app, people[Role.CLERK], people["password"])
        clerk.register(f"000.8/92/PROMOSI/{YEAR}", people["agency"])
        check(f"000.8/92/PROMOSI/{YEAR}" in Browser(app, people[Role.KADIS], people["password"])
              .annual_report(), "the promoted server does not report its own new letter")
        check(f"000.8/92/PROMOSI/{YEAR}" not in letters(primary), "the old primary was written")
        after = audit_verify(standby.app_url(), checkpoints)
        step(f"the app on the promoted standby serves, logs in and registers a letter; "
             f"flask audit verify: {after}")
        with app.app_context():
            db.engine.dispose()
    finally:
        if standby is not None:
            standby.engine.dispose()
        if (directory / "data" / "postmaster.pid").exists():
            subprocess.run(as_postgres([str(bindir / "pg_ctl"), "-D", str(directory / "data"),
                                        "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)
        primary.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        primary.engine.dispose()
        step("standby stopped and removed; the check's database dropped")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        main(sys.argv[1])
    except Failed as failure:
        sys.exit(f"standby check FAILED: {failure}")
    step("standby check passed")
