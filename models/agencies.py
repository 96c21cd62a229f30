"""Agencies (OPD): the city's dinas, badan, kecamatan and kelurahan that send requests."""

from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .addresses import clean_email
from .contracts import AgencyScoped
from .db import LabeledEnum, Versioned, db, enum_column
from .errors import InvalidHierarchy


class AgencyKind(LabeledEnum):
    DINAS = "dinas"
    BADAN = "badan"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"
    SEKRETARIAT = "sekretariat"
    RSUD = "rsud"
    LABELS = nonmember({"dinas": _l("Dinas"), "badan": _l("Badan"), "kecamatan": _l("Kecamatan"),
                        "kelurahan": _l("Kelurahan"), "sekretariat": _l("Sekretariat"),
                        "rsud": _l("RSUD")})


class Agency(AgencyScoped, Versioned, db.Model):
    """An OPD; a kelurahan hangs from its kecamatan."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[AgencyKind] = enum_column(AgencyKind, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    #: The agency's official mailbox: told of its requests' meetings and decisions.
    email: Mapped[str | None] = mapped_column(String(254))

    parent: Mapped["Agency | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Agency"]] = relationship(back_populates="parent")

    def __str__(self):
        return self.short_name or self.name

    @classmethod
    def agency_scope(cls, agency_id):
        return cls.id == agency_id

    def archive(self, at, by=None) -> None:
        """Agencies are never removed: archiving one deactivates it."""
        self.active = False

    def before_save(self, at, by) -> None:
        """A kelurahan hangs from a kecamatan; no agency is its own parent."""
        if self.kind is AgencyKind.KELURAHAN and (
                self.parent is None or self.parent.kind is not AgencyKind.KECAMATAN):
            raise InvalidHierarchy()
        if self.parent is self:
            raise InvalidHierarchy(_l("An agency cannot be its own parent."))
        self.email = clean_email(self.email)
