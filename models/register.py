"""Importing the paper register: one row per historical request, replayed through the same
model methods as the screens, so step records and due times come out exactly as for live data."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from .agencies import Agency
from .attachments import Attachment, AttachmentKind
from .budget import RkaItem
from .decisions import Decision, Outcome
from .dispositions import Disposition, Instruction
from .errors import DomainError
from .letters import RequestKind, RequestLetter, SecurityClass, SpbeCategory, Urgency
from .meetings import DEFAULT_PLACE, Meeting
from .recording import save
from .timezone import from_local
from .users import Role, User
from .workflow import Move

#: The register's columns, in order; the README documents them. Those marked * are required.
COLUMNS = ("agency_code*", "number*", "letter_date*", "received_at*", "subject*", "summary",
           "request_kind*", "application_name", "spbe_category*", "security_class", "urgency",
           "scan_file", "sent_to_kadis_at", "disposed_to_kabid_at", "disposed_to_kasi_at",
           "meeting_at", "decided_at", "outcome", "reason", "reply_number", "reply_date",
           "rka_code", "rka_description", "rka_volume", "rka_unit", "rka_unit_price",
           "rka_planned_at")
REQUIRED = tuple(c.rstrip("*") for c in COLUMNS if c.endswith("*"))


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return f"line {self.line}, column {self.column}: {self.message}"


class _Bad(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column, self.message = column, message


def _moment(row, column):
    text = row.get(column, "").strip()
    if not text:
        return None
    try:
        return from_local(datetime.strptime(text, "%Y-%m-%d %H:%M"))
    except ValueError:
        raise _Bad(column, "expected YYYY-MM-DD HH:MM (office time)") from None


def _day(row, column):
    text = row.get(column, "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise _Bad(column, "expected YYYY-MM-DD") from None


def _choice(row, column, enum_class, default=None):
    text = row.get(column, "").strip()
    if not text:
        return default
    try:
        return enum_class(text)
    except ValueError:
        raise _Bad(column, "one of " + ", ".join(m.value for m in enum_class)) from None


def _amount(row, column):
    try:
        return Decimal(row.get(column, "").strip())
    except InvalidOperation:
        raise _Bad(column, "expected a number such as 150000000.00") from None


def _official(session, role):
    user = session.scalar(select(User).where(User.role == role, User.active.is_(True))
                          .order_by(User.id).limit(1))
    if user is None:
        raise _Bad("-", f"no active user with the role {role.value}")
    return user


def import_register(session, rows: list[dict], folder: Path, at: datetime,
                    progress=lambda n: None) -> list[RowError]:
    """Replay every row; return the errors. The caller commits only when there are none."""
    errors = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        savepoint = session.begin_nested()
        try:
            with session.no_autoflush:
                _replay(session, row, folder, at)
            session.flush()
            savepoint.commit()
        except _Bad as bad:
            savepoint.rollback()
            errors.append(RowError(line, bad.column, bad.message))
        except DomainError as exc:
            savepoint.rollback()
            errors.append(RowError(line, "-", str(exc)))
        progress(1)
    return errors


def _replay(session, row, folder, at):
    missing = [c for c in REQUIRED if not row.get(c, "").strip()]
    if missing:
        raise _Bad(missing[0], "required")
    agency = session.scalar(select(Agency).where(Agency.code == row["agency_code"].strip()))
    if agency is None:
        raise _Bad("agency_code", "unknown agency code")
    clerk, kadis, kabid, kasi = (_official(session, r) for r in
                                 (Role.CLERK, Role.KADIS, Role.KABID, Role.KASI))
    letter = RequestLetter(
        agency=agency, number=row["number"].strip(), letter_date=_day(row, "letter_date"),
        received_at=_moment(row, "received_at"), subject=row["subject"].strip(),
        summary=row.get("summary") or None,
        request_kind=_choice(row, "request_kind", RequestKind),
        application_name=row.get("application_name") or None,
        spbe_category=_choice(row, "spbe_category", SpbeCategory),
        security_class=_choice(row, "security_class", SecurityClass, SecurityClass.ORDINARY),
        urgency=_choice(row, "urgency", Urgency, Urgency.ORDINARY), scan=_scan(row, folder, at))
    save(session, letter, at=at, by=clerk)
    if (sent := _moment(row, "sent_to_kadis_at")) is not None:
        letter.move(Move.SEND_TO_KADIS, by=clerk, at=at, happened_at=sent)
    for column, giver, taker in (("disposed_to_kabid_at", kadis, kabid),
                                 ("disposed_to_kasi_at", kabid, kasi)):
        if (moment := _moment(row, column)) is not None:
            save(session, Disposition(letter=letter, from_user=giver, to_user=taker,
                                      instructions=[Instruction.PROCESS], disposed_at=moment),
                 at=at, by=giver)
    if (meeting_at := _moment(row, "meeting_at")) is not None:
        save(session, Meeting(letter=letter, scheduled_at=meeting_at, held_at=meeting_at,
                              place=DEFAULT_PLACE), at=at, by=kasi)
    if (decided_at := _moment(row, "decided_at")) is not None:
        decision = save(session, Decision(
            letter=letter, decided_by=kasi, decided_at=decided_at,
            outcome=_choice(row, "outcome", Outcome), reason=row.get("reason") or None,
            reply_number=row.get("reply_number") or None, reply_date=_day(row, "reply_date")),
            at=at, by=kasi)
        if row.get("rka_code", "").strip():
            save(session, RkaItem(
                decision=decision, nomenclature_code=row["rka_code"].strip(),
                description=row.get("rka_description") or letter.subject,
                volume=_amount(row, "rka_volume"), unit=row.get("rka_unit") or "Paket",
                unit_price=_amount(row, "rka_unit_price"),
                planned_at=_moment(row, "rka_planned_at")), at=at, by=kasi)


def _scan(row, folder, at):
    name = row.get("scan_file", "").strip()
    if not name:
        return None
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        raise _Bad("scan_file", "file not found beside the register")
    return Attachment.from_bytes(AttachmentKind.LETTER_SCAN, path.name, path.read_bytes(), at)


