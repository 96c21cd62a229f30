"""Where a request is: what an OPD following it, or anyone in the office, wants to know."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .decisions import Decision
from .documents import IssuedDocument
from .letters import RequestLetter
from .meetings import Meeting
from .users import Role
from .workflow import DESK, StatusChange


@dataclass
class Timeline:
    """The request's path so far, who holds it now and since when, what is due by when, the
    technical meeting's invitation, the decision with its reason, and the letters issued."""

    letter: RequestLetter
    history: list[StatusChange]
    desk: Role | None
    holder: object
    since: datetime | None
    due_at: datetime | None
    meetings: list[Meeting]
    decision: Decision | None
    documents: list[IssuedDocument]

    @classmethod
    def of(cls, letter: RequestLetter, session) -> "Timeline":
        history = sorted(letter.history, key=lambda change: change.happened_at)
        step = next((s for s in letter.steps if s.is_open), None)
        meetings = session.scalars(select(Meeting).where(
            Meeting.letter_id == letter.id, Meeting.archived_at.is_(None))
            .order_by(Meeting.scheduled_at)).all()
        decision = session.scalar(select(Decision).where(
            Decision.letter_id == letter.id, Decision.archived_at.is_(None)))
        documents = session.scalars(select(IssuedDocument).where(
            IssuedDocument.letter_id == letter.id, IssuedDocument.pdf_id.is_not(None))
            .order_by(IssuedDocument.issued_at, IssuedDocument.id)).all()
        return cls(letter=letter, history=history, desk=DESK.get(letter.status),
                   holder=step.holder if step else None,
                   since=history[-1].happened_at if history else letter.received_at,
                   due_at=step.due_at if step else None, meetings=meetings, decision=decision,
                   documents=documents)
