"""Where a request is, and everything that happened to it, in time order: what an OPD following
it, or anyone in the office, wants to know.

The office's staff read the whole record: moves, dispositions with their instructions and
notes, who read them, meetings, the decision, the RKA, pauses, files and comments. An OPD reads
its request's path, due times, its meeting invitation and the decision, nothing internal.
A page costs a fixed number of statements, however long the timeline.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .comments import sees_internals
from .decisions import Decision
from .letters import RequestLetter
from .meetings import Meeting
from .steps import StepRecord
from .timeline_entries import RANK, Entries, Entry
from .users import Role
from .workflow import DESK, StatusChange


@dataclass
class Timeline:
    """The request's path so far, who holds it now and since when, what is due by when, the
    technical meeting's invitation and the decision with its reason; and its entries."""

    letter: RequestLetter
    history: list[StatusChange]
    desk: Role | None
    holder: object
    since: datetime | None
    due_at: datetime | None
    meetings: list[Meeting]
    decision: Decision | None
    #: Whether the reader sees the internal record (and may comment).
    internal: bool = False
    entries: list[Entry] = field(default_factory=list)

    @classmethod
    def of(cls, letter: RequestLetter, session, viewer=None) -> "Timeline":
        """The letter's timeline as `viewer` may read it (none: as an OPD would)."""
        internal = viewer is not None and sees_internals(viewer.role)
        history = session.scalars(select(StatusChange).where(
            StatusChange.letter_id == letter.id).options(joinedload(StatusChange.by))
            .order_by(StatusChange.happened_at, StatusChange.id)).all()
        steps = session.scalars(select(StepRecord).where(StepRecord.letter_id == letter.id)
                                .options(joinedload(StepRecord.holder))
                                .order_by(StepRecord.number, StepRecord.id)).all()
        meetings = session.scalars(select(Meeting).where(
            Meeting.letter_id == letter.id, Meeting.archived_at.is_(None))
            .options(joinedload(Meeting.minutes_file)).order_by(Meeting.scheduled_at)).all()
        decision = session.scalar(select(Decision).where(
            Decision.letter_id == letter.id, Decision.archived_at.is_(None))
            .options(joinedload(Decision.decided_by)))
        step = next((s for s in steps if s.is_open), None)
        timeline = cls(letter=letter, history=history, desk=DESK.get(letter.status),
                       holder=step.holder if step else None,
                       since=history[-1].happened_at if history else letter.received_at,
                       due_at=step.due_at if step else None, meetings=meetings,
                       decision=decision, internal=internal)
        timeline.entries = sorted(Entries(session, letter, internal).entries(
            history, steps, meetings, decision), key=lambda e: (e.at, RANK[e.kind]))
        return timeline
