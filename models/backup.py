"""Backups taken while the app serves: SQLite's online backup API, PostgreSQL's and MariaDB's own
dump tools (their client programs must be installed), and the restore of each."""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import URL, Engine

from .errors import DomainError

#: SQLAlchemy dialect -> the database's name in messages
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MariaDB", "mariadb": "MariaDB"}


class BackupToolMissing(DomainError):
    message = _l("%(tool)s was not found: install the %(database)s client tools.")


class BackupFailed(DomainError):
    message = _l("%(tool)s failed: %(detail)s")


class NotABackup(DomainError):
    message = _l("%(file)s is not a %(database)s backup made by flask backup.")


def backup(engine: Engine, path: Path) -> None:
    """Write a consistent copy of the database to `path`; an older file there is replaced only
    once the copy is complete."""
    dump = TOOLS[NAMES[engine.dialect.name]][0]
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # password hashes, scanned letters: for the operator's eyes only
    try:
        dump(engine.url, partial)
        partial.replace(path)
    except sqlite3.Error as exc:
        raise BackupFailed(tool="SQLite", detail=str(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)


def restore(engine: Engine, path: Path) -> None:
    """Replace the whole database with the backup in `path`, once it is known to be one."""
    database = NAMES[engine.dialect.name]
    _, is_backup, load = TOOLS[database]
    if not is_backup(path):
        raise NotABackup(file=str(path), database=database)
    try:
        load(engine.url, path)
    except sqlite3.Error as exc:
        raise BackupFailed(tool="SQLite", detail=str(exc)) from exc
    engine.dispose()  # pooled connections may still know the old tables


def _sqlite_backup(url: URL, path: Path) -> None:
    with closing(sqlite3.connect(url.database)) as live, closing(sqlite3.connect(path)) as copy:
        live.backup(copy)  # a snapshot: writers carry on meanwhile (write-ahead log)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


def _sqlite_is_backup(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as copy:
            copy.execute("SELECT version_num FROM alembic_version").fetchall()
            return copy.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except sqlite3.DatabaseError:
        return False


def _sqlite_restore(url: URL, path: Path) -> None:
    # through the backup API, in one write transaction: open readers keep a consistent view
    with closing(sqlite3.connect(url.database, timeout=30)) as live, \
            closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as copy:
        copy.backup(live)


def _client(url: URL) -> tuple[list[str], dict]:
    """Connection options for the command-line clients; the password goes in the environment."""
    postgres = url.get_backend_name() == "postgresql"
    options = {"--host": url.host, "--port": url.port,
               "--username" if postgres else "--user": url.username}
    secret = {"PGPASSWORD" if postgres else "MYSQL_PWD": url.password} if url.password else {}
    return [f"{k}={v}" for k, v in options.items() if v], {**os.environ, **secret}


def _run(tool: str, args: list[str], url: URL | None = None, **kwargs) -> str:
    """Run a client tool, connected as `url` says when given; its output."""
    if shutil.which(tool) is None:
        database = "PostgreSQL" if tool.startswith("pg_") else "MariaDB"
        raise BackupToolMissing(tool=tool, database=database)
    options, env = _client(url) if url is not None else ([], None)
    done = subprocess.run([tool, *options, *args], env=env, capture_output=True, **kwargs)
    if done.returncode:
        raise BackupFailed(tool=tool, detail=done.stderr.decode(errors="replace").strip())
    return done.stdout.decode(errors="replace")


def _pg_dump(url: URL, path: Path) -> None:
    _run("pg_dump", ["--format=custom", f"--file={path}", f"--dbname={url.database}"], url)


def _pg_is_backup(path: Path) -> bool:
    try:  # the archive's table of contents, read without a connection
        return "alembic_version" in _run("pg_restore", ["--list", str(path)])
    except BackupFailed:
        return False


def _pg_restore(url: URL, path: Path) -> None:
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                        f"--dbname={url.database}", str(path)], url)


def _mariadb_dump(url: URL, path: Path) -> None:
    _run("mariadb-dump", ["--single-transaction", "--routines", "--hex-blob",
                          "--default-character-set=utf8mb4", f"--result-file={path}",
                          url.database], url)


def _mariadb_is_backup(path: Path) -> bool:
    """A whole dump: the header mariadb-dump writes first and the line it writes last."""
    try:
        with path.open("rb") as dump:
            head = dump.read(1024)
            dump.seek(max(0, path.stat().st_size - 200))
            return b"-- MariaDB dump" in head and b"-- Dump completed" in dump.read()
    except OSError:
        return False


def _mariadb_restore(url: URL, path: Path) -> None:
    with path.open("rb") as dump:
        _run("mariadb", ["--default-character-set=utf8mb4", url.database], url, stdin=dump)


#: database -> (write a backup, is this file a whole backup?, load it back)
TOOLS = {"SQLite": (_sqlite_backup, _sqlite_is_backup, _sqlite_restore),
         "PostgreSQL": (_pg_dump, _pg_is_backup, _pg_restore),
         "MariaDB": (_mariadb_dump, _mariadb_is_backup, _mariadb_restore)}
