"""Escalation: a step that passes its due time is told to its holder and their superior, once
(run by `flask notifications send`, the cron command)."""

from datetime import datetime

from sqlalchemy import select

from .letters import RequestLetter
from .recording import save
from .steps import StepRecord


def escalate_overdue(session, at: datetime) -> int:
    """Tell the holder of every running step past its due time at `at`, and their superior,
    with a notice and an email each; a step is told once. Returns how many steps were told."""
    steps = session.scalars(
        select(StepRecord).join(RequestLetter, RequestLetter.id == StepRecord.letter_id)
        .where(StepRecord.deadline_clause("overdue", at),
               StepRecord.overdue_notified_at.is_(None), RequestLetter.archived_at.is_(None))
        .order_by(StepRecord.due_at, StepRecord.id)).all()
    for step in steps:
        step.overdue_notified_at = at
        save(session, step, at=at, by=None, created=False, announce=True)
    return len(steps)
