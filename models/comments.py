"""Comments on a letter: the office's staff talk about it on its timeline, and "@username"
tells a colleague (a notice, models/announcements.py).

Comments are the office's own: OPD staff neither read nor write them (they write to the office
by letter). A comment is never edited; the audit trail keeps when it was written and by whom.
"""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .contracts import LetterPart
from .db import UTCDateTime, db
from .errors import DomainError
from .letters import RequestLetter
from .users import User

#: The longest comment: a few paragraphs; a longer text belongs in a letter or the minutes.
COMMENT_LIMIT = 2000
#: "@staf.kasi" in a comment: a username's characters after an "@" that starts a word (not
#: the middle of an email address). A trailing full stop ends the sentence, not the name.
MENTION = re.compile(r"(?<![\w.@])@([\w.-]{1,50})")


def sees_internals(role) -> bool:
    """Whether `role` reads a letter's internal record (dispositions and their notes, reads,
    pauses, the step table, comments): the office's own staff, not an OPD's."""
    return not role.row_scoped


def mentioned_names(text: str) -> list[str]:
    """The usernames "@"-mentioned in `text`, lower case, each once, in order."""
    names = (match.rstrip(".").lower() for match in MENTION.findall(text or ""))
    return list(dict.fromkeys(name for name in names if name))


class Comment(LetterPart, db.Model):
    __tablename__ = "letter_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("request_letter.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    body: Mapped[str] = mapped_column(String(COMMENT_LIMIT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    letter: Mapped[RequestLetter] = relationship()
    author: Mapped[User] = relationship()

    def __str__(self):
        return f"{self.letter} · {self.body[:40] if self.body else ''}"

    def before_save(self, at: datetime, by) -> None:
        """Written once, by a member of the office's staff, with something in it."""
        if self.id is not None:
            raise DomainError(_l("A comment cannot be changed once written."))
        self.author = self.author or by
        self.created_at = self.created_at or at
        if self.author is None or not sees_internals(self.author.role):
            raise DomainError(_l("Only the office's staff comment on a letter."))
        self.body = (self.body or "").strip()
        if not self.body:
            raise DomainError(_l("Write the comment first."), field="body")

    def mentioned(self, session) -> list[User]:
        """The colleagues "@"-mentioned who may read the comment: active staff accounts, not
        the author. An unknown name stays plain text."""
        names = mentioned_names(self.body)
        if not names:
            return []
        users = session.scalars(select(User).where(
            func.lower(User.username).in_(names), User.active.is_(True)).order_by(User.id))
        return [user for user in users
                if sees_internals(user.role) and user.id != self.author.id]
