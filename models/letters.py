"""Request letters (surat permohonan) from an OPD, registered with an agenda number."""

import re
from datetime import date, datetime, timedelta
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .acting import ActingAssignment
from .agencies import Agency
from .attachments import Attachment
from .contracts import AgencyOwned
from .db import Archivable, LabeledEnum, UTCDateTime, db, enum_column
from .errors import DomainError, DuplicateLetterNumber
from .office_calendar import office_calendar
from .standards import ServiceStandard
from .steps import StepRecord
from .timezone import FUTURE_TOLERANCE, local_year, to_local
from .workflow import TRANSITIONS, InvalidTransition, LetterStatus, StatusChange

#: The archive classification code for application requests (Permendagri 83/2022).
DEFAULT_ARCHIVE_CODE = "500.12"
#: A letter dated longer than this before it was received is saved only once the date is
#: confirmed: it happens, but far more often the year or the day and month were mistyped.
LONG_BEFORE = timedelta(days=365)


#: An agenda number as the screens show it: 54/2026.
AGENDA_SHOWN = re.compile(r"(\d{1,9})\s*/\s*(\d{4})")


def _like(term: str) -> str:
    """`term` anywhere in a text, its LIKE wildcards taken literally."""
    return "%" + re.sub(r"([!%_])", r"!\1", term) + "%"


def dated_long_before(letter_date: date, received_on: date) -> bool:
    """Whether a letter dated `letter_date` and received on `received_on` (an office day)
    was written unusually long before it arrived."""
    return received_on - letter_date > LONG_BEFORE


class RequestKind(LabeledEnum):
    NEW = "new"
    UPGRADE = "upgrade"
    LABELS = nonmember({"new": _l("New application (pembuatan baru)"),
                        "upgrade": _l("Upgrade (peningkatan)")})


class SpbeCategory(LabeledEnum):
    GENERAL = "general"
    SPECIFIC = "specific"
    LABELS = nonmember({"general": _l("General application (aplikasi umum)"),
                        "specific": _l("Specific application (aplikasi khusus)")})


class SecurityClass(LabeledEnum):
    ORDINARY = "biasa"
    LIMITED = "terbatas"
    SECRET = "rahasia"
    TOP_SECRET = "sangat_rahasia"
    LABELS = nonmember({"biasa": _l("Ordinary (Biasa)"), "terbatas": _l("Limited (Terbatas)"),
                        "rahasia": _l("Secret (Rahasia)"),
                        "sangat_rahasia": _l("Top secret (Sangat Rahasia)")})


class Urgency(LabeledEnum):
    ORDINARY = "biasa"
    URGENT = "segera"
    VERY_URGENT = "sangat_segera"
    LABELS = nonmember({"biasa": _l("Ordinary (Biasa)"), "segera": _l("Urgent (Segera)"),
                        "sangat_segera": _l("Very urgent (Sangat Segera)")})


