"""RKA items: what an accepted request costs in next year's budget work plan, in exact Rupiah."""

import re
from datetime import datetime
from decimal import Decimal
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .bounds import check_amount
from .contracts import AgencyOwned
from .db import MAX_RUPIAH, SEN, Archivable, LabeledEnum, Rupiah, UTCDateTime, db, enum_column
from .decisions import Decision, Outcome
from .errors import DomainError
from .workflow import LetterStatus, Move

#: program.kegiatan.sub-kegiatan codes of the national nomenclature (Kepmendagri 050-5889/2021),
#: e.g. 2.16.03.1.01.0001 or 2.16.03.2.02.
NOMENCLATURE = re.compile(r"\d\.\d{2}(\.\d{2})(\.\d\.\d{2}(\.\d{4})?)?")

#: The largest volume an item takes: what NUMERIC(12, 2) holds (12 digits: exact as a float
#: too, so SQLite gives it back as typed).
MAX_VOLUME = Decimal("9999999999.99")


class RkaStatus(LabeledEnum):
    PROPOSED = "usulan"
    RKA = "rka"
    DPA = "dpa"
    LABELS = nonmember({"usulan": _l("Proposal (usulan)"), "rka": _l("RKA"), "dpa": _l("DPA")})


class FundingSource(LabeledEnum):
    PAD = "pad"
    DAU = "dau"
    DAK = "dak"
    OTHER = "other"
    LABELS = nonmember({"pad": _l("PAD"), "dau": _l("DAU"), "dak": _l("DAK"),
                        "other": _l("Other lawful income")})


class RkaItem(AgencyOwned, Archivable, db.Model):
    __tablename__ = "rka_item"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    nomenclature_code: Mapped[str] = mapped_column(String(30), index=True)
    description: Mapped[str] = mapped_column(Text)
    volume: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit: Mapped[str] = mapped_column(String(30))
    unit_price: Mapped[Decimal] = mapped_column(Rupiah)
    total: Mapped[Decimal] = mapped_column(Rupiah)
    funding_source: Mapped[FundingSource] = enum_column(FundingSource,
                                                        default=FundingSource.DAU, index=True)
    status: Mapped[RkaStatus] = enum_column(RkaStatus, default=RkaStatus.PROPOSED, index=True)
    #: When the item was planned (earlier than its typing when a paper register is transcribed).
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    decision: Mapped[Decision] = relationship()

    def __str__(self):
        return f"{self.nomenclature_code} · {self.description[:40] if self.description else ''}"

    @classmethod
    def agency_scope(cls, agency_id):
        return cls.decision.has(Decision.agency_scope(agency_id))

    @property
    def owner_agency_id(self):
        return self.decision.owner_agency_id

    def before_save(self, at, by) -> None:
        """Only an accepted request is budgeted, in its budget year; total = volume x unit price."""
        if self.decision.outcome is not Outcome.ACCEPTED:
            raise DomainError(_l("An RKA item can only come from an accepted request."))
        self.fiscal_year = self.decision.budget_year
        if not NOMENCLATURE.fullmatch(self.nomenclature_code or ""):
            raise DomainError(_l("The budget code must look like 2.16.03.1.01.0001."),
                              field="nomenclature_code")
        check_amount("volume", self.volume, SEN, MAX_VOLUME)
        check_amount("unit_price", self.unit_price, Decimal(0), MAX_RUPIAH)
        total = (self.volume * self.unit_price).quantize(SEN)
        if total > MAX_RUPIAH:
            raise DomainError(_l("The total is too large."), field="unit_price")
        self.total = total
        self.planned_at = self.planned_at or at
        if self.planned_at < self.decision.decided_at:
            raise DomainError(_l("An RKA item cannot be planned before the decision."),
                              field="planned_at")
        if self.id is None and self.decision.letter.status is LetterStatus.ACCEPTED:
            self.decision.letter.move(Move.BUDGET, by=by, at=at, happened_at=self.planned_at)
