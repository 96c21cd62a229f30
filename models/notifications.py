"""Notices in the panel, and the outbox of the emails that carry them.

Both are written in the same transaction as the record they report (a meeting, a decision, a
disposition), so they are saved with it or not at all; the emails leave afterwards, from the
outbox (models/mailer.py), and a failed send never undoes or blocks the record.
"""

from collections.abc import Callable
from datetime import datetime
from enum import nonmember

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .contracts import Addressed
from .db import SESSION_QUEUED_MAIL, LabeledEnum, UTCDateTime, db, enum_column
from .letters import RequestLetter
from .users import Language, Role, User


class NoticeKind(LabeledEnum):
    MEETING_SCHEDULED = "meeting_scheduled"
    DECIDED = "decided"
    DISPOSED = "disposed"
    FORWARDED = "forwarded"
    SUBMITTED = "submitted"
    OVERDUE = "overdue"
    MENTIONED = "mentioned"
    LABELS = nonmember({"meeting_scheduled": _l("Technical meeting scheduled"),
                        "decided": _l("Request decided"), "disposed": _l("Letter disposed"),
                        "forwarded": _l("Letter forwarded to the Kepala Dinas"),
                        "submitted": _l("Request submitted online"),
                        "overdue": _l("SOP step overdue"),
                        "mentioned": _l("Mentioned in a comment")})


class Notice(Addressed, db.Model):
    """A message in one user's panel about one letter."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("request_letter.id"), index=True)
    kind: Mapped[NoticeKind] = enum_column(NoticeKind, index=True)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    recipient: Mapped[User] = relationship()
    letter: Mapped[RequestLetter] = relationship()

    def __str__(self):
        return self.subject

    @classmethod
    def recipient_scope(cls, user):
        """A notice is seen by the person it is addressed to, whatever their role."""
        return cls.recipient_id == user.id

    def mark_read(self, at: datetime) -> None:
        if self.read_at is None:
            self.read_at = at

    @classmethod
    def unread(cls, user):
        return select(cls).where(cls.recipient_scope(user), cls.read_at.is_(None))

    @classmethod
    def unread_count(cls, session, user) -> int:
        query = select(func.count()).select_from(cls.unread(user).subquery())
        return session.scalar(query)


class OutgoingMail(db.Model):
    """One email waiting to leave, or sent: tried again, later each time, until it is sent."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), index=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("request_letter.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    notice: Mapped[Notice | None] = relationship()
    letter: Mapped[RequestLetter] = relationship()

    def __str__(self):
        return f"{self.to_address} · {self.subject}"


#: Writes one message in the language of the context: compose(name of the addressee).
Compose = Callable[[str], tuple[str, str]]


def notify_user(user: User, letter, kind: NoticeKind, compose: Compose, at: datetime) -> Notice:
    """A notice in `user`'s panel, in their language, and an email when they have an address."""
    with force_locale(user.language.value):
        subject, body = compose(user.full_name)
    notice = Notice(recipient=user, letter=letter, kind=kind, subject=subject[:255], body=body,
                    created_at=at)
    db.session.add(notice)
    if user.email:
        _queue(user.email, subject, body, letter, at, notice)
    return notice


def notify_opd(letter, kind: NoticeKind, compose: Compose, at: datetime) -> None:
    """Tell the letter's agency: each of its active OPD staff, and its own address, once each."""
    staff = db.session.scalars(select(User).where(
        User.agency_id == letter.agency.id, User.role == Role.OPD, User.active.is_(True),
    ).order_by(User.id)).all()
    for user in staff:
        notify_user(user, letter, kind, compose, at)
    address = letter.agency.email
    if address and address.lower() not in {(u.email or "").lower() for u in staff}:
        with force_locale(Language.ID.value):  # the office's own language
            subject, body = compose(letter.agency.name)
        _queue(address, subject, body, letter, at)


def _queue(address, subject, body, letter, at, notice=None) -> None:
    mail = OutgoingMail(to_address=address, subject=subject[:255], body=body, letter=letter,
                        created_at=at, next_attempt_at=at, notice=notice)
    db.session.add(mail)
    db.session.info.setdefault(SESSION_QUEUED_MAIL, []).append(mail)

