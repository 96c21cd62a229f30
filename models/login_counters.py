"""Failed log-ins counted in the database, shared by every worker and every app server.

An attempt is counted before its password is checked and forgiven when the password was
right: however many attempts arrive at once, on whichever server, no more passwords are
checked than a limit allows. Each count is a short transaction of its own on a counter row,
never the write turn the office's writers queue for.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    Integer,
    String,
    Table,
    case,
    create_engine,
    delete,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from .db import WRITE_INTENT, UTCDateTime, db

#: Seconds in each unit a limit may be written in ("5 per 15 minutes").
UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
#: Lapsed counters removed by one new counter: the table stays as small as the last window.
PURGE_BATCH = 100


#: Attempts counted under one key until `ends_at`; the key is a hash, so the names and
#: addresses typed at the log-in page are not kept. A plain table, not a model: no business
#: record, never in the audit trail.
login_counter = Table(
    "login_counter", db.metadata,
    Column("key", String(64), primary_key=True),
    Column("ends_at", UTCDateTime, nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
)


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: timedelta

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """A limit as the settings write it: "5 per 15 minutes", "20 per hour"."""
        match = re.fullmatch(r"\s*(\d+)\s+per\s+(\d+\s+)?(second|minute|hour|day)s?\s*", text)
        if match is None:
            raise ValueError(f"not a limit: {text!r} (write it as '5 per 15 minutes')")
        seconds = int(match[2] or 1) * UNITS[match[3]]
        return cls(int(match[1]), timedelta(seconds=seconds))


@dataclass(frozen=True)
class Count:
    """One attempt under one key: counted, or refused because the limit was reached."""

    key: str
    ends_at: datetime
    counted: bool


def counter_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def take(conn: Connection, key: str, limit: Limit, at: datetime) -> Count:
    """Count an attempt under `key` unless `limit` is reached, in a transaction of its own on
    `conn`; the first attempt after a window has lapsed opens the next one."""
    at = at.replace(microsecond=0)  # as every database stores it, to be matched by forgive
    table, c = login_counter, login_counter.c
    lapsed, ends_at = c.ends_at <= at, literal(at + limit.window, UTCDateTime())
    # one statement, so that concurrent attempts queue on the row and none slips past; the
    # attempts first: MariaDB assigns left to right, and must still see the old ends_at
    step = (update(table).where(c.key == key, lapsed | (c.attempts < limit.attempts))
            .ordered_values((c.attempts, case((lapsed, 1), else_=c.attempts + 1)),
                            (c.ends_at, case((lapsed, ends_at), else_=c.ends_at))))
    while True:
        try:
            with conn.begin():
                counted = conn.execute(step).rowcount == 1
                row = conn.execute(select(c.ends_at, c.attempts).where(c.key == key)).first()
                if row is not None:
                    if counted or (row.attempts >= limit.attempts and row.ends_at > at):
                        return Count(key, row.ends_at, counted)
                    # PostgreSQL: another attempt's new counter was committed after the
                    # update looked and before this read; count on it
                    continue
                _purge(conn, at)
                conn.execute(insert(table).values(key=key, ends_at=at + limit.window,
                                                  attempts=1))
                return Count(key, at + limit.window, True)
        except IntegrityError:
            continue  # another attempt made the counter meanwhile: count on it


def forgive(conn: Connection, counts: list[Count]) -> None:
    """Take back counted attempts (their password was right, or another counter refused)."""
    c = login_counter.c
    with conn.begin():
        for count in (count for count in counts if count.counted):
            conn.execute(update(login_counter)
                         .where(c.key == count.key, c.ends_at == count.ends_at, c.attempts > 0)
                         .values(attempts=c.attempts - 1))


def _purge(conn: Connection, at: datetime) -> None:
    """Remove lapsed counters, skipping those another attempt holds (no waiting, no
    deadlock between two purges)."""
    c = login_counter.c
    keys = conn.scalars(select(c.key).where(c.ends_at <= at).limit(PURGE_BATCH)
                        .with_for_update(skip_locked=True)).all()
    if keys:
        conn.execute(delete(login_counter).where(c.key.in_(keys)))


def clear(engine: Engine) -> None:
    """Every counter gone, as if no log-in had failed."""
    with engine.begin() as conn:
        conn.execute(delete(login_counter))


def counter_engine(database: Engine) -> Engine:
    """Where the counters live: the app's database; on SQLite (one server only) a file beside
    it, because SQLite has one write lock for the whole file, and counting a failure must never
    wait for a long save."""
    if database.dialect.name != "sqlite":
        return database
    path = database.url.database
    if not path or path == ":memory:":  # one connection, or each would see its own database
        engine = create_engine("sqlite://", poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
    else:
        engine = create_engine(f"sqlite:///{path}-logins")
    engine = engine.execution_options(**WRITE_INTENT)
    login_counter.create(engine, checkfirst=True)
    return engine
