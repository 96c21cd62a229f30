"""Plain builders: make_x(**overrides) adds a valid record to the session and flushes it."""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from werkzeug.security import generate_password_hash

from models import (
    Agency,
    AgencyKind,
    Application,
    Decision,
    Disposition,
    EquipmentFault,
    Instruction,
    Language,
    Meeting,
    Outcome,
    RequestKind,
    RequestLetter,
    RkaItem,
    Role,
    SpbeCategory,
    User,
    db,
)

PASSWORD = "rahasia-123"
#: Hashed once: scrypt per built user would slow the suite down for nothing.
PASSWORD_HASH = generate_password_hash(PASSWORD)
#: A fixed "now" for records: a Monday morning in office time (01:00 UTC = 08:00 WIB).
NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
_serial = itertools.count(1)


def _save(record, at=NOW, by=None):
    db.session.add(record)
    with db.session.no_autoflush:
        if hasattr(record, "before_save"):
            record.before_save(at=at, by=by)
    db.session.flush()
    return record


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


def make_letter(agency=None, at=NOW, **overrides):
    n = next(_serial)
    values = dict(number=f"000.8/{n}/TEST/2025", letter_date=date(2025, 2, 27),
                  received_at=datetime(2025, 2, 28, 2, 0, tzinfo=UTC),
                  agency=agency or make_agency(), subject=f"Permohonan aplikasi {n}",
                  request_kind=RequestKind.NEW, application_name=f"Aplikasi {n}",
                  spbe_category=SpbeCategory.SPECIFIC)
    values.update(overrides)
    return _save(RequestLetter(**values), at=at)


def make_application(agency=None, **overrides):
    n = next(_serial)
    values = dict(name=f"SI Contoh {n}", agency=agency or make_agency(),
                  spbe_category=SpbeCategory.GENERAL, year_built=2020)
    values.update(overrides)
    return _save(Application(**values))


def make_disposition(letter=None, from_user=None, to_user=None, **overrides):
    letter = letter or make_letter()
    values = dict(letter=letter, from_user=from_user or make_user(Role.KADIS),
                  to_user=to_user or make_user(Role.KABID), instructions=[Instruction.PROCESS],
                  disposed_at=letter.received_at + timedelta(minutes=30))
    values.update(overrides)
    return _save(Disposition(**values))


def make_meeting(letter=None, **overrides):
    letter = letter or make_letter()
    values = dict(letter=letter, scheduled_at=letter.received_at + timedelta(days=1))
    values.update(overrides)
    return _save(Meeting(**values))


def make_decision(letter=None, outcome=Outcome.ACCEPTED, at=NOW, **overrides):
    letter = letter or make_letter()
    values = dict(letter=letter, outcome=outcome, decided_by=make_user(Role.KASI),
                  decided_at=letter.received_at + timedelta(days=2),
                  reason=None if outcome is Outcome.ACCEPTED else "Sudah ada aplikasi serupa")
    values.update(overrides)
    return _save(Decision(**values), at=at)


def make_rka_item(decision=None, **overrides):
    values = dict(decision=decision or make_decision(), nomenclature_code="2.16.03.1.02.0005",
                  description="Pembangunan aplikasi", volume=Decimal("1"), unit="Paket",
                  unit_price=Decimal("150000000.00"))
    values.update(overrides)
    return _save(RkaItem(**values))


def make_fault(**overrides):
    values = dict(item="Proyektor", reported_at=NOW - timedelta(days=1),
                  reported_by=overrides.pop("reported_by", None) or make_user(Role.CLERK))
    values.update(overrides)
    return _save(EquipmentFault(**values))
