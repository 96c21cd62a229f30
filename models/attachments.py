"""Uploaded files (scanned letters, meeting minutes), kept in the database itself."""

import hashlib
from datetime import datetime
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .bounds import without_control
from .db import LabeledEnum, UTCDateTime, db, enum_column
from .errors import DomainError

#: The largest file accepted, in bytes.
MAX_BYTES = 8 * 1024 * 1024

#: File kinds recognised by their first bytes, never by their name.
SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg",
              b"\x89PNG\r\n\x1a\n": "image/png"}


class AttachmentKind(LabeledEnum):
    LETTER_SCAN = "letter_scan"
    MINUTES = "minutes"
    ISSUED_DOCUMENT = "issued_document"
    LABELS = nonmember({"letter_scan": _l("Scanned letter"), "minutes": _l("Meeting minutes"),
                        "issued_document": _l("Issued document")})


class Attachment(db.Model):
    """One uploaded file; its name on screen is the uploader's, its storage is a row."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[AttachmentKind] = enum_column(AttachmentKind)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    data: Mapped[bytes] = deferred(mapped_column(
        LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")))

    def __str__(self):
        return self.filename

    @classmethod
    def from_bytes(cls, kind, filename, data, at, by=None):
        """Accept PDF, JPEG or PNG content up to MAX_BYTES, or raise a DomainError."""
        if not data:
            raise DomainError(_l("The uploaded file is empty."))
        if len(data) > MAX_BYTES:
            raise DomainError(_l("The file is larger than %(mb)s MB."), mb=MAX_BYTES // 2**20)
        content_type = next((t for sig, t in SIGNATURES.items() if data.startswith(sig)), None)
        if content_type is None:
            raise DomainError(_l("Only PDF, JPEG or PNG files are accepted."))
        # a name shows as it is: nothing hidden in it, nothing that turns it around
        name = without_control((filename or "").replace("\\", "/").rsplit("/", 1)[-1])
        name = name.strip()[-200:] or "berkas"
        return cls(kind=kind, filename=name, content_type=content_type, size=len(data),
                   sha256=hashlib.sha256(data).hexdigest(), uploaded_at=at,
                   uploaded_by_id=by.id if by else None, data=data)
