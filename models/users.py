"""Users of the panel, their roles, and how they log in."""

import secrets
from enum import nonmember

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .addresses import clean_email
from .agencies import Agency
from .contracts import AgencyScoped
from .db import LabeledEnum, Versioned, db, enum_column
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
    #: Roles that see and write only their own agency's rows.
    ROW_SCOPED = nonmember(frozenset({"opd"}))

    @property
    def row_scoped(self) -> bool:
        return self.value in self.ROW_SCOPED


class Language(LabeledEnum):
    ID = "id"
    EN = "en"
    LABELS = nonmember({"id": _l("Bahasa Indonesia"), "en": _l("English")})


class User(AgencyScoped, UserMixin, Versioned, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(150), index=True)
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    position: Mapped[str] = mapped_column(String(150))
    #: Pangkat/golongan, as a signature block prints it under the name: "Pembina (IV/a)".
    rank: Mapped[str | None] = mapped_column(String(100))
    #: Where the panel's notices are also emailed; none: in the panel only.
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = enum_column(Role, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    language: Mapped[Language] = enum_column(Language, default=Language.ID)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    #: Part of the log-in session: a new one (at log-out or a password change) ends every
    #: session the account had.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    #: Set when someone else (the sysadmin) chose the password: the user picks their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())

    agency: Mapped[Agency] = relationship()

    def __str__(self):
        return f"{self.full_name} ({self.position})"

    @classmethod
    def agency_scope(cls, agency_id):
        return cls.agency_id == agency_id

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def archive(self, at, by=None) -> None:
        """Accounts are never removed: archiving one deactivates it (not one's own)."""
        if by is not None and by.id == self.id:
            raise DomainError(_l("You cannot deactivate your own account."))
        self.active = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Every session of this account ends at its next request."""
        self.session_token = secrets.token_hex(16)

    def set_password(self, password: str, by=None) -> None:
        """Set a password that meets the policy; set by someone else, it must be changed."""
        check_password_policy(password, self.username)
        self.password_hash = generate_password_hash(password)
        self.must_change_password = by is not None and getattr(by, "id", None) != self.id
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def before_save(self, at, by) -> None:
        """Every account has a password, nobody locks themself out; the NIP is 18 digits."""
        if not self.password_hash:
            raise DomainError(_l("A new user needs a password."))
        if self.id is not None and getattr(by, "id", None) == self.id and not self.active:
            raise DomainError(_l("You cannot deactivate your own account."))
        self.email = clean_email(self.email)
        if self.nip:
            self.nip = parse_nip(self.nip).number
        else:
            self.nip = None


#: The minimum password policy.
PASSWORD_MIN_LENGTH = 10
#: Passwords people pick first; refused whatever their length.
COMMON_PASSWORDS = frozenset({
    "1234567890", "12345678910", "password123", "password1234", "qwertyuiop", "qwerty12345",
    "admin12345", "admin123456", "rahasia123", "rahasia1234", "pontianak123", "pontianak1",
    "diskominfo1", "diskominfo123", "katasandi123", "bismillah123", "indonesia123",
})


def check_password_policy(password: str, username: str | None = None) -> None:
    """Refuse a password that is short, lacks letters or digits, holds the username or is
    a well-known one."""
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise DomainError(_l("A password needs at least %(n)s characters."),
                          n=PASSWORD_MIN_LENGTH)
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        raise DomainError(_l("A password needs both letters and digits."))
    if username and username.lower() in password.lower():
        raise DomainError(_l("A password must not contain the username."))
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        raise DomainError(_l("This password is too easy to guess; choose another."))
