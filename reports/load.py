"""The one loader at the edge: step records straight from the database into a DataFrame,
whole or a chunk at a time."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Context, Decimal

import pandas as pd
from sqlalchemy import select

from models import Agency, Application, Decision, RequestLetter, RkaItem, StepRecord, User, db
from models.figures import FIGURES

#: The columns every report starts from.
STEP_COLUMNS = ["step_id", "letter_id", "agenda_year", "agenda_number", "letter_number",
                "agency_id", "agency_code", "agency_name", "step", "holder_id", "holder",
                "started_at", "due_at", "finished_at", "standard_minutes", "paused_minutes",
                "paused_since", *FIGURES]
TIME_COLUMNS = ["started_at", "due_at", "finished_at", "paused_since"]
#: Step rows read (and computed and written) at a time when a report is streamed: memory
#: stays flat whatever the period's size (a million-step download peaks near 230 MB of
#: process memory at 20,000, 310 MB at 50,000, in about the same time). Read at each call,
#: so tests can lower it.
CHUNK_ROWS = 20_000


def engine():
    """Where reports read: REPORTS_DATABASE_URL (a standby) when set, else the app's database;
    each report reads on a connection of its own, never the session, and never writes."""
    return db.engines.get("reports", db.engine)


def steps_query(start: datetime, end: datetime, agency_id=None, step=None, holder_id=None):
    """Steps started in [start, end), optionally for one agency, step or official."""
    query = (select(StepRecord.id, StepRecord.letter_id, RequestLetter.agenda_year,
                    RequestLetter.agenda_number, RequestLetter.number, RequestLetter.agency_id,
                    Agency.code, Agency.name, StepRecord.number, StepRecord.holder_id,
                    User.full_name, StepRecord.started_at, StepRecord.due_at,
                    StepRecord.finished_at, StepRecord.standard_minutes,
                    StepRecord.paused_minutes, StepRecord.paused_since,
                    *(getattr(StepRecord, name) for name in FIGURES))
             .join(RequestLetter, RequestLetter.id == StepRecord.letter_id)
             .join(Agency, Agency.id == RequestLetter.agency_id)
             .outerjoin(User, User.id == StepRecord.holder_id)
             .where(StepRecord.started_at >= start, StepRecord.started_at < end,
                    RequestLetter.archived_at.is_(None)))
    if agency_id:
        query = query.where(RequestLetter.agency_id == agency_id)
    if step:
        query = query.where(StepRecord.number == step)
    if holder_id:
        query = query.where(StepRecord.holder_id == holder_id)
    return query


def in_start_order(query):
    """The steps in the order the reports list them: by start, then by record (as load_steps
    sorts them)."""
    return query.order_by(StepRecord.started_at, StepRecord.id)


def overdue_steps(query, as_of: datetime):
    """Of the query's steps, those overdue_now lists, in its order: open, running (not paused)
    and due before `as_of`, by due time, then by start and record."""
    return (query.where(StepRecord.finished_at.is_(None), StepRecord.paused_since.is_(None),
                        StepRecord.due_at < as_of)
            .order_by(StepRecord.due_at, StepRecord.started_at, StepRecord.id))


def _sql(connection, query) -> str:
    """The query's values are ours (dates and ids), so they are written into the SQL."""
    return str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))


def load_frame(connection, query, columns) -> pd.DataFrame:
    """Run the query on the driver's own cursor: no ORM objects, no per-row conversions."""
    sql = _sql(connection, query)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return pd.DataFrame(cursor.fetchall(), columns=columns)
    finally:
        cursor.close()


#: Text columns of the step records (read as text even when they look like numbers).
STEP_TEXT = ("letter_number", "agency_code", "agency_name", "holder")


class _CopyFile(io.RawIOBase):
    """The blocks of a COPY as a binary file, for pandas' parser to read as they come."""

    def __init__(self, copy):
        self._blocks = iter(copy)

    def readable(self):
        return True

    def read(self, size=-1):
        parts, length = [], 0
        for block in self._blocks:
            parts.append(bytes(block))
            length += len(block)
            if length >= size > 0:
                break
        return b"".join(parts)


@contextmanager
def _copied(connection, query):
    """PostgreSQL: the rows streamed out with COPY as CSV, for pandas' C parser to read,
    instead of building a Python object per value. Left early, the COPY is cancelled."""
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY ({_sql(connection, query)}) TO STDOUT (FORMAT CSV)") as copy:
        yield _CopyFile(copy)


