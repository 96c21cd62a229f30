"""The one way a record is saved.

Every writer goes through `save()`: the screens, the paper register import, the demo and the
test builders. It stamps the session for the audit trail, checks the writer's row scope, holds
the fields to what their columns take (`bounds`), lets the model check itself (`before_save`),
makes what follows from it (`after_save`, e.g. a new holiday moves open steps' due times) and,
for what a person does now rather than history replayed, queues the notices the record brings.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from .announcements import announce as queue_notices
from .audit import stamp
from .bounds import check_fields, check_lengths
from .contracts import AgencyOwned, Record
from .errors import AgencyScopeViolation

if TYPE_CHECKING:
    from .users import User


def may_own(user: "User | None", record) -> bool:
    """Whether `record`, as it is about to be saved, lies inside the writer's row scope."""
    if user is None or not user.role.row_scoped:
        return True
    return isinstance(record, AgencyOwned) and record.owner_agency_id == user.agency_id


def save(session: Session, record: Record, *, at: datetime, by: "User | None",
         created: bool = True, announce: bool = False) -> Record:
    """Check and save `record` as written by `by` at `at`; raises the model's DomainError.
    `announce`: queue the notices a person's save brings (never for history replayed)."""
    stamp(session, at=at, by=by)
    session.add(record)
    with session.no_autoflush:
        if not may_own(by, record):
            raise AgencyScopeViolation()
        check_fields(record)
        record.before_save(at=at, by=by)
        check_lengths(record)
        if announce:
            queue_notices(record, at=at, by=by, created=created)
    session.flush()
    record.after_save(session, at=at, by=by)
    session.flush()
    return record
