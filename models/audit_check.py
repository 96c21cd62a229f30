"""What the hash chain alone cannot tell: a trail cut short or emptied (the chain of what is
left still holds), and a business row changed in the database behind the trail's back.

The first is caught by checkpoints kept outside the database: after each good verify, the
number of entries and the last hash are appended to a file on the app server (the setting
AUDIT_CHECKPOINT_FILE), where someone who can write to the database cannot. A later trail must
still hold that entry with that hash. The second by replaying the trail: every value the trail
last recorded for a row must be the row's value now.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .audit import HIDDEN, SKIPPED, AuditAction, AuditEntry, _plain, audited
from .db import db

#: Rows compared with the trail at a time: memory stays flat whatever the table's size.
ROW_CHUNK = 2000


@dataclass(frozen=True)
class Checkpoint:
    at: str
    count: int
    hash: str


def last_checkpoint(path: Path) -> Checkpoint | None:
    """The newest checkpoint in the file, None when there is none yet."""
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Checkpoint(**json.loads(lines[-1])) if lines else None


def write_checkpoint(path: Path, count: int, last_hash: str, at: datetime) -> None:
    """Append a checkpoint (the file only grows: an older one stays as evidence)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps({"at": at.isoformat(timespec="seconds"), "count": count,
                               "hash": last_hash}) + "\n")


def against_checkpoint(session, checkpoint: Checkpoint, count: int):
    """Why the trail of `count` entries contradicts the checkpoint, or None when it does not."""
    if count < checkpoint.count:
        return _l("the trail holds %(count)s entries, but on %(at)s it held %(expected)s: "
                  "entries after %(count)s were removed", count=count, at=checkpoint.at,
                  expected=checkpoint.count)
    if checkpoint.count and session.scalar(select(AuditEntry.hash).where(
            AuditEntry.id == checkpoint.count)) != checkpoint.hash:
        return _l("entry %(id)s is not the one the checkpoint of %(at)s recorded: the trail "
                  "was rewritten", id=checkpoint.count, at=checkpoint.at)
    return None


def _audited():
    """The mapped classes the trail records, with the columns it records values of."""
    for mapper in db.Model.registry.mappers:
        if not audited(mapper.class_):
            continue
        keys = [a.key for a in mapper.column_attrs if a.key not in SKIPPED | set(HIDDEN)]
        yield mapper.class_, mapper.local_table.name, keys


def _replayed(session, table: str, row_ids: list[int]) -> dict[int, dict | None]:
    """Per row, the values its entries last recorded (None once it was deleted)."""
    rows: dict[int, dict | None] = {}
    for row_id, action, changes in session.execute(
            select(AuditEntry.row_id, AuditEntry.action, AuditEntry.changes)
            .where(AuditEntry.table_name == table, AuditEntry.row_id.in_(row_ids))
            .order_by(AuditEntry.id)):
        if action is AuditAction.DELETE:
            rows[row_id] = None
        else:
            values = rows.get(row_id) or {}
            values.update({key: new for key, (_, new) in json.loads(changes).items()})
            rows[row_id] = values
    return rows


def _same(now, recorded) -> bool:
    """Equal, or the same number written two ways ("1" typed, "1.00" stored)."""
    if now == recorded:
        return True
    try:
        return Decimal(str(now)) == Decimal(str(recorded))
    except (InvalidOperation, ValueError):
        return False


def rows_against_trail(session) -> Iterator[tuple[str, int, str]]:
    """(table, row id, why) for every row whose values the trail does not account for: changed,
    added or removed in the database itself. A column the trail never recorded a value of (a
    database default) is not judged."""
    for model, table, keys in _audited():
        last = 0
        while True:
            rows = session.scalars(select(model).where(model.id > last).order_by(model.id)
                                   .limit(ROW_CHUNK)).all()
            if not rows:
                break
            trail = _replayed(session, table, [row.id for row in rows])
            for row in rows:
                recorded = trail.get(row.id)
                if recorded is None:
                    yield table, row.id, str(_l("no entry of the trail created it"))
                    continue
                changed = sorted(key for key in keys if key in recorded
                                 and not _same(_plain(getattr(row, key)), recorded[key]))
                if changed:
                    yield table, row.id, str(_l("%(fields)s differ from the trail",
                                                fields=", ".join(changed)))
            last = rows[-1].id
            session.expunge_all()  # memory stays flat
        existing = select(model.id)
        for (row_id,) in session.execute(
                select(AuditEntry.row_id).where(AuditEntry.table_name == table,
                                                AuditEntry.row_id.not_in(existing))
                .group_by(AuditEntry.row_id)):
            if _replayed(session, table, [row_id]).get(row_id) is not None:
                yield table, row_id, str(_l("the row is gone without a deletion in the trail"))