def _csv_options(columns, text) -> dict:
    """Empty text is text; an empty value of any other column is missing."""
    return dict(names=columns, dtype=dict.fromkeys(text, "string"), keep_default_na=False,
                na_values={c: [""] for c in columns if c not in text})


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Step records with their times parsed as UTC in bulk."""
    for column in TIME_COLUMNS:  # in microseconds, as "now" is: whole-second data parses as
        # seconds, and filling an open step's end with a finer "now" would then fail
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").dt.as_unit(
            "us")
    for column in ("paused_minutes", *FIGURES):  # a finished step's stored figures
        frame[column] = frame[column].astype("float64")
    return frame


def load_steps(connection, query) -> pd.DataFrame:
    """Step records, in start order (ties by record)."""
    if connection.dialect.name == "postgresql":
        with _copied(connection, query) as file:
            frame = pd.read_csv(file, **_csv_options(STEP_COLUMNS, STEP_TEXT))
    else:
        frame = load_frame(connection, query, STEP_COLUMNS)
    # ordered here rather than in SQL: sorting in pandas beats the database's sort
    return _typed(frame).sort_values(["started_at", "step_id"], kind="stable",
                                     ignore_index=True)


def iter_steps(connection, query) -> Iterator[pd.DataFrame]:
    """Step records in the query's own order, CHUNK_ROWS at a time, typed as load_steps types
    them; read from a server-side cursor (or COPY) that is closed when the caller stops."""
    if connection.dialect.name == "postgresql":
        with _copied(connection, query) as file, pd.read_csv(
                file, chunksize=CHUNK_ROWS, **_csv_options(STEP_COLUMNS, STEP_TEXT)) as chunks:
            for frame in chunks:
                yield _typed(frame)
        return
    # stream_results: MariaDB's driver would otherwise fetch every row before the first
    with connection.execution_options(stream_results=True).exec_driver_sql(
            _sql(connection, query)) as result:
        while rows := result.fetchmany(CHUNK_ROWS):
            # as plain tuples (pandas is slow on Rows); the rows go before the next are read
            frame = pd.DataFrame(list(map(tuple, rows)), columns=STEP_COLUMNS)
            del rows
            yield _typed(frame)


CENT = Decimal("0.01")


#: Room for any volume an older SQLite row may hold (1e40 was once imported): quantizing it
#: in the default 28 digits would fail the whole report.
WIDE = Context(prec=400)


def _hundredths(values: pd.Series) -> pd.Series:
    """Exact volumes: PostgreSQL and MariaDB give Decimals, SQLite floats of the same cents."""
    return values.map(lambda v: Decimal(str(v)).quantize(CENT, context=WIDE))


def _rupiah(values: pd.Series) -> pd.Series:
    """Exact Rupiah from the whole sen the column stores (models.db.Rupiah)."""
    return values.map(lambda v: Decimal(int(v)).scaleb(-2))


RKA_COLUMNS = ["code", "description", "agency", "volume", "unit", "unit_price", "total",
               "funding_source", "status", "letter_id", "fiscal_year"]


def load_rka(connection, fiscal_year=None, letter_year=None, agency_id=None) -> pd.DataFrame:
    """RKA items of a fiscal year (or of the requests registered in a year, whenever they were
    decided), in exact Rupiah; only those of one agency's requests when `agency_id` is given."""
    query = (select(RkaItem.nomenclature_code, RkaItem.description, Agency.name, RkaItem.volume,
                    RkaItem.unit, RkaItem.unit_price, RkaItem.total, RkaItem.funding_source,
                    RkaItem.status, Decision.letter_id, RkaItem.fiscal_year)
             .join(Decision, Decision.id == RkaItem.decision_id)
             .join(RequestLetter, RequestLetter.id == Decision.letter_id)
             .join(Agency, Agency.id == RequestLetter.agency_id)
             .where(RkaItem.archived_at.is_(None)))
    if fiscal_year is not None:
        query = query.where(RkaItem.fiscal_year == fiscal_year)
    if letter_year is not None:
        query = query.where(RequestLetter.agenda_year == letter_year)
    if agency_id is not None:
        query = query.where(RequestLetter.agency_id == agency_id)
    frame = load_frame(connection, query, RKA_COLUMNS)
    frame["volume"] = _hundredths(frame["volume"])
    for column in ("unit_price", "total"):
        frame[column] = _rupiah(frame[column])
    return frame


LETTER_COLUMNS = ["letter_id", "agenda_year", "agenda_number", "number", "agency",
                  "request_kind", "application_name", "status", "outcome", "reason",
                  "budget_year"]


def load_year_letters(connection, year: int, agency_id=None) -> pd.DataFrame:
    """The requests registered in a year, with their decisions; one agency's when given."""
    query = (select(RequestLetter.id, RequestLetter.agenda_year, RequestLetter.agenda_number,
                    RequestLetter.number, Agency.name, RequestLetter.request_kind,
                    RequestLetter.application_name, RequestLetter.status, Decision.outcome,
                    Decision.reason, Decision.budget_year)
             .join(Agency, Agency.id == RequestLetter.agency_id)
             .outerjoin(Decision, Decision.letter_id == RequestLetter.id)
             .where(RequestLetter.agenda_year == year, RequestLetter.archived_at.is_(None)))
    if agency_id is not None:
        query = query.where(RequestLetter.agency_id == agency_id)
    return load_frame(connection, query, LETTER_COLUMNS)


APPLICATION_COLUMNS = ["application", "agency", "spbe_category", "platform", "status",
                       "year_built", "letter_id"]


def load_applications(connection, built_by: int, agency_id=None) -> pd.DataFrame:
    """The inventory as it stood at the end of year `built_by`; one agency's when given."""
    query = (select(Application.name, Agency.name, Application.spbe_category,
                    Application.platform, Application.status, Application.year_built,
                    Application.letter_id)
             .join(Agency, Agency.id == Application.agency_id)
             .where(Application.archived_at.is_(None),
                    (Application.year_built.is_(None)) | (Application.year_built <= built_by)))
    if agency_id is not None:
        query = query.where(Application.agency_id == agency_id)
    return load_frame(connection, query, APPLICATION_COLUMNS)

