"""The database handle, the declarative base and the column types every model shares."""

import enum
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from .errors import NotArchivable

#: Constraint names fixed so that Alembic builds the same schema on SQLite, PostgreSQL and MariaDB.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def before_save(self, at: datetime, by) -> None:
        """Check the record before `save()` writes it; models with rules override this."""

    def after_save(self, session, at: datetime, by) -> None:
        """Change what follows from the record once `save()` has flushed it, in the same
        transaction and under the same stamp; models with consequences override this."""

    def archive(self, at: datetime, by=None) -> None:
        """Business records are archived, never deleted; what has no archive refuses."""
        raise NotArchivable()


db = SQLAlchemy(model_class=Base)

#: What a session carries beside its rows, each under a key named here and nowhere else: who
#: writes and when (audit.stamp), and the emails its transaction queued (for the sender).
SESSION_STAMP, SESSION_QUEUED_MAIL = "audit_stamp", "queued_mail"


class UTCDateTime(TypeDecorator):
    """A moment in time: stored as naive UTC on every backend, handed out as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


#: The largest amount of Rupiah a record holds, in the forms, the register import and the
#: column alike: 18 digits of sen, inside a signed 64-bit integer (at most 9.2 x 10^18).
MAX_RUPIAH = Decimal("9999999999999999.99")
SEN = Decimal("0.01")


class Rupiah(TypeDecorator):
    """An exact amount of Rupiah: stored as whole sen in a BIGINT on every backend, handed out
    as a Decimal with two places. SQLite keeps NUMERIC as a float, exact only to 15 digits."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        sen = Decimal(value) / SEN
        if not sen.is_finite() or sen != sen.to_integral_value() or abs(value) > MAX_RUPIAH:
            raise ValueError(f"{value!r} is not an amount of Rupiah")
        return int(sen)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(int(value)).scaleb(-2)


class CodeList(TypeDecorator):
    """A small list of enum codes (a multiple choice), stored as comma-separated text."""

    impl = String(200)
    cache_ok = True

    def __init__(self, enum_class, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        if not value:
            return ""
        return ",".join(self.enum_class(v).value for v in value)

    def process_result_value(self, value, dialect):
        return [self.enum_class(v) for v in value.split(",")] if value else []


class LabeledEnum(enum.Enum):
    """An enum whose members carry a translated label: LABELS = nonmember({value: _l(...)})."""

    @property
    def label(self):
        return self.LABELS[self.value]

    @classmethod
    def choices(cls):
        return [(m.value, m.label) for m in cls]

    def __str__(self):
        return str(self.label)

    def __html__(self):
        return str(self.label)


def enum_column(enum_class, check_name=None, **kwargs):
    """A portable enum column: VARCHAR plus a CHECK constraint, never a native ENUM type.

    `check_name` tells apart two columns of the same enum in one table.
    """
    return mapped_column(
        Enum(enum_class, native_enum=False, values_callable=lambda e: [m.value for m in e],
             length=30, validate_strings=True, create_constraint=True,
             name=check_name or enum_class.__name__.lower()),
        **kwargs,
    )


class Versioned:
    """An editable record: every save bumps the version, and a save made from an older
    version is refused (the second of two people editing the same record)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class Archivable(Versioned):
    """Business records are archived, never deleted, and can be restored."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    def archive(self, at: datetime, by=None) -> None:
        """Hide the record from every list; it stays in the database."""
        self.archived_at = at

    def restore(self) -> None:
        """Bring an archived record back into the lists."""
        self.archived_at = None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, write-ahead log, wait instead of failing when busy; and
    let SQLAlchemy begin transactions itself, so that savepoints work (pysqlite's own
    transaction handling would commit at a RELEASE SAVEPOINT)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


#: Execution option for a transaction that will write: on SQLite it takes the write lock at
#: BEGIN, so it waits its turn (busy_timeout) instead of failing when another process wrote
#: after it had read ("database is locked" from a stale snapshot, which no wait can fix).
WRITE_INTENT = {"sqlite_immediate": True}


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def render_migration_type(type_, obj, autogen_context):
    """Alembic: write the model's own column types as the plain types they store."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    if type_ == "type" and isinstance(obj, CodeList):
        return "sa.String(length=200)"
    if type_ == "type" and isinstance(obj, Rupiah):
        return "sa.BigInteger()"
    return False


def in_models(object, name, type_, reflected, compare_to) -> bool:
    """What the models describe, for Alembic's comparison: PostgreSQL's trigram indexes
    (named trgm_*) and partial indexes (pgpart_*) are made by a migration alone."""
    return not (type_ == "index" and name and name.startswith(("trgm_", "pgpart_")))
