"""Request letters (surat permohonan) from an OPD, registered with an agenda number."""

from datetime import date, datetime, timedelta
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .agencies import Agency
from .attachments import Attachment
from .db import Archivable, LabeledEnum, UTCDateTime, db, enum_column
from .errors import DomainError, DuplicateLetterNumber
from .timezone import local_year, to_local
from .users import Role

#: The archive classification code for application requests (Permendagri 83/2022).
DEFAULT_ARCHIVE_CODE = "500.12"


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


class LetterStatus(LabeledEnum):
    REGISTERED = "registered"
    AT_KADIS = "at_kadis"
    AT_KABID = "at_kabid"
    AT_KASI = "at_kasi"
    IN_ANALYSIS = "in_analysis"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_RKA = "in_rka"
    BUILT = "built"
    LABELS = nonmember({
        "registered": _l("Registered"), "at_kadis": _l("At the Kepala Dinas"),
        "at_kabid": _l("Disposed to the Kabid"), "at_kasi": _l("Disposed to the Kasi"),
        "in_analysis": _l("Analysis and technical coordination"),
        "accepted": _l("Accepted (budgeted next year)"), "rejected": _l("Rejected (OPD notified)"),
        "in_rka": _l("In the RKA"), "built": _l("Application built"),
    })


#: Whose desk a letter in each status waits on (statuses not listed wait on nobody).
DESK = {
    LetterStatus.REGISTERED: Role.CLERK,
    LetterStatus.AT_KADIS: Role.KADIS,
    LetterStatus.AT_KABID: Role.KABID,
    LetterStatus.AT_KASI: Role.KASI,
    LetterStatus.IN_ANALYSIS: Role.KASI,
    LetterStatus.ACCEPTED: Role.KASI,
}


def waiting_statuses(role) -> list[LetterStatus]:
    """The statuses in which a letter waits on `role`."""
    return [status for status, desk in DESK.items() if desk is role]


class RequestLetter(Archivable, db.Model):
    __tablename__ = "request_letter"
    __table_args__ = (UniqueConstraint("agenda_year", "agenda_number"),
                      UniqueConstraint("agency_id", "number"))

    agenda_year: Mapped[int] = mapped_column(Integer)
    agenda_number: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))
    letter_date: Mapped[date] = mapped_column(Date, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str | None] = mapped_column(Text)
    request_kind: Mapped[RequestKind] = enum_column(RequestKind)
    application_name: Mapped[str | None] = mapped_column(String(150))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    spbe_category: Mapped[SpbeCategory] = enum_column(SpbeCategory)
    security_class: Mapped[SecurityClass] = enum_column(SecurityClass,
                                                        default=SecurityClass.ORDINARY)
    urgency: Mapped[Urgency] = enum_column(Urgency, default=Urgency.ORDINARY)
    archive_code: Mapped[str] = mapped_column(String(20), default=DEFAULT_ARCHIVE_CODE)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    status: Mapped[LetterStatus] = enum_column(LetterStatus, default=LetterStatus.REGISTERED,
                                               index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    agency: Mapped[Agency] = relationship()
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

    def before_save(self, at: datetime, by) -> None:
        """Check the letter and, when it is new, give it the year's next agenda number."""
        if self.received_at > at + timedelta(minutes=5):
            raise DomainError(_l("The received time cannot be in the future."))
        if self.letter_date > to_local(self.received_at).date():
            raise DomainError(_l("The letter date cannot be after the day it was received."))
        if self.request_kind is RequestKind.UPGRADE and self.application is None:
            raise DomainError(_l("An upgrade request names the application in the inventory."))
        if self.request_kind is RequestKind.NEW and not (self.application_name or "").strip():
            raise DomainError(_l("A new application request needs the application's name."))
        self._check_unique_number()
        if self.agenda_number is None:
            self.registered_at = at
            self.registered_by_id = by.id if by else None
            self.agenda_year = local_year(self.received_at)
            last = db.session.scalar(select(func.max(RequestLetter.agenda_number))
                                     .where(RequestLetter.agenda_year == self.agenda_year))
            self.agenda_number = (last or 0) + 1

    def _check_unique_number(self) -> None:
        clash = db.session.scalar(
            select(RequestLetter.id).where(RequestLetter.agency_id == self.agency.id,
                                           RequestLetter.number == self.number,
                                           RequestLetter.id != (self.id or 0)))
        if clash:
            raise DuplicateLetterNumber(number=self.number, agency=str(self.agency))
