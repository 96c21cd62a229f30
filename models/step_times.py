"""What a calendar change does to the steps: an open step's due time follows the calendar at
once; a finished step keeps its figures until someone deliberately recalculates them."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from .figures import FIGURES, measure
from .steps import StepRecord
from .timezone import from_local

#: Figures closer than this (in minutes) are the same: a float read back from the database.
TOLERANCE = 1e-6


def reschedule_open_steps(session: Session, calendar) -> int:
    """Move the due time of every open step to what `calendar` makes it; returns how many
    moved. The caller has stamped the session: the moves are audited with its change."""
    steps = session.scalars(select(StepRecord).where(StepRecord.finished_at.is_(None))).all()
    if not steps:
        return 0
    due = _due(calendar, steps)
    moved = 0
    for step, new in zip(steps, due, strict=True):
        if new != step.due_at:
            step.due_at, moved = new, moved + 1
    return moved


def _due(calendar, steps) -> list[datetime]:
    """StepRecord.due_on for many steps at once (to the microsecond up, as it rounds)."""
    due = calendar.add_working_minutes_many(
        pd.Series([s.started_at for s in steps]),
        pd.Series([s.standard_minutes + s.paused_minutes for s in steps], dtype="float64"))
    return [moment.to_pydatetime() for moment in due.dt.ceil("us")]


@dataclass
class Remeasured:
    """A finished step whose stored figures differ from what the calendar gives now."""

    step: StepRecord
    old: dict
    new: dict


def remeasure_finished(session: Session, calendar, first: date | None = None,
                       last: date | None = None) -> list[Remeasured]:
    """The finished steps started from office-local day `first` to `last` (inclusive) whose
    figures or due time the calendar now puts otherwise; nothing is changed."""
    query = select(StepRecord).where(StepRecord.finished_at.is_not(None))
    if first:
        query = query.where(StepRecord.started_at >= from_local(datetime.combine(first, time())))
    if last:
        query = query.where(StepRecord.started_at < from_local(
            datetime.combine(last + timedelta(days=1), time())))
    steps = session.scalars(query.order_by(StepRecord.started_at, StepRecord.id)).all()
    if not steps:
        return []
    started = pd.Series([s.started_at for s in steps])
    now = measure(calendar, started, pd.Series([s.finished_at for s in steps]),
                  pd.Series([s.paused_minutes for s in steps]))
    changed = []
    for step, row, due in zip(steps, now.itertuples(index=False), _due(calendar, steps),
                              strict=True):
        old = {name: getattr(step, name) for name in (*FIGURES, "due_at")}
        new = {name: float(getattr(row, name)) for name in FIGURES}
        new["due_at"] = due
        if new["due_at"] != old["due_at"] or any(
                old[name] is None or abs(old[name] - new[name]) > TOLERANCE for name in FIGURES):
            changed.append(Remeasured(step, old, new))
    return changed


def recalculate(changes: list[Remeasured]) -> None:
    """Store the new figures; the session's stamp audits them at the next flush."""
    for change in changes:
        for name, value in change.new.items():
            setattr(change.step, name, value)
