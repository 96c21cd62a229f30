"""The one write turn: a request or command that will write takes it before it reads what the
write depends on (the next agenda number, whether a letter was already decided).

Writers queue on the audit chain's head row (on SQLite, on the database's write lock), so no
check is made on data another writer is about to change, and no write is lost. The turn is
held until the caller's transaction ends; taking it never commits anything.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from .audit import AuditHead, create_head
from .db import WRITE_INTENT


def begin_write(session: Session) -> None:
    """Take the write turn for the session's transaction (begun here if none is open)."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options=WRITE_INTENT)
        return
    head = select(AuditHead.id).where(AuditHead.id == 1).with_for_update()
    if session.execute(head).first() is None:  # the migration made it; only a wiped database
        create_head(session.connection())  # not: the inserted key is held like the lock
