"""The one loader at the edge: step records straight from the database into a DataFrame."""

from datetime import datetime

import pandas as pd
from sqlalchemy import select

from models import Agency, RequestLetter, StepRecord, User

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


def load_steps(connection, query) -> pd.DataFrame:
    """Run the query on the driver's own cursor and parse its times as UTC in bulk: no ORM
    objects, no per-row conversions. The query's values are ours (dates and ids), so they are
    written into the SQL."""
    sql = str(query.compile(dialect=connection.dialect,
                            compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        frame = pd.DataFrame(cursor.fetchall(), columns=STEP_COLUMNS)
    finally:
        cursor.close()
    for column in TIME_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    frame["paused_minutes"] = frame["paused_minutes"].astype("float64")
    return frame.sort_values(["started_at", "step_id"], ignore_index=True)  # cheaper than SQL
