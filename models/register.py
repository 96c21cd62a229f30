"""Importing the paper register: one row per historical request, replayed through the same
model methods as the screens, so step records and due times come out exactly as for live data."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .agencies import Agency
from .applications import Application
from .attachments import Attachment, AttachmentKind
from .bounds import CONTROL, FIRST_YEAR
from .budget import RkaItem
from .decisions import Decision, Outcome
from .dispositions import Disposition, Instruction
from .errors import DomainError
from .letters import RequestKind, RequestLetter, SecurityClass, SpbeCategory, Urgency
from .meetings import DEFAULT_PLACE, Meeting
from .recording import save
from .register_file import BadCell, RowError, UnreadableRegister, choice, read_register
from .standards import ServiceStandard
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
NAMES = tuple(c.rstrip("*") for c in COLUMNS)
REQUIRED = tuple(c.rstrip("*") for c in COLUMNS if c.endswith("*"))
#: Columns that only mean something beside another: a decision's details need its time, an
#: RKA item's figures its code (a figure alone would be dropped without a word).
NEEDS = {"outcome": "decided_at", "reason": "decided_at", "reply_number": "decided_at",
         "reply_date": "decided_at", "rka_code": "decided_at", "rka_description": "rka_code",
         "rka_volume": "rka_code", "rka_unit": "rka_code", "rka_unit_price": "rka_code",
         "rka_planned_at": "rka_code"}
#: Where a model's refusal points in the register: its field's column, else the step's own.
RKA_FIELDS = {"nomenclature_code": "rka_code", "description": "rka_description",
              "volume": "rka_volume", "unit": "rka_unit", "unit_price": "rka_unit_price",
              "planned_at": "rka_planned_at"}


@contextmanager
def _step(column, fields=None):
    """A DomainError of this step names the column of its field, or the step's `column`."""
    try:
        yield
    except DomainError as exc:
        fields = fields or {}
        named = fields.get(exc.field, exc.field if exc.field in NAMES else column)
        raise BadCell(named, str(exc)) from None


def _moment(row, column):
    text = row.get(column, "")
    if not text:
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise BadCell(column, _l("expected YYYY-MM-DD HH:MM (office time)")) from None
    return from_local(_in_years(moment, column))


def _day(row, column):
    text = row.get(column, "")
    try:
        return _in_years(date.fromisoformat(text), column) if text else None
    except ValueError:
        raise BadCell(column, _l("expected YYYY-MM-DD")) from None


def _in_years(value, column):
    """Early enough years are refused here, before any time-zone arithmetic (which year 1
    would overflow); the model holds the rest of the range (bounds.check_fields)."""
    if value.year < FIRST_YEAR:
        raise BadCell(column, _l("The year must be %(first)s or later.", first=FIRST_YEAR))
    return value


def _amount(row, column):
    try:
        amount = Decimal(row.get(column, ""))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise BadCell(column, _l("expected a number such as 150000000.00"))
    return amount


def read_file(path: Path):
    """The register file's rows and its formula cells (register_file.read_register)."""
    return read_register(path, NAMES, REQUIRED)


def _officials(session) -> dict:
    """The active user holding each role the register replays; refused when one is missing."""
    if session.scalar(select(func.count()).select_from(ServiceStandard)) == 0:
        raise UnreadableRegister(_l("The SOP's service standards are not loaded yet."))
    officials = {}
    for role in (Role.CLERK, Role.KADIS, Role.KABID, Role.KASI):
        officials[role] = session.scalar(select(User).where(
            User.role == role, User.active.is_(True)).order_by(User.id).limit(1))
        if officials[role] is None:
            raise UnreadableRegister(_l("No active user holds the role %(role)s."),
                                     role=role.value)
    return officials


def import_register(session, rows: list[tuple[int, dict]], folder: Path, at: datetime,
                    progress=lambda n: None) -> list[RowError]:
    """Replay every (line, row); return the errors. The caller commits only when there are
    none. Raises UnreadableRegister when the office lacks what every row needs."""
    officials, errors = _officials(session), []
    for line, row in rows:
        savepoint = session.begin_nested()
        try:
            with session.no_autoflush:
                _replay(session, row, folder, at, officials)
            session.flush()
            savepoint.commit()
        except BadCell as bad:
            savepoint.rollback()
            errors.append(RowError(line, bad.column, bad.message))
        progress(1)
    return errors


