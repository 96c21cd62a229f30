"""Users of the panel, their roles, and how they log in."""

from enum import nonmember

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .agencies import Agency
from .db import LabeledEnum, db, enum_column
from .errors import DomainError
from .nip import parse_nip


class Role(LabeledEnum):
    SYSADMIN = "sysadmin"
    CLERK = "clerk"
    KADIS = "kadis"
    KABID = "kabid"
    KASI = "kasi"
    OPD = "opd"
    SUPERVISOR = "supervisor"
    LABELS = nonmember({
        "sysadmin": _l("System administrator"),
        "clerk": _l("Records clerk (Tata Usaha)"),
        "kadis": _l("Kepala Dinas"),
        "kabid": _l("Kabid TKPBET"),
        "kasi": _l("Kasi PK&AI"),
        "opd": _l("OPD staff"),
        "supervisor": _l("Supervisor"),
    })


class Language(LabeledEnum):
    ID = "id"
    EN = "en"
    LABELS = nonmember({"id": _l("Bahasa Indonesia"), "en": _l("English")})


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(150))
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    position: Mapped[str] = mapped_column(String(150))
    role: Mapped[Role] = enum_column(Role)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    language: Mapped[Language] = enum_column(Language, default=Language.ID)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")

    agency: Mapped[Agency] = relationship()

    def __str__(self):
        return f"{self.full_name} ({self.position})"

    @classmethod
    def agency_scope(cls, agency_id):
        return cls.agency_id == agency_id

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def archive(self, at) -> None:
        """Accounts are never removed: archiving one deactivates it."""
        self.active = False

    def set_password(self, password: str) -> None:
        if len(password or "") < 8:
            raise DomainError(_l("A password needs at least 8 characters."))
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def before_save(self, at, by) -> None:
        """Every account has a password, nobody locks themself out; the NIP is 18 digits."""
        if not self.password_hash:
            raise DomainError(_l("A new user needs a password."))
        if self.id is not None and getattr(by, "id", None) == self.id and not self.active:
            raise DomainError(_l("You cannot deactivate your own account."))
        if self.nip:
            self.nip = parse_nip(self.nip).number
        else:
            self.nip = None
