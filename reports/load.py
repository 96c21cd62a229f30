"""The one loader at the edge: step records straight from the database into a DataFrame."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pandas as pd
from sqlalchemy import select

from models import Agency, Application, Decision, RequestLetter, RkaItem, StepRecord, User

#: The columns every report starts from.
STEP_COLUMNS = ["step_id", "letter_id", "agenda_year", "agenda_number", "letter_number",
                "agency_id", "agency_code", "agency_name", "step", "holder_id", "holder",
                "started_at", "due_at", "finished_at", "standard_minutes", "paused_minutes",
                "paused_since"]
TIME_COLUMNS = ["started_at", "due_at", "finished_at", "paused_since"]


def steps_query(start: datetime, end: datetime, agency_id=None, step=None, holder_id=None):
    """Steps started in [start, end), optionally for one agency, step or official."""
    query = (select(StepRecord.id, StepRecord.letter_id, RequestLetter.agenda_year,
                    RequestLetter.agenda_number, RequestLetter.number, RequestLetter.agency_id,
                    Agency.code, Agency.name, StepRecord.number, StepRecord.holder_id,
                    User.full_name, StepRecord.started_at, StepRecord.due_at,
                    StepRecord.finished_at, StepRecord.standard_minutes,
                    StepRecord.paused_minutes, StepRecord.paused_since)
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


def load_frame(connection, query, columns) -> pd.DataFrame:
    """Run the query on the driver's own cursor: no ORM objects, no per-row conversions.
    The query's values are ours (dates and ids), so they are written into the SQL."""
    sql = str(query.compile(dialect=connection.dialect,
                            compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return pd.DataFrame(cursor.fetchall(), columns=columns)
    finally:
        cursor.close()


#: Text columns of the step records (read as text even when they look like numbers).
STEP_TEXT = ("letter_number", "agency_code", "agency_name", "holder")


def _copy_frame(connection, query, columns, text) -> pd.DataFrame:
    """PostgreSQL: stream the rows out with COPY as CSV and let pandas' C parser read them,
    instead of building a Python object per value."""
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    buffer = BytesIO()
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)") as copy:
            for chunk in copy:
                buffer.write(chunk)
    buffer.seek(0)
    return pd.read_csv(buffer, names=columns, dtype=dict.fromkeys(text, "string"),
                       keep_default_na=False, na_values={c: [""] for c in columns
                                                         if c not in text})


def load_steps(connection, query) -> pd.DataFrame:
    """Step records with their times parsed as UTC in bulk."""
    if connection.dialect.name == "postgresql":
        frame = _copy_frame(connection, query, STEP_COLUMNS, STEP_TEXT)
    else:
        frame = load_frame(connection, query, STEP_COLUMNS)
    for column in TIME_COLUMNS:  # in microseconds, as "now" is: whole-second data parses as
        # seconds, and filling an open step's end with a finer "now" would then fail
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").dt.as_unit(
            "us")
    frame["paused_minutes"] = frame["paused_minutes"].astype("float64")
    # ordered here rather than in SQL: a stable sort of one column beats the database's sort
    return frame.sort_values("started_at", kind="stable", ignore_index=True)


CENT = Decimal("0.01")


def _rupiah(values: pd.Series) -> pd.Series:
    """Exact Rupiah: PostgreSQL and MariaDB give Decimals, SQLite floats of the same cents."""
    return values.map(lambda v: Decimal(str(v)).quantize(CENT))


RKA_COLUMNS = ["code", "description", "agency", "volume", "unit", "unit_price", "total",
               "funding_source", "status", "letter_id", "fiscal_year"]


def load_rka(connection, fiscal_year=None, decision_year=None) -> pd.DataFrame:
    """RKA items of a fiscal year (or of the requests decided in a year), in exact Rupiah."""
    query = (select(RkaItem.nomenclature_code, RkaItem.description, Agency.name, RkaItem.volume,
                    RkaItem.unit, RkaItem.unit_price, RkaItem.total, RkaItem.funding_source,
                    RkaItem.status, Decision.letter_id, RkaItem.fiscal_year)
             .join(Decision, Decision.id == RkaItem.decision_id)
             .join(RequestLetter, RequestLetter.id == Decision.letter_id)
             .join(Agency, Agency.id == RequestLetter.agency_id)
             .where(RkaItem.archived_at.is_(None)))
    if fiscal_year is not None:
        query = query.where(RkaItem.fiscal_year == fiscal_year)
    if decision_year is not None:
        query = query.where(Decision.budget_year == decision_year + 1)
    frame = load_frame(connection, query, RKA_COLUMNS)
    for column in ("volume", "unit_price", "total"):
        frame[column] = _rupiah(frame[column])
    return frame


LETTER_COLUMNS = ["letter_id", "agenda_year", "agenda_number", "number", "agency",
                  "request_kind", "application_name", "status", "outcome", "reason",
                  "budget_year"]


def load_year_letters(connection, year: int) -> pd.DataFrame:
    """The requests registered in a year, with their decisions."""
    query = (select(RequestLetter.id, RequestLetter.agenda_year, RequestLetter.agenda_number,
                    RequestLetter.number, Agency.name, RequestLetter.request_kind,
                    RequestLetter.application_name, RequestLetter.status, Decision.outcome,
                    Decision.reason, Decision.budget_year)
             .join(Agency, Agency.id == RequestLetter.agency_id)
             .outerjoin(Decision, Decision.letter_id == RequestLetter.id)
             .where(RequestLetter.agenda_year == year, RequestLetter.archived_at.is_(None)))
    return load_frame(connection, query, LETTER_COLUMNS)


APPLICATION_COLUMNS = ["application", "agency", "spbe_category", "platform", "status",
                       "year_built", "letter_id"]


def load_applications(connection, built_by: int) -> pd.DataFrame:
    """The inventory as it stood at the end of year `built_by`."""
    query = (select(Application.name, Agency.name, Application.spbe_category,
                    Application.platform, Application.status, Application.year_built,
                    Application.letter_id)
             .join(Agency, Agency.id == Application.agency_id)
             .where(Application.archived_at.is_(None),
                    (Application.year_built.is_(None)) | (Application.year_built <= built_by)))
    return load_frame(connection, query, APPLICATION_COLUMNS)

