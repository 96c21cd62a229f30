"""Issued documents: every paper the panel prints, with an unguessable code for its QR check.

A document is issued once per content: printing the same content again gives the same
document (and the same code); content that changed gives a new one. The fingerprint is the
SHA-256 of what the paper says, so a paper copy can be held against it.
"""

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .attachments import Attachment, AttachmentKind
from .audit import AuditAction, AuditEntry
from .contracts import AgencyOwned
from .db import LabeledEnum, UTCDateTime, db, enum_column
from .dispositions import Disposition
from .letters import RequestLetter
from .recording import save
from .users import User

#: Bytes of randomness in a verification code (32 characters in the link).
CODE_BYTES = 24


class DocumentKind(LabeledEnum):
    DISPOSITION_SHEET = "disposition_sheet"
    MEETING_INVITATION = "meeting_invitation"
    REJECTION_LETTER = "rejection_letter"
    MINUTES = "minutes"
    BUDGET_DOCUMENT = "budget_document"
    ANNUAL_REPORT = "annual_report"
    LABELS = nonmember({
        "disposition_sheet": _l("Disposition sheet"),
        "meeting_invitation": _l("Invitation to the technical meeting"),
        "rejection_letter": _l("Rejection reply letter"),
        "minutes": _l("Minutes of the technical meeting"),
        "budget_document": _l("Budgeting document"),
        "annual_report": _l("Annual application report"),
    })


#: The PDF's file name, as the office names the paper: <name>-<record>.pdf.
FILE_NAMES = {DocumentKind.MEETING_INVITATION: "undangan-rapat-teknis",
              DocumentKind.REJECTION_LETTER: "surat-balasan-penolakan",
              DocumentKind.MINUTES: "notulen-rapat-teknis"}


#: What each kind of paper prints of its records, by table: a later change to one of these
#: columns makes the paper out of date. The record's own row and its letter's row are read.
PRINTED = {
    DocumentKind.DISPOSITION_SHEET: {
        "request_letter": {"number", "letter_date", "received_at", "agency_id", "subject",
                           "agenda_number", "agenda_year", "urgency", "security_class"},
        # the dispositions on the paper (those made before it was issued)
        "disposition": {"from_user_id", "to_user_id", "instructions", "note", "disposed_at",
                        "acting_for_id"}},
    DocumentKind.MEETING_INVITATION: {
        "meeting": {"scheduled_at", "place", "invitation_number", "invitation_date"},
        "request_letter": {"number", "letter_date", "agency_id", "subject"}},
    DocumentKind.REJECTION_LETTER: {
        "decision": {"outcome", "reason", "reply_number", "reply_date"},
        "request_letter": {"number", "letter_date", "agency_id", "subject"}},
    DocumentKind.MINUTES: {
        "meeting": {"held_at", "place", "minutes", "recommendation"},
        "request_letter": {"agency_id", "subject"}},
}


@dataclass(frozen=True)
class Signature:
    """Who signs a paper, as the signature block prints it."""

    name: str
    position: str
    nip: str | None
    user_id: int | None = None
    rank: str | None = None

    def __str__(self):
        return f"{self.name}, {self.position}"


@dataclass
class Paper:
    """One document's content, written from its records, before it is issued."""

    kind: DocumentKind
    record_table: str
    record_id: int
    letter: RequestLetter | None
    number: str | None
    day: date
    signature: Signature | None
    #: What the template prints besides the above (plain values: text, dates, lists).
    values: dict = field(default_factory=dict)

    def fingerprint(self) -> str:
        """SHA-256 of everything the paper says, the same on every server and run."""
        content = {"kind": self.kind.value, "number": self.number, "date": self.day,
                   "signer": self.signature and [self.signature.name, self.signature.position,
                                                 self.signature.nip],
                   "values": self.values}
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class LaterChange:
    at: datetime
    by: User | None


