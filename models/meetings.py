"""Technical meetings (rapat teknis) with the requesting OPD, normally in the Pontive Center."""

from datetime import date, datetime, time, timedelta

from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, func, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from .agencies import Agency
from .attachments import Attachment
from .contracts import LetterPart
from .db import Archivable, UTCDateTime, db
from .errors import DomainError
from .letters import RequestLetter
from .timezone import from_local, local_datetime, to_local
from .users import User
from .workflow import LetterStatus, Move

#: The statuses in which a letter can have its technical meeting (re)scheduled or minuted.
MEETING_STATUSES = (LetterStatus.AT_KASI, LetterStatus.IN_ANALYSIS, LetterStatus.ACCEPTED,
                    LetterStatus.REJECTED, LetterStatus.IN_RKA, LetterStatus.BUILT)

#: The SOP's meeting room.
DEFAULT_PLACE = "Ruang Rapat Pontive Center"


#: How long a meeting holds its room when no end is given.
LENGTH = timedelta(hours=2)
#: The usual starts of a meeting: one after the other, they never overlap.
USUAL_STARTS = (time(8, 30), time(10, 30), time(13, 30))


def in_pontive_center(place: str) -> bool:
    return "pontive" in (place or "").lower()


def same_room_name(place: str) -> str:
    """The room `place` names: any spelling of the Pontive Center is that room, another name
    is the same room whatever its case and outer spaces."""
    return "pontive" if in_pontive_center(place) else (place or "").strip().lower()


def same_room(place: str):
    """The clause for meetings in the room `place` names (see same_room_name)."""
    if in_pontive_center(place):
        return func.lower(Meeting.place).contains("pontive")
    return func.lower(func.trim(Meeting.place)) == same_room_name(place)


def _usual_end(context) -> datetime | None:
    """The column's default at insert (a form asking for its default is given none)."""
    return None if context is None else context.get_current_parameters()["scheduled_at"] + LENGTH


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
    #: Until when the meeting holds its room (by default, LENGTH after it starts).
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, default=_usual_end)
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

    def clash(self, session) -> "Meeting | None":
        """The first other meeting holding the same room at some moment of this one's: saved,
        or added to the session and not yet written."""
        def overlaps(other):
            return other.scheduled_at < self.ends_at and other.ends_at > self.scheduled_at

        pending = [other for other in session.new if isinstance(other, Meeting)
                   and other is not self and other.archived_at is None and overlaps(other)
                   and same_room_name(other.place) == same_room_name(self.place)]
        saved = session.scalar(holding(self.place, self.scheduled_at, self.ends_at)
                               .where(Meeting.id != (self.id or 0))
                               .order_by(Meeting.scheduled_at).limit(1))
        return min(pending + ([saved] if saved else []), key=lambda m: m.scheduled_at,
                   default=None)

    def before_save(self, at: datetime, by) -> None:
        """A meeting follows the letter and has its room to itself; minutes belong to a
        meeting that was held."""
        if self.ends_at is None and self.scheduled_at is not None:
            self.ends_at = self.scheduled_at + LENGTH
        if self.ends_at <= self.scheduled_at:
            raise DomainError(_l("A meeting ends after it starts."), field="ends_at")
        if self.archived_at is None and (other := self.clash(db.session)) is not None:
            raise DomainError(
                _l("%(place)s is booked from %(start)s to %(end)s for the meeting on letter "
                   "%(letter)s (%(agency)s). Choose another time or room."),
                field="scheduled_at", place=other.place, start=local_datetime(other.scheduled_at),
                end=format_time(to_local(other.ends_at), "HH:mm", rebase=False),
                letter=f"{other.letter.agenda_number}/{other.letter.agenda_year}",
                agency=other.letter.agency)
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


def first_free_start(session, at: datetime, calendar, place: str = DEFAULT_PLACE) -> datetime:
    """The first usual start, from the office day after `at` (on `calendar`), when the room
    `place` names is free for a meeting of the usual length."""
    day = to_local(at).date() + timedelta(days=1)
    for _ in range(60):
        if calendar.windows_on(day):
            for hour in USUAL_STARTS:
                start = from_local(datetime.combine(day, hour))
                if Meeting(place=place, scheduled_at=start,
                           ends_at=start + LENGTH).clash(session) is None:
                    return start
        day += timedelta(days=1)
    return from_local(datetime.combine(day, USUAL_STARTS[0]))


def holding(place: str, start: datetime, end: datetime):
    """The query of the meetings (not archived) holding the room `place` names at some moment
    between `start` and `end`."""
    return select(Meeting).where(same_room(place), Meeting.archived_at.is_(None),
                                 Meeting.scheduled_at < end, Meeting.ends_at > start)


def bookings(session, start: datetime, end: datetime, place: str = DEFAULT_PLACE) -> list[Meeting]:
    """The room's meetings between `start` and `end` by start time, each with its letter and
    the letter's agency."""
    return session.scalars(holding(place, start, end)
                           .options(joinedload(Meeting.letter).joinedload(RequestLetter.agency))
                           .order_by(Meeting.scheduled_at)).all()
