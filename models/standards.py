"""Service standards (mutu baku): one row per SOP step, with its time allowed."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .audit import stamp
from .db import Versioned, db, enum_column
from .errors import DomainError
from .sop import load_sop_document
from .users import Role
from .workflow import STEP_EXECUTOR

#: The longest time a standard may allow a step: 30 days.
MAX_MINUTES = 60 * 24 * 30

#: The SOP's three steps as printed in SOP 100/TKPBET.DKI/2020. The executor is the workflow's
#: (STEP_EXECUTOR) and the kelengkapan the printed text; the screens show both, read-only.
SOP_STEPS = [
    dict(number=1, name="Menerima, menelaah dan mendisposisikan surat permohonan kepada Kasi PK&AI",
         actor_role=STEP_EXECUTOR[1], kelengkapan="Surat Permohonan Aplikasi dari OPD",
         minutes=15, output="Surat telah didisposisikan"),
    dict(number=2, name="Menerima dan menganalisa surat permohonan, berkonsultasi dengan Kabid "
                        "TKPBET dan berkoordinasi dengan OPD pemohon",
         actor_role=STEP_EXECUTOR[2],
         kelengkapan="Surat Permohonan Aplikasi dari OPD, Komputer dll", minutes=60,
         output="Surat telah diterima dan dikoordinasikan"),
    dict(number=3, name="Penganggaran aplikasi disetujui dan direncanakan di dalam RKA",
         actor_role=STEP_EXECUTOR[3], kelengkapan="Surat Permohonan, Komputer", minutes=60,
         output="RKA Pembuatan / Peningkatan Aplikasi"),
]


class ServiceStandard(Versioned, db.Model):
    __tablename__ = "service_standard"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(255))
    #: Shown, never edited: who acts is the workflow's rule (STEP_EXECUTOR).
    actor_role: Mapped[Role] = enum_column(Role)
    #: The SOP's printed wording; what a step checks before it finishes is steps.KELENGKAPAN.
    kelengkapan: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column(Integer)
    output: Mapped[str] = mapped_column(String(255))

    def __str__(self):
        return f"{self.number}. {self.name}"

    def before_save(self, at, by) -> None:
        if not 1 <= self.minutes <= MAX_MINUTES:
            raise DomainError(_l("The time allowed must be between 1 minute and 30 days."))


def load_sop_standards(session, at: datetime) -> None:
    """Insert the SOP (its document and its standards) where missing (idempotent)."""
    stamp(session, at=at, by=None)
    load_sop_document(session)
    have = {n for (n,) in session.query(ServiceStandard.number)}
    session.add_all(ServiceStandard(**s) for s in SOP_STEPS if s["number"] not in have)
