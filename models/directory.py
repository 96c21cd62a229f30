"""Loading the office's own agencies and staff from a table (CSV or XLSX), all or nothing: each
row is saved through the same model rules as the screens, and every bad row is named by line
and column."""

import secrets
import string
from collections.abc import Callable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from .addresses import InvalidEmail
from .agencies import Agency, AgencyKind
from .errors import DomainError, InvalidHierarchy, InvalidNip
from .recording import save
from .register_file import BadCell, RowError, choice
from .users import Language, Role, User

#: The columns of each table; those marked * are required. The README documents them.
AGENCY_COLUMNS = ("code*", "name*", "short_name*", "kind*", "parent_code", "email")
USER_COLUMNS = ("username*", "full_name*", "role*", "agency_code*", "position*", "nip",
                "rank", "email", "language")
#: Which column a model's refusal concerns, where the error says so by its kind.
ERROR_COLUMNS = {InvalidNip: "nip", InvalidEmail: "email", InvalidHierarchy: "parent_code"}


def _required(row: dict, columns) -> None:
    for column in columns:
        if column.endswith("*") and not row.get(column[:-1], ""):
            raise BadCell(column[:-1], _l("required"))


def _rows(session: Session, rows: list[tuple[int, dict]], make: Callable[[dict], object],
          at: datetime, key: str) -> list[RowError]:
    """Save each row's record in a savepoint of its own; a row that fails leaves nothing."""
    errors, seen = [], set()
    for line, row in rows:
        savepoint = session.begin_nested()
        try:
            value = row.get(key, "")
            if value in seen:
                raise BadCell(key, _l("appears twice in the file"))
            seen.add(value)
            with session.no_autoflush:
                record = make(row)
            save(session, record, at=at, by=None)
            savepoint.commit()
        except BadCell as bad:
            savepoint.rollback()
            errors.append(RowError(line, bad.column, bad.message))
        except DomainError as exc:
            savepoint.rollback()
            errors.append(RowError(line, ERROR_COLUMNS.get(type(exc)) or exc.field or "-",
                                   str(exc)))
    return errors


def import_agencies(session: Session, rows: list[tuple[int, dict]], at: datetime) -> list[RowError]:
    """Add the agencies of `rows`; return the errors (the caller commits only when none)."""
    def make(row):
        _required(row, AGENCY_COLUMNS)
        code = row["code"]
        if session.scalar(select(Agency.id).where(Agency.code == code)) is not None:
            raise BadCell("code", _l("an agency with this code exists already"))
        parent = None
        if parent_code := row.get("parent_code", ""):
            parent = session.scalar(select(Agency).where(Agency.code == parent_code))
            if parent is None:
                raise BadCell("parent_code", _l("unknown agency code"))
        return Agency(code=code, name=row["name"], short_name=row["short_name"],
                      kind=choice(row, "kind", AgencyKind), parent=parent,
                      email=row.get("email") or None)
    return _rows(session, rows, make, at, key="code")


def import_users(session: Session, rows: list[tuple[int, dict]], at: datetime
                 ) -> tuple[list[RowError], dict[str, str]]:
    """Add the staff of `rows`, each with a first password they must change at their first
    log-in; returns the errors and username -> first password."""
    passwords = {}

    def make(row):
        _required(row, USER_COLUMNS)
        username = row["username"]
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise BadCell("username", _l("a user with this username exists already"))
        agency = session.scalar(select(Agency).where(Agency.code == row["agency_code"]))
        if agency is None:
            raise BadCell("agency_code", _l("unknown agency code"))
        user = User(username=username, full_name=row["full_name"],
                    role=choice(row, "role", Role), agency=agency,
                    position=row["position"], nip=row.get("nip") or None,
                    rank=row.get("rank") or None, email=row.get("email") or None,
                    language=choice(row, "language", Language, Language.ID), active=True)
        passwords[username] = first_password()
        user.set_password(passwords[username])
        user.must_change_password = True
        return user
    errors = _rows(session, rows, make, at, key="username")
    return errors, ({} if errors else passwords)


def first_password() -> str:
    """A random first password that meets the policy: 12 letters and digits, both present."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password