class RequestLetter(AgencyOwned, Archivable, db.Model):
    __tablename__ = "request_letter"
    __table_args__ = (UniqueConstraint("agenda_year", "agenda_number"),
                      UniqueConstraint("agency_id", "number"),
                      # the clerk's and the Kepala Dinas's desks (a status, not archived,
                      # oldest first), and the home page's counts per status, from the index
                      Index("ix_request_letter_desk", "status", "archived_at", "received_at"))

    agenda_year: Mapped[int] = mapped_column(Integer)
    agenda_number: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))
    letter_date: Mapped[date] = mapped_column(Date, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str | None] = mapped_column(Text)
    request_kind: Mapped[RequestKind] = enum_column(RequestKind, index=True)
    application_name: Mapped[str | None] = mapped_column(String(150))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    spbe_category: Mapped[SpbeCategory] = enum_column(SpbeCategory, index=True)
    security_class: Mapped[SecurityClass] = enum_column(SecurityClass,
                                                        default=SecurityClass.ORDINARY, index=True)
    urgency: Mapped[Urgency] = enum_column(Urgency, default=Urgency.ORDINARY, index=True)
    archive_code: Mapped[str] = mapped_column(String(20), default=DEFAULT_ARCHIVE_CODE)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    status: Mapped[LetterStatus] = enum_column(LetterStatus, default=LetterStatus.REGISTERED,
                                               index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    agency: Mapped[Agency] = relationship()
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="letter", order_by=StatusChange.happened_at)
    steps: Mapped[list[StepRecord]] = relationship(
        back_populates="letter", order_by="StepRecord.number")
    application: Mapped["Application | None"] = relationship(  # noqa: F821
        foreign_keys=[application_id])
    scan: Mapped[Attachment | None] = relationship()
    registered_by: Mapped["User | None"] = relationship()  # noqa: F821

    def __str__(self):
        return f"{self.agenda_number}/{self.agenda_year} · {self.number}"

    @classmethod
    def agency_scope(cls, agency_id):
        return cls.agency_id == agency_id

    @property
    def owner_agency_id(self):
        return self.agency.id if self.agency is not None else self.agency_id

    @classmethod
    def matching(cls, text: str):
        """The letters a search for `text` finds: each word is in the agenda number as shown
        (54/2026, by the unique index), the letter number, the subject, the application's
        name, or the sending agency's name or short name (a look-up in the small agency
        table, not a join)."""
        return and_(true(), *(cls._matching_word(word) for word in text.split()))

    @classmethod
    def _matching_word(cls, word: str):
        like = _like(word)
        found = [cls.number.ilike(like, escape="!"), cls.subject.ilike(like, escape="!"),
                 cls.application_name.ilike(like, escape="!"),
                 cls.agency_id.in_(select(Agency.id).where(or_(
                     Agency.name.ilike(like, escape="!"),
                     Agency.short_name.ilike(like, escape="!"))))]
        agenda = AGENDA_SHOWN.fullmatch(word)
        if agenda:
            found.append(and_(cls.agenda_number == int(agenda[1]),
                              cls.agenda_year == int(agenda[2])))
        elif word.isdigit() and len(word) <= 9:
            found.append(cls.agenda_number == int(word))
        return or_(*found)

    def before_save(self, at: datetime, by) -> None:
        """Check the letter and, when it is new, give it the year's next agenda number."""
        if self.received_at > at + FUTURE_TOLERANCE:
            raise DomainError(_l("The received time cannot be in the future."),
                              field="received_at")
        if self.letter_date > to_local(self.received_at).date():
            raise DomainError(_l("The letter date cannot be after the day it was received."),
                              field="letter_date")
        if self.request_kind is RequestKind.UPGRADE and self.application is None:
            raise DomainError(_l("An upgrade request names the application in the inventory."),
                              field="application_name")
        if (self.application is not None
                and self.application.owner_agency_id != self.owner_agency_id):
            raise DomainError(_l("An upgrade request names an application of its own agency."),
                              field="application")
        if self.request_kind is RequestKind.NEW and not (self.application_name or "").strip():
            raise DomainError(_l("A new application request needs the application's name."),
                              field="application_name")
        self._check_unique_number()
        if self.agenda_number is None:
            self.registered_at = at
            self.registered_by_id = by.id if by else None
            self.agenda_year = local_year(self.received_at)
            last = db.session.scalar(select(func.max(RequestLetter.agenda_number))
                                     .where(RequestLetter.agenda_year == self.agenda_year))
            self.agenda_number = (last or 0) + 1

    def move(self, move, by, at: datetime, happened_at: datetime | None = None, holder=None,
             calendar=None) -> StatusChange:
        """Make one move of the SOP, or refuse it; leaves a history row and the step records.

        `at` is when it is typed, `happened_at` when it happened (earlier for a paper register).
        """
        transition = TRANSITIONS.get((self.status, move))
        if transition is None:
            raise InvalidTransition(status=str(self.status.label), move=str(move.label))
        happened = happened_at or at
        acting_for = None
        if by is not None and by.role is not transition.role:
            acting_for = ActingAssignment.absent_official(by, transition.role,
                                                          to_local(happened).date())
            if acting_for is None:
                raise DomainError(_l("Only the %(role)s (or an official acting for them) can "
                                     "do this."), role=str(transition.role.label))
        if happened > at + FUTURE_TOLERANCE:
            raise DomainError(_l("A step of the procedure cannot be dated in the future."))
        previous = self.history[-1].happened_at if self.history else self.received_at
        if previous - timedelta(seconds=1) < happened < previous:
            # typed to the second in the same second the previous step was recorded (to the
            # microsecond): it did not happen before it
            happened = previous
        if happened < previous:
            raise DomainError(_l("This step cannot be dated before the previous one "
                                 "(%(when)s)."), when=to_local(previous).strftime("%d-%m-%Y %H:%M"))
        calendar = calendar or office_calendar()
        if transition.finishes:
            self.open_step(transition.finishes).finish(happened, calendar)
        if transition.starts:
            standard = ServiceStandard.in_force(db.session, transition.starts,
                                                to_local(happened).date())
            if standard is None:
                raise DomainError(_l("The SOP's service standards are not loaded; the system "
                                     "administrator runs flask load-reference."))
            self.steps.append(StepRecord.begin(self, standard, holder or by, happened, calendar))
        change = StatusChange(move=move, from_status=self.status, to_status=transition.to,
                              happened_at=happened, recorded_at=at, by=by, acting_for=acting_for)
        self.history.append(change)
        self.status = transition.to
        return change

    def open_step(self, number: int):
        """The running record of SOP step `number`."""
        step = next((s for s in self.steps if s.number == number and s.is_open), None)
        if step is None:
            raise DomainError(_l("Step %(step)s of this letter has not started."), step=number)
        return step

    def _check_unique_number(self) -> None:
        clash = db.session.scalar(
            select(RequestLetter.id).where(RequestLetter.agency_id == self.agency.id,
                                           RequestLetter.number == self.number,
                                           RequestLetter.id != (self.id or 0)))
        if clash:
            raise DuplicateLetterNumber(number=self.number, agency=str(self.agency))
