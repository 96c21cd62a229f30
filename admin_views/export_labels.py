"""The names that related records show in an export, read a batch at a time and kept a while."""

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

#: Related records whose names an export keeps at once: the few agencies and users of a
#: million letters are read once, while one scan per letter never piles up.
LABELS_KEPT = 20_000


class Labels:
    """The names of one model's records (their str(), as on screen), by key."""

    def __init__(self, model):
        self.model, self.known, self.from_rows = model, {}, True

    def __call__(self, session, keys) -> list:
        """The names of `keys` (None for None), reading only those not known yet."""
        wanted = set(keys)
        wanted.discard(None)
        missing = wanted - self.known.keys()
        if missing:
            if len(self.known) + len(missing) > LABELS_KEPT:
                self.known = {key: self.known[key] for key in wanted - missing}
            self.known.update(self._read(session, sorted(missing)))
        return list(map(self.known.get, keys))

    def _read(self, session, keys: list) -> dict:
        if self.from_rows:
            try:
                return self._from_rows(session, keys)
            except AttributeError:  # the name reads another record: a decision its letter's
                self.from_rows = False
        records = session.scalars(select(self.model).where(self.model.id.in_(keys)).options(
            *(selectinload(r) for r in sa_inspect(self.model).relationships if not r.uselist)))
        return {record.id: str(record) for record in records}

    def _from_rows(self, session, keys: list) -> dict:
        """Names from the records' own columns through the model's own __str__: the words
        of the screens, without building a record per row (nor reading a file's bytes)."""
        columns = [getattr(self.model, p.key).label(p.key)
                   for p in sa_inspect(self.model).column_attrs if not p.deferred]
        rows = session.execute(select(*columns).where(self.model.id.in_(keys)))
        return {row.id: str(self.model.__str__(row)) for row in rows}
