"""Equipment faults in the Pontive Center meeting room (the SOP's warning)."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Archivable, UTCDateTime, db
from .errors import DomainError
from .users import User


class EquipmentFault(Archivable, db.Model):
    __tablename__ = "equipment_fault"

    item: Mapped[str] = mapped_column(String(150))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    repaired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str | None] = mapped_column(Text)

    reported_by: Mapped[User] = relationship()

    def __str__(self):
        return self.item

    @classmethod
    def still_open(cls, session) -> list["EquipmentFault"]:
        """Faults in the Pontive Center room not yet repaired (the SOP's warning)."""
        return session.scalars(select(cls).where(cls.repaired_at.is_(None),
                                                 cls.archived_at.is_(None))).all()

    def open_for(self, at: datetime) -> timedelta:
        """How long the fault has been (or was) open."""
        return (self.repaired_at or at) - self.reported_at

    def before_save(self, at: datetime, by) -> None:
        """A fault is repaired after it was reported, and neither lies in the future."""
        if self.reported_at > at or (self.repaired_at and self.repaired_at > at):
            raise DomainError(_l("A fault cannot be reported or repaired in the future."))
        if self.repaired_at and self.repaired_at < self.reported_at:
            raise DomainError(_l("A fault cannot be repaired before it was reported."))