class IssuedDocument(AgencyOwned, db.Model):
    """A paper as issued: what its QR code's verification page shows."""

    __tablename__ = "issued_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[DocumentKind] = enum_column(DocumentKind, index=True)
    record_table: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int] = mapped_column(Integer)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("request_letter.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(100))
    document_date: Mapped[date] = mapped_column(Date)
    signer_name: Mapped[str | None] = mapped_column(String(150))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    pdf_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    letter: Mapped[RequestLetter | None] = relationship()
    pdf: Mapped[Attachment | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    __table_args__ = (db.Index("ix_issued_document_record", "record_table", "record_id"),)

    def __str__(self):
        return f"{self.kind.label} {self.number or ''}".strip()

    @classmethod
    def agency_scope(cls, agency_id: int):
        return cls.letter.has(RequestLetter.agency_scope(agency_id))

    @property
    def owner_agency_id(self) -> int | None:
        return self.letter.owner_agency_id if self.letter else None

    @classmethod
    def by_code(cls, session, code: str) -> "IssuedDocument | None":
        if not code or len(code) > 64:
            return None
        document = session.scalar(select(cls).where(cls.code == code))
        # MariaDB compares text without regard to case: a code is its exact characters
        if document is None or not secrets.compare_digest(document.code.encode(), code.encode()):
            return None
        return document

    @classmethod
    def of_record(cls, session, table: str, record_id: int) -> list["IssuedDocument"]:
        return list(session.scalars(select(cls).where(
            cls.record_table == table, cls.record_id == record_id).order_by(cls.issued_at,
                                                                            cls.id)))

    def newer_version(self, session) -> "IssuedDocument | None":
        """The latest document issued after this one of the same kind for the same record:
        its content differed (the same content is the same document), so the paper this one
        printed is no longer the current one. A yearly report, re-printed, is noticed so."""
        return session.scalar(select(IssuedDocument).where(
            IssuedDocument.kind == self.kind, IssuedDocument.record_table == self.record_table,
            IssuedDocument.record_id == self.record_id, IssuedDocument.id > self.id)
            .order_by(IssuedDocument.id.desc()).limit(1))

    def _printed_dispositions(self, session) -> list[int]:
        """The letter's dispositions a disposition sheet printed: made before it was issued."""
        if self.kind is not DocumentKind.DISPOSITION_SHEET or self.letter_id is None:
            return []
        return list(session.scalars(select(AuditEntry.row_id).join(
            Disposition, Disposition.id == AuditEntry.row_id).where(
            AuditEntry.table_name == "disposition", AuditEntry.action == AuditAction.CREATE,
            AuditEntry.at < self.issued_at + timedelta(seconds=1),  # issued_at is to the second
            Disposition.letter_id == self.letter_id)))

    def changes_after_issue(self, session) -> list[LaterChange]:
        """Changes the audit trail holds, made after issue, to what this paper prints."""
        printed = PRINTED.get(self.kind, {})
        rows = {self.record_table: [self.record_id], "request_letter": [self.letter_id],
                "disposition": self._printed_dispositions(session)}
        found = []
        for table, columns in printed.items():
            ids = [row_id for row_id in rows.get(table, []) if row_id is not None]
            if not ids:
                continue
            entries = session.scalars(select(AuditEntry).where(
                AuditEntry.table_name == table, AuditEntry.row_id.in_(ids),
                AuditEntry.at >= self.issued_at, AuditEntry.action != AuditAction.CREATE)
                .order_by(AuditEntry.id))
            found += [LaterChange(entry.at, entry.user) for entry in entries
                      if entry.action in (AuditAction.ARCHIVE, AuditAction.DELETE)
                      or columns & entry.changed_fields.keys()]
        return sorted(found, key=lambda change: change.at)


def issue(session, paper: Paper, *, at: datetime, by: User | None,
          render: Callable[[IssuedDocument], bytes] | None = None,
          announce: bool = False) -> IssuedDocument:
    """The issued document for `paper`: the one issued before with the same content, else a
    new one with a fresh code (and, given `render`, its PDF, attached). `announce`: a letter
    to the OPD, newly issued, is sent to its staff as a notice (models/announcements.py)."""
    digest = paper.fingerprint()
    earlier = session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == paper.kind, IssuedDocument.record_table == paper.record_table,
        IssuedDocument.record_id == paper.record_id, IssuedDocument.fingerprint == digest)
        .order_by(IssuedDocument.id.desc()).limit(1))
    if earlier is not None:
        return earlier
    signature = paper.signature
    document = IssuedDocument(
        kind=paper.kind, record_table=paper.record_table, record_id=paper.record_id,
        letter=paper.letter, number=paper.number, document_date=paper.day,
        signer_name=signature.name if signature else None,
        signer_position=signature.position if signature else None,
        signer_id=signature.user_id if signature else None, fingerprint=digest,
        code=secrets.token_urlsafe(CODE_BYTES), issued_at=at.replace(microsecond=0),
        issued_by_id=by.id if by else None)
    if render is not None:
        document.pdf = Attachment.from_bytes(AttachmentKind.ISSUED_DOCUMENT,
                                             f"{FILE_NAMES.get(paper.kind, paper.kind.value)}-"
                                             f"{paper.record_id}.pdf",
                                             render(document), at, by)
    return save(session, document, at=at, by=by, announce=announce)
