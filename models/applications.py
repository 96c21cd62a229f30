"""The application inventory behind the annual application report."""

from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .agencies import Agency
from .contracts import AgencyOwned
from .db import Archivable, LabeledEnum, db, enum_column
from .errors import DomainError
from .letters import SpbeCategory
from .workflow import LetterStatus, Move


class Platform(LabeledEnum):
    WEB = "web"
    MOBILE = "mobile"
    DESKTOP = "desktop"
    LABELS = nonmember({"web": _l("Web"), "mobile": _l("Mobile"), "desktop": _l("Desktop")})


class ApplicationStatus(LabeledEnum):
    ACTIVE = "aktif"
    INACTIVE = "tidak_aktif"
    IN_DEVELOPMENT = "dalam_pengembangan"
    LABELS = nonmember({"aktif": _l("Active"), "tidak_aktif": _l("Inactive"),
                        "dalam_pengembangan": _l("In development")})


class Application(AgencyOwned, Archivable, db.Model):
    __tablename__ = "application"

    name: Mapped[str] = mapped_column(String(150), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    spbe_category: Mapped[SpbeCategory] = enum_column(SpbeCategory, index=True)
    platform: Mapped[Platform] = enum_column(Platform, default=Platform.WEB, index=True)
    url: Mapped[str | None] = mapped_column(String(255))
    year_built: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[ApplicationStatus] = enum_column(ApplicationStatus,
                                                    default=ApplicationStatus.ACTIVE, index=True)
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("request_letter.id", use_alter=True), index=True)
    rka_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("rka_item.id", use_alter=True), index=True)

    agency: Mapped[Agency] = relationship()
    # post_update: application and request_letter (and rka_item) refer to each other
    letter: Mapped["RequestLetter | None"] = relationship(  # noqa: F821
        foreign_keys=[letter_id], post_update=True)
    rka_item: Mapped["RkaItem | None"] = relationship(post_update=True)  # noqa: F821

    def __str__(self):
        return self.name

    @classmethod
    def agency_scope(cls, agency_id):
        return cls.agency_id == agency_id

    @property
    def owner_agency_id(self):
        return self.agency.id if self.agency is not None else self.agency_id

    def before_save(self, at, by) -> None:
        """The year built is not in the future; the source request is the owner's own."""
        if self.year_built and not 1980 <= self.year_built <= at.year + 1:
            raise DomainError(_l("The year built is out of range."))
        if self.letter is not None and self.letter.owner_agency_id != self.owner_agency_id:
            raise DomainError(_l("The source request must come from the owning agency."),
                              field="letter")
        if (self.rka_item is not None
                and self.rka_item.decision.letter.owner_agency_id != self.owner_agency_id):
            raise DomainError(_l("The RKA item must budget a request of the owning agency."),
                              field="rka_item")
        if self.url and not self.url.startswith(("http://", "https://")):
            raise DomainError(_l("The URL must start with http:// or https://."))
        if self.letter is not None and self.letter.status is LetterStatus.IN_RKA:
            self.letter.move(Move.BUILD, by=by, at=at)
