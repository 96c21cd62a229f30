"""Plain builders: make_x(**overrides) adds a valid record to the session and flushes it.

Records that move a letter go through the workflow like the screens do: a builder first walks
its letter (with `walk`) to the status the record needs.
"""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import (
    Agency,
    AgencyKind,
    Application,
    AttachmentKind,
    Decision,
    Disposition,
    EquipmentFault,
    Instruction,
    Language,
    LetterStatus,
    Meeting,
    Move,
    Notice,
    NoticeKind,
    Outcome,
    RequestKind,
    RequestLetter,
    RkaItem,
    Role,
    SpbeCategory,
    User,
    db,
)
from models.attachments import Attachment
from models.recording import save

PASSWORD = "rahasia-123"
#: Hashed once, and cheaply: the app's own scrypt hashing is tested where users log in through
#: the demo; here a log-in per test would only slow the suite down.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
#: A fixed "now" for records: a Monday morning in office time (01:00 UTC = 08:00 WIB).
NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
#: Default arrival of a letter: the Friday before, 08:00 WIB.
RECEIVED = datetime(2025, 2, 28, 1, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n%scan\n"
_serial = itertools.count(1)

S = LetterStatus
#: The happy path a builder walks a letter along.
PATH = [S.REGISTERED, S.AT_KADIS, S.AT_KABID, S.AT_KASI, S.IN_ANALYSIS, S.ACCEPTED, S.IN_RKA,
        S.BUILT]


def _save(record, at=NOW, by=None):
    return save(db.session, record, at=at, by=by)


def make_agency(**overrides):
    n = next(_serial)
    values = dict(code=f"OPD{n}", name=f"Dinas Contoh {n}", short_name=f"Dinas {n}",
                  kind=AgencyKind.DINAS, active=True)
    values.update(overrides)
    return _save(Agency(**values))


def make_user(role=Role.CLERK, agency=None, **overrides):
    n = next(_serial)
    values = dict(username=f"{role.value}{n}", full_name=f"Pegawai {n}", nip=None,
                  position=str(role.name).title(), role=role, agency=agency or make_agency(),
                  language=Language.ID, active=True)
    values.update(overrides)
    return _save(User(password_hash=PASSWORD_HASH, **values))


def staff(role):
    """The office's one official of `role` (made on first use)."""
    user = db.session.scalar(select(User).where(User.username == f"staf.{role.value}"))
    return user or make_user(role, username=f"staf.{role.value}")


def scan():
    return Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "surat.pdf", PDF, NOW)


def make_letter(agency=None, at=NOW, status=S.REGISTERED, **overrides):
    n = next(_serial)
    values = dict(number=f"000.8/{n}/TEST/2025", letter_date=date(2025, 2, 27),
                  received_at=RECEIVED, agency=agency or make_agency(),
                  subject=f"Permohonan aplikasi {n}", request_kind=RequestKind.NEW,
                  application_name=f"Aplikasi {n}", spbe_category=SpbeCategory.SPECIFIC,
                  scan=scan())
    values.update(overrides)
    return walk(_save(RequestLetter(**values), at=at), status, at=at)


def walk(letter, status, at=NOW):
    """Take `letter` along the SOP up to `status` (REJECTED: rejected after analysis)."""
    target = S.ACCEPTED if status is S.REJECTED else status
    while letter.status is not S.REJECTED and PATH.index(letter.status) < PATH.index(target):
        if letter.status is S.IN_ANALYSIS:
            make_decision(letter=letter, at=at, outcome=Outcome.REJECTED
                          if status is S.REJECTED else Outcome.ACCEPTED)
        elif letter.status is S.ACCEPTED:
            make_rka_item(decision=db.session.scalar(select(Decision).filter_by(letter=letter)),
                          at=at)
        else:
            {S.REGISTERED: _send, S.AT_KADIS: _to_kabid, S.AT_KABID: _to_kasi,
             S.AT_KASI: make_meeting, S.IN_RKA: _build}[letter.status](letter=letter, at=at)
    return letter


def _send(letter, at):
    letter.move(Move.SEND_TO_KADIS, by=staff(Role.CLERK), at=at,
                happened_at=letter.received_at + timedelta(minutes=5))


def _to_kabid(letter, at):
    make_disposition(letter=letter, from_user=staff(Role.KADIS), to_user=staff(Role.KABID),
                     at=at)


def _to_kasi(letter, at):
    make_disposition(letter=letter, from_user=staff(Role.KABID), to_user=staff(Role.KASI),
                     disposed_at=letter.received_at + timedelta(minutes=40), at=at)


def _build(letter, at):
    make_application(agency=letter.agency, letter=letter, name=letter.application_name, at=at)


def make_application(agency=None, at=NOW, **overrides):
    n = next(_serial)
    values = dict(name=f"SI Contoh {n}", agency=agency or make_agency(),
                  spbe_category=SpbeCategory.GENERAL, year_built=2020)
    values.update(overrides)
    return _save(Application(**values), at=at, by=staff(Role.KASI))


def make_disposition(letter=None, from_user=None, to_user=None, at=NOW, **overrides):
    letter = letter or make_letter(status=S.AT_KADIS)
    values = dict(letter=letter, from_user=from_user or staff(Role.KADIS),
                  to_user=to_user or staff(Role.KABID), instructions=[Instruction.PROCESS],
                  disposed_at=letter.received_at + timedelta(minutes=30))
    values.update(overrides)
    return _save(Disposition(**values), at=at)


def make_meeting(letter=None, at=NOW, **overrides):
    letter = walk(letter or make_letter(), S.AT_KASI, at=at)
    values = dict(letter=letter, scheduled_at=letter.received_at + timedelta(days=1))
    values.update(overrides)
    return _save(Meeting(**values), at=at, by=staff(Role.KASI))


def make_decision(letter=None, outcome=Outcome.ACCEPTED, at=NOW, **overrides):
    letter = walk(letter or make_letter(), S.IN_ANALYSIS, at=at)
    rejected = outcome is Outcome.REJECTED
    values = dict(letter=letter, outcome=outcome, decided_by=staff(Role.KASI), decided_at=at,
                  reason="Sudah ada aplikasi serupa" if rejected else None,
                  reply_number="000.8/9/Diskominfo/2025" if rejected else None,
                  reply_date=at.date() if rejected else None)
    values.update(overrides)
    return _save(Decision(**values), at=at)


def make_rka_item(decision=None, at=NOW, **overrides):
    values = dict(decision=decision or make_decision(), nomenclature_code="2.16.03.1.02.0005",
                  description="Pembangunan aplikasi", volume=Decimal("1"), unit="Paket",
                  unit_price=Decimal("150000000.00"))
    values.update(overrides)
    return _save(RkaItem(**values), at=at, by=staff(Role.KASI))


def make_notice(recipient=None, letter=None, **overrides):
    values = dict(recipient=recipient or make_user(Role.KABID), letter=letter or make_letter(),
                  kind=NoticeKind.DISPOSED, subject="Disposisi untuk Anda",
                  body="Yth. Pegawai,\nMohon ditelaah.", created_at=NOW)
    values.update(overrides)
    return _save(Notice(**values))


def make_fault(**overrides):
    values = dict(item="Proyektor", reported_at=NOW - timedelta(days=1),
                  reported_by=overrides.pop("reported_by", None) or make_user(Role.CLERK))
    values.update(overrides)
    return _save(EquipmentFault(**values))


