"""The Kasi's decision on a request: accepted (budgeted next year) or rejected (OPD notified)."""

from datetime import date, datetime
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .contracts import LetterPart
from .db import Archivable, LabeledEnum, UTCDateTime, db, enum_column
from .errors import DomainError, ReasonRequired
from .letters import RequestLetter
from .timezone import local_year, to_local
from .users import User
from .workflow import Move


def budget_year_for(decided_year: int) -> int:
    """The fiscal year an accepted request is budgeted in: the year after its decision."""
    return decided_year + 1


class Outcome(LabeledEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    LABELS = nonmember({"accepted": _l("Accepted"), "rejected": _l("Rejected")})


class Decision(LetterPart, Archivable, db.Model):
    __tablename__ = "decision"

    letter_id: Mapped[int] = mapped_column(ForeignKey("request_letter.id"), unique=True)
    outcome: Mapped[Outcome] = enum_column(Outcome, index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    budget_year: Mapped[int | None] = mapped_column(Integer, index=True)
    reply_number: Mapped[str | None] = mapped_column(String(100))
    reply_date: Mapped[date | None] = mapped_column(Date)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    letter: Mapped[RequestLetter] = relationship()
    decided_by: Mapped[User] = relationship()

    def __str__(self):
        return f"{self.letter} · {self.outcome.label if self.outcome else ''}"

    def before_save(self, at: datetime, by) -> None:
        """Accepted: budgeted the following year. Rejected: a reason is given."""
        if self.decided_at > at:
            raise DomainError(_l("A decision cannot be dated in the future."))
        if self.decided_at < self.letter.received_at:
            raise DomainError(_l("A decision cannot come before the letter was received."))
        if self.outcome is Outcome.ACCEPTED:
            self.budget_year = budget_year_for(local_year(self.decided_at))
        else:
            self.budget_year = None
            if not (self.reason or "").strip():
                raise ReasonRequired()
            if not (self.reply_number or "").strip() or self.reply_date is None:
                raise DomainError(_l("A rejection is notified to the OPD: give the reply "
                                     "letter's number and date."))
        if self.notified_at and self.notified_at < self.decided_at:
            raise DomainError(_l("The OPD cannot be notified before the decision."))
        if self.reply_date and self.reply_date < to_local(self.decided_at).date():
            raise DomainError(_l("The reply letter cannot be dated before the decision."))
        if self.id is not None and inspect(self).attrs.outcome.history.has_changes():
            raise DomainError(_l("A decision's outcome cannot be changed once recorded."))
        if self.id is None:
            move = Move.ACCEPT if self.outcome is Outcome.ACCEPTED else Move.REJECT
            self.letter.move(move, by=self.decided_by or by, at=at, happened_at=self.decided_at,
                             holder=self.decided_by)