def _check_row(row):
    for column, text in row.items():
        if CONTROL.search(text):
            raise BadCell(column, _l("Remove the invisible or control characters from the text."))
    missing = [c for c in REQUIRED if not row.get(c)]
    if missing:
        raise BadCell(missing[0], _l("required"))
    for column, anchor in NEEDS.items():
        if row.get(column) and not row.get(anchor):
            raise BadCell(column, _l("given without %(column)s", column=anchor))
    if row.get("decided_at") and not row.get("outcome"):
        raise BadCell("outcome", _l("required with decided_at"))
    if row.get("rka_code") and not row.get("rka_planned_at"):
        # step 3 ends then: a guess (the decision, the import) would invent its duration
        raise BadCell("rka_planned_at", _l("required with rka_code: when the item was planned"))


def _application(session, agency, row):
    """An upgrade's application: the agency's one application of that name in the inventory."""
    name = row.get("application_name", "")
    if row.get("request_kind") != RequestKind.UPGRADE.value or not name:
        return None
    found = session.scalars(select(Application).where(
        Application.agency_id == agency.id, Application.archived_at.is_(None),
        func.lower(Application.name) == name.lower())).all()
    if not found:
        raise BadCell("application_name", _l("%(agency)s has no application named “%(name)s” in "
                                          "the inventory", agency=agency.code, name=name))
    if len(found) > 1:
        raise BadCell("application_name", _l("%(agency)s has several applications named "
                                          "“%(name)s”", agency=agency.code, name=name))
    return found[0]


def _replay(session, row, folder, at, officials):
    _check_row(row)
    clerk, kadis, kabid, kasi = (officials[r] for r in
                                 (Role.CLERK, Role.KADIS, Role.KABID, Role.KASI))
    agency = session.scalar(select(Agency).where(Agency.code == row["agency_code"]))
    if agency is None:
        raise BadCell("agency_code", _l("unknown agency code"))
    with _step("scan_file"):
        scan = _scan(row, folder, at)
    letter = RequestLetter(
        agency=agency, number=row["number"], letter_date=_day(row, "letter_date"),
        received_at=_moment(row, "received_at"), subject=row["subject"],
        summary=row.get("summary") or None,
        request_kind=choice(row, "request_kind", RequestKind),
        application_name=row.get("application_name") or None,
        application=_application(session, agency, row),
        spbe_category=choice(row, "spbe_category", SpbeCategory),
        security_class=choice(row, "security_class", SecurityClass, SecurityClass.ORDINARY),
        urgency=choice(row, "urgency", Urgency, Urgency.ORDINARY), scan=scan)
    with _step("number"):
        save(session, letter, at=at, by=clerk)
    if (sent := _moment(row, "sent_to_kadis_at")) is not None:
        with _step("sent_to_kadis_at"):
            letter.move(Move.SEND_TO_KADIS, by=clerk, at=at, happened_at=sent)
    for column, giver, taker in (("disposed_to_kabid_at", kadis, kabid),
                                 ("disposed_to_kasi_at", kabid, kasi)):
        if (moment := _moment(row, column)) is not None:
            with _step(column, {"disposed_at": column}):
                save(session, Disposition(letter=letter, from_user=giver, to_user=taker,
                                          instructions=[Instruction.PROCESS],
                                          disposed_at=moment), at=at, by=giver)
    if (meeting_at := _moment(row, "meeting_at")) is not None:
        with _step("meeting_at", {"scheduled_at": "meeting_at", "held_at": "meeting_at"}):
            save(session, Meeting(letter=letter, scheduled_at=meeting_at, held_at=meeting_at,
                                  place=DEFAULT_PLACE), at=at, by=kasi)
    if (decided_at := _moment(row, "decided_at")) is not None:
        decision = Decision(
            letter=letter, decided_by=kasi, decided_at=decided_at,
            outcome=choice(row, "outcome", Outcome), reason=row.get("reason") or None,
            reply_number=row.get("reply_number") or None, reply_date=_day(row, "reply_date"))
        with _step("decided_at"):
            save(session, decision, at=at, by=kasi)
        if row.get("rka_code"):
            item = RkaItem(
                decision=decision, nomenclature_code=row["rka_code"],
                description=row.get("rka_description") or letter.subject,
                volume=_amount(row, "rka_volume"), unit=row.get("rka_unit") or "Paket",
                unit_price=_amount(row, "rka_unit_price"),
                planned_at=_moment(row, "rka_planned_at"))
            with _step("rka_code", RKA_FIELDS):
                save(session, item, at=at, by=kasi)


def _scan(row, folder, at):
    name = row.get("scan_file", "")
    if not name:
        return None
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        raise BadCell("scan_file", _l("file not found beside the register"))
    return Attachment.from_bytes(AttachmentKind.LETTER_SCAN, path.name, path.read_bytes(), at)


