"""The audit trail: every create, update, archive and status change, append-only and hash-chained.

Entries are written by a session hook after each flush, inside the same transaction as the
change they describe, so a change and its entry are saved together or not at all. Each entry's
hash covers the previous entry's hash; editing or removing any row breaks the chain from there.
"""

import enum
import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .db import SESSION_STAMP, LabeledEnum, UTCDateTime, db, enum_column
from .errors import DomainError

GENESIS = "0" * 64
#: Columns whose values never go into the trail: secrets, file contents, the version counter.
HIDDEN = {"password_hash": "••••••", "session_token": "••••••", "data": None}
SKIPPED = {"id", "version"}


class AuditAction(LabeledEnum):
    CREATE = "create"
    UPDATE = "update"
    STATUS = "status"
    ARCHIVE = "archive"
    RESTORE = "restore"
    DELETE = "delete"
    LABELS = nonmember({
        "create": _l("Created"), "update": _l("Changed"), "status": _l("Status changed"),
        "archive": _l("Archived"), "restore": _l("Restored"), "delete": _l("Deleted"),
    })


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[AuditAction] = enum_column(AuditAction, index=True)
    table_name: Mapped[str] = mapped_column(String(50), index=True)
    row_id: Mapped[int | None] = mapped_column(Integer, index=True)
    changes: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    user = relationship("User")

    def __str__(self):
        return f"#{self.id} {self.action} {self.table_name} {self.row_id}"

    @property
    def changed_fields(self) -> dict:
        return json.loads(self.changes)

    def computed_hash(self) -> str:
        return entry_hash(self.prev_hash, self.id, self.at, self.user_id, self.action.value,
                          self.table_name, self.row_id, self.changes)


class AuditHead(db.Model):
    """The chain's last link, one row: it serializes writers and exposes a removed tail."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditEntryImmutable(DomainError):
    message = _l("The audit trail cannot be changed.")


def entry_hash(prev_hash, id, at, user_id, action, table_name, row_id, changes) -> str:
    moment = at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    text = json.dumps([prev_hash, id, moment, user_id, action, table_name, row_id, changes])
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value):
    """A JSON-safe form of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def _changes(obj, created: bool) -> dict:
    """Column key -> [old, new] for every column the flush wrote."""
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED:
            continue
        history = state.attrs[attr.key].history
        if created:  # only what the flush wrote: reading more would query mid-flush
            old, new = None, state.dict.get(attr.key)
            if new is None:
                continue
        elif history.added or history.deleted:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        else:
            continue
        if attr.key in HIDDEN:
            old = new = HIDDEN[attr.key]
            if new is None:
                continue
        out[attr.key] = [_plain(old), _plain(new)]
    return out


def _action(changes: dict, created: bool) -> AuditAction:
    if created:
        return AuditAction.CREATE
    archived = changes.get("archived_at")
    if archived:
        return AuditAction.ARCHIVE if archived[1] else AuditAction.RESTORE
    if changes.get("active") == [True, False]:
        return AuditAction.ARCHIVE
    if "status" in changes:
        return AuditAction.STATUS
    return AuditAction.UPDATE


def stamp(session: Session, at: datetime, by) -> None:
    """Name who writes through `session` from now on, and when: every entry records them."""
    session.info[SESSION_STAMP] = (at.astimezone(UTC).replace(microsecond=0),
                           None if by is None else by.id)


def _stamped(session: Session) -> tuple[datetime, int | None]:
    if SESSION_STAMP not in session.info:
        raise RuntimeError("a write without audit.stamp(): who wrote it, and when?")
    return session.info[SESSION_STAMP]


def create_head(conn) -> tuple[int, str]:
    """The chain's head row of an empty trail (the migration makes it; a wiped database not)."""
    conn.execute(insert(AuditHead).values(id=1, last_id=0, last_hash=GENESIS))
    return 0, GENESIS


def audited(model) -> bool:
    """Whether the trail records rows of `model`: every model but the trail itself and those
    that say `audited = False` (rows of no business of the office, as a look at one's desk)."""
    return not issubclass(model, AuditEntry | AuditHead) and getattr(model, "audited", True)


@event.listens_for(Session, "after_flush")
def _record(session, flush_context):
    """Append one entry per row the flush created, changed or deleted."""
    rows = []
    for obj, created in [(o, True) for o in session.new] + [(o, False) for o in session.dirty]:
        if not audited(type(obj)):
            continue
        changes = _changes(obj, created)
        if changes:
            rows.append((obj, _action(changes, created), changes))
    rows += [(obj, AuditAction.DELETE, {}) for obj in session.deleted
             if audited(type(obj))]
    if not rows:
        return
    conn = session.connection()
    head = conn.execute(select(AuditHead.last_id, AuditHead.last_hash)
                        .where(AuditHead.id == 1).with_for_update()).one_or_none()
    last_id, last_hash = head or create_head(conn)
    at, user_id = _stamped(session)
    values = []
    for obj, action, changes in rows:
        last_id += 1
        text = json.dumps(changes, sort_keys=True, ensure_ascii=False)
        state = inspect(obj)
        row_id = state.dict.get("id")  # the identity key is set only after this hook
        table = state.mapper.local_table.name
        digest = entry_hash(last_hash, last_id, at, user_id, action.value, table, row_id, text)
        values.append(dict(id=last_id, at=at, user_id=user_id, action=action, table_name=table,
                           row_id=row_id, changes=text, prev_hash=last_hash, hash=digest))
        last_hash = digest
    conn.execute(insert(AuditEntry), values)
    conn.execute(update(AuditHead).where(AuditHead.id == 1)
                 .values(last_id=last_id, last_hash=last_hash))


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse(mapper, connection, target):
    raise AuditEntryImmutable()


def verify(session, batch: int = 5000):
    """Walk the chain. Returns (entries checked, None) or (entries checked, the first broken
    entry's id and what is wrong with it)."""
    expected_prev, expected_id, count = GENESIS, 1, 0
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
    with session.execute(query) as rows:  # closed on an early return: a server-side cursor
        for entry in rows.scalars():
            if entry.id != expected_id:
                return count, (entry.id, _l("entry %(id)s is missing", id=expected_id))
            if entry.prev_hash != expected_prev:
                return count, (entry.id, _l("its link to the previous entry does not match"))
            if entry.computed_hash() != entry.hash:
                return count, (entry.id, _l("its content was changed after it was written"))
            expected_prev, expected_id, count = entry.hash, entry.id + 1, count + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id, head.last_hash) != (count, expected_prev):
        return count, (head.last_id, _l("entries after %(id)s were removed", id=count))
    return count, None
