"""Service standards (mutu baku): the SOP's steps with their time allowed, in versions by the
day each takes effect; a step is measured against the version in force when it started."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, String, Text, UniqueConstraint, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from .audit import stamp
from .db import Versioned, db, enum_column
from .errors import DomainError
from .sop import ORIGINAL, load_sop_document
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


#: The SOP's own standards take effect on the day it was issued.
ORIGINAL_VALID_FROM = ORIGINAL["created_on"]


class ServiceStandard(Versioned, db.Model):
    __tablename__ = "service_standard"
    __table_args__ = (UniqueConstraint("number", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, index=True)
    #: The first office-local day this version is in force (until the next version's).
    valid_from: Mapped[date] = mapped_column(Date)
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
        """A version's time is fixed once saved; its executor is the workflow's, and a new
        version keeps the SOP's printed kelengkapan."""
        self.actor_role = STEP_EXECUTOR.get(self.number, self.actor_role)
        if not self.kelengkapan:
            printed = next((s for s in SOP_STEPS if s["number"] == self.number), None)
            self.kelengkapan = printed["kelengkapan"] if printed else ""
        if not 1 <= self.minutes <= MAX_MINUTES:
            raise DomainError(_l("The time allowed must be between 1 minute and 30 days."))
        state = inspect(self)
        if state.persistent and any(state.attrs[key].history.deleted
                                    for key in ("number", "valid_from", "minutes")):
            # steps already measured keep their version: a new time is a new version
            raise DomainError(_l("A standard's time is changed by adding a new version from "
                                 "the day it takes effect; the earlier version stays."))

    @classmethod
    def in_force(cls, session, number: int, day: date) -> "ServiceStandard | None":
        """The version of step `number` in force on office-local `day`; before the first
        version, the first (a register older than the SOP is measured by its originals)."""
        versions = select(cls).where(cls.number == number)
        return (session.scalar(versions.where(cls.valid_from <= day)
                               .order_by(cls.valid_from.desc()).limit(1))
                or session.scalar(versions.order_by(cls.valid_from).limit(1)))

    @classmethod
    def all_in_force(cls, session, day: date) -> list["ServiceStandard"]:
        """Each step's version in force on `day`, by step."""
        numbers = session.scalars(select(cls.number).distinct().order_by(cls.number))
        return [cls.in_force(session, number, day) for number in numbers]


def load_sop_standards(session, at: datetime) -> None:
    """Insert the SOP (its document and its standards) where missing (idempotent)."""
    stamp(session, at=at, by=None)
    load_sop_document(session)
    have = {n for (n,) in session.query(ServiceStandard.number)}
    session.add_all(ServiceStandard(valid_from=ORIGINAL_VALID_FROM, **s) for s in SOP_STEPS
                    if s["number"] not in have)
