"""Technical meetings (rapat teknis) with the requesting OPD, normally in the Pontive Center."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .agencies import Agency
from .attachments import Attachment
from .contracts import LetterPart
from .db import Archivable, UTCDateTime, db
from .errors import DomainError
from .letters import RequestLetter
from .timezone import to_local
from .users import User
from .workflow import LetterStatus, Move

#: The statuses in which a letter can have its technical meeting (re)scheduled or minuted.
MEETING_STATUSES = (LetterStatus.AT_KASI, LetterStatus.IN_ANALYSIS, LetterStatus.ACCEPTED,
                    LetterStatus.REJECTED, LetterStatus.IN_RKA, LetterStatus.BUILT)

#: The SOP's meeting room.
DEFAULT_PLACE = "Ruang Rapat Pontive Center"


def in_pontive_center(place: str) -> bool:
    return "pontive" in (place or "").lower()

meeting_staff = Table(
    "meeting_staff", db.metadata,
    Column("meeting_id", ForeignKey("meeting.id"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id"), primary_key=True),
)
meeting_agency = Table(
    "meeting_agency", db.metadata,
    Column("meeting_id", ForeignKey("meeting.id"), primary_key=True),
    Column("agency_id", ForeignKey("agency.id"), primary_key=True),
)


class Meeting(LetterPart, Archivable, db.Model):
    __tablename__ = "meeting"

    letter_id: Mapped[int] = mapped_column(ForeignKey("request_letter.id"), index=True)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(150), default=DEFAULT_PLACE, index=True)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_file_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    recommendation: Mapped[str | None] = mapped_column(Text)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: The invitation letter's number and date (naskah dinas), as the office registered it.
    invitation_number: Mapped[str | None] = mapped_column(String(100))
    invitation_date: Mapped[date | None] = mapped_column(Date)

    letter: Mapped[RequestLetter] = relationship()
    staff: Mapped[list[User]] = relationship(secondary=meeting_staff)
    agencies: Mapped[list[Agency]] = relationship(secondary=meeting_agency)
    minutes_file: Mapped[Attachment | None] = relationship()

    def __str__(self):
        return f"{self.letter} · {self.place}"

    def before_save(self, at: datetime, by) -> None:
        """A meeting follows the letter; minutes belong to a meeting that was held."""
        if self.scheduled_at < self.letter.received_at:
            raise DomainError(_l("A meeting cannot be scheduled before the letter was received."))
        if self.held_at and self.held_at > at:
            raise DomainError(_l("A meeting cannot be held in the future."))
        if self.held_at and self.held_at < self.letter.received_at:
            raise DomainError(_l("A meeting cannot be held before the letter was received."))
        if self.invitation_date and self.invitation_date > to_local(self.scheduled_at).date():
            raise DomainError(_l("The invitation cannot be dated after the meeting."))
        if (self.minutes or self.recommendation) and not self.held_at:
            raise DomainError(_l("Record when the meeting was held before its minutes."))
        if self.id is None and self.letter.status is LetterStatus.AT_KASI:
            self.letter.move(Move.START_ANALYSIS, by=by, at=at,
                             happened_at=min(at, self.scheduled_at))
        elif self.letter.status not in MEETING_STATUSES:
            raise DomainError(_l("A technical meeting is held once the Kasi has the letter."))
