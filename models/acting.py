"""Acting officials (Plh/Plt): named by the sysadmin to act for an absent official for some days."""

from datetime import date
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import LabeledEnum, Versioned, db, enum_column
from .errors import DomainError
from .users import User


class ActingKind(LabeledEnum):
    PLH = "plh"
    PLT = "plt"
    LABELS = nonmember({"plh": _l("Plh (pelaksana harian)"), "plt": _l("Plt (pelaksana tugas)")})


class ActingAssignment(Versioned, db.Model):
    __tablename__ = "acting_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ActingKind] = enum_column(ActingKind, default=ActingKind.PLH)
    acting_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    absent_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)

    acting_user: Mapped[User] = relationship(foreign_keys=[acting_user_id])
    absent_user: Mapped[User] = relationship(foreign_keys=[absent_user_id])

    def __str__(self):
        return f"{self.kind.label} {self.absent_user.position}: {self.acting_user.full_name}"

    def before_save(self, at, by) -> None:
        if self.acting_user is self.absent_user:
            raise DomainError(_l("An official cannot act for themself."))
        if self.last_day < self.first_day:
            raise DomainError(_l("The last day cannot come before the first day."))

    @classmethod
    def roles_on(cls, user, day: date) -> list:
        """The user's own role, then the roles of the officials they act for on `day`."""
        absent = db.session.scalars(
            select(User).join(cls, cls.absent_user_id == User.id)
            .where(cls.acting_user_id == user.id, cls.first_day <= day, cls.last_day >= day))
        return [user.role, *(official.role for official in absent)]

    @classmethod
    def absent_officials(cls, user, day: date) -> list[User]:
        """The officials `user` acts for on `day`."""
        return list(db.session.scalars(
            select(User).join(cls, cls.absent_user_id == User.id)
            .where(cls.acting_user_id == user.id, cls.first_day <= day, cls.last_day >= day)
            .order_by(User.id)))

    @classmethod
    def stand_ins(cls, official, day: date) -> list[User]:
        """The active users acting for `official` on `day`."""
        return list(db.session.scalars(
            select(User).join(cls, cls.acting_user_id == User.id)
            .where(cls.absent_user_id == official.id, User.active.is_(True),
                   cls.first_day <= day, cls.last_day >= day).order_by(User.id)))

    @classmethod
    def absent_official(cls, user, role, day: date) -> User | None:
        """The official of `role` that `user` acts for on `day`, if any."""
        return db.session.scalar(
            select(User).join(cls, cls.absent_user_id == User.id)
            .where(cls.acting_user_id == user.id, User.role == role,
                   cls.first_day <= day, cls.last_day >= day).limit(1))

    @classmethod
    def kind_on(cls, user, absent, day: date) -> ActingKind | None:
        """Whether `user` acted for `absent` on `day` as Plh or Plt (None if they did not)."""
        return db.session.scalar(
            select(cls.kind).where(cls.acting_user_id == user.id,
                                   cls.absent_user_id == absent.id,
                                   cls.first_day <= day, cls.last_day >= day).limit(1))
