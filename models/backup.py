"""Backups taken while the app serves: SQLite's online backup API, PostgreSQL's and MariaDB's own
dump tools (their client programs must be installed), and the restore of each."""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
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


class OtherSchema(DomainError):
    message = _l("%(file)s is not a backup of this app at its version (%(difference)s): the "
                 "database was left as it was.")


@dataclass(frozen=True)
class Schema:
    """What a restore must bring back: every table with its columns, at one Alembic revision."""

    tables: dict[str, frozenset[str]]
    revision: str | None

    def difference(self, found: "Schema") -> str | None:
        """How `found` differs from this schema, in a few words; None when it does not."""
        missing = sorted(set(self.tables) - set(found.tables))
        extra = sorted(set(found.tables) - set(self.tables))
        changed = sorted(t for t in set(self.tables) & set(found.tables)
                         if self.tables[t] != found.tables[t])
        parts = [f"{label}: {', '.join(names)}" for label, names in (
            (_l("tables missing"), missing), (_l("other tables"), extra),
            (_l("other columns"), changed)) if names]
        if found.revision != self.revision:
            parts.append(str(_l("revision %(found)s, this app is at %(expected)s",
                                found=found.revision or "-", expected=self.revision)))
        return "; ".join(str(part) for part in parts) or None


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


def restore(engine: Engine, path: Path, expected: Schema) -> None:
    """Replace the whole database with the backup in `path`, once it is known to be a whole
    backup of the `expected` schema: nothing else is loaded, so nothing is half-replaced."""
    database = NAMES[engine.dialect.name]
    _, read_schema, load = TOOLS[database]
    found = read_schema(path)
    if found is None:
        raise NotABackup(file=str(path), database=database)
    if difference := expected.difference(found):
        raise OtherSchema(file=str(path), difference=difference)
    try:
        load(engine.url, path)
    except sqlite3.Error as exc:
        raise BackupFailed(tool="SQLite", detail=str(exc)) from exc
    engine.dispose()  # pooled connections may still know the old tables


def _sqlite_backup(url: URL, path: Path) -> None:
    with closing(sqlite3.connect(url.database)) as live, closing(sqlite3.connect(path)) as copy:
        live.backup(copy)  # a snapshot: writers carry on meanwhile (write-ahead log)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


def _sqlite_schema(path: Path) -> Schema | None:
    """The schema of an intact SQLite file; None for anything else."""
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as copy:
            if copy.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                return None
            names = [name for name, in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'")]
            tables = {name: frozenset(row[1] for row in copy.execute(
                "SELECT * FROM pragma_table_info(?)", (name,))) for name in names}
            revision = (copy.execute("SELECT version_num FROM alembic_version").fetchone()
                        if "alembic_version" in tables else None)
            return Schema(tables, revision[0] if revision else None)
    except sqlite3.DatabaseError:
        return None


#: A dump's CREATE TABLE line and a column line in it (quoted as PostgreSQL or MariaDB quote).
CREATE_TABLE = re.compile(r'^CREATE TABLE (?:public\.)?[`"]?(\w+)[`"]? \(')
COLUMN = re.compile(r'^\s+(?:`(\w+)`|"(\w+)"|([a-z_]\w*)) ')
#: Lines inside CREATE TABLE that are not columns.
NOT_COLUMNS = ("CONSTRAINT", "PRIMARY", "KEY", "UNIQUE", "FOREIGN", "CHECK", "INDEX",
               "FULLTEXT", "SPATIAL")


def _dump_tables(lines: Iterable[str]) -> dict[str, frozenset[str]]:
    """The tables and columns of the CREATE TABLE statements of a SQL dump."""
    tables, current = {}, None
    for line in lines:
        if current is None:
            if match := CREATE_TABLE.match(line):
                current = tables.setdefault(match.group(1), set())
        elif line.startswith(")"):
            current = None
        elif (match := COLUMN.match(line)) and line.split()[0] not in NOT_COLUMNS:
            current.add(next(group for group in match.groups() if group))
    return {name: frozenset(columns) for name, columns in tables.items()}


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


def _pg_schema(path: Path) -> Schema | None:
    """The schema of a whole pg_dump archive, read without a connection; None otherwise."""
    try:
        tables = _dump_tables(_run("pg_restore", ["--schema-only", "--file=-", str(path)])
                              .splitlines())
        data = _run("pg_restore", ["--data-only", "--table=alembic_version", "--file=-",
                                   str(path)]).splitlines()
    except BackupFailed:
        return None
    start = next((i for i, line in enumerate(data) if line.startswith("COPY ")), None)
    revision = data[start + 1] if start is not None and data[start + 1] != "\\." else None
    return Schema(tables, revision)


def _pg_restore(url: URL, path: Path) -> None:
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                        f"--dbname={url.database}", str(path)], url)


def _mariadb_dump(url: URL, path: Path) -> None:
    _run("mariadb-dump", ["--single-transaction", "--routines", "--hex-blob",
                          "--default-character-set=utf8mb4", f"--result-file={path}",
                          url.database], url)


#: The row mariadb-dump writes for the schema's revision, on the INSERT's line or the next.
REVISION_INSERT = "INSERT INTO `alembic_version` VALUES"
REVISION_ROW = re.compile(r"^\s*\('(\w+)'\)")


def _mariadb_schema(path: Path) -> Schema | None:
    """The schema of a whole dump (the header mariadb-dump writes first and the line it
    writes last), read a line at a time; None otherwise."""
    try:
        with path.open("rb") as dump:
            head = dump.read(1024)
            dump.seek(max(0, path.stat().st_size - 200))
            if b"-- MariaDB dump" not in head or b"-- Dump completed" not in dump.read():
                return None
        revision = None

        def lines():
            nonlocal revision
            with path.open(encoding="utf-8", errors="replace") as dump:
                for line in dump:
                    if line.startswith(REVISION_INSERT):
                        rest = line[len(REVISION_INSERT):].strip() or next(dump, "")
                        revision = match.group(1) if (match := REVISION_ROW.match(rest)) else None
                    yield line

        return Schema(_dump_tables(lines()), revision)
    except OSError:
        return None


def _mariadb_restore(url: URL, path: Path) -> None:
    with path.open("rb") as dump:
        _run("mariadb", ["--default-character-set=utf8mb4", url.database], url, stdin=dump)


#: database -> (write a backup, the schema of a whole backup (None for anything else), load it)
TOOLS = {"SQLite": (_sqlite_backup, _sqlite_schema, _sqlite_restore),
         "PostgreSQL": (_pg_dump, _pg_schema, _pg_restore),
         "MariaDB": (_mariadb_dump, _mariadb_schema, _mariadb_restore)}
