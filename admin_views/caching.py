"""What is worked out once per change of data: the key holds the audit trail's last link,
which every write moves on. CACHE_TYPE: each process on its own by default."""

from flask_caching import Cache
from sqlalchemy import select

from models.audit import AuditHead
from reports.load import engine

cache = Cache()


def per_write(key: str, compute):
    """`compute()` for `key`, worked out once per write to the database and kept for
    CACHE_DEFAULT_TIMEOUT at most (open steps age meanwhile)."""
    with engine().connect() as source:  # where the reports read: a standby's own last write
        last_write = source.scalar(select(AuditHead.last_hash))
    key = f"{key}/{last_write}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value
