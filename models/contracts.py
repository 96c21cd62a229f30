"""The contract a model offers to the save path and to the row scope: typed, not guessed."""

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .users import User


class Record(Protocol):
    """What `save()` needs of a model; `Base` gives every model a no-op default."""

    def before_save(self, at: datetime, by: "User | None") -> None: ...

    def after_save(self, session, at: datetime, by: "User | None") -> None: ...


class AgencyScoped:
    """A model whose rows OPD staff may read where `agency_scope(agency_id)` holds."""

    @classmethod
    def agency_scope(cls, agency_id: int):
        """The SQL condition for the rows an agency's staff may see."""
        raise NotImplementedError


class AgencyOwned(AgencyScoped):
    """A record that belongs to one agency: OPD staff write only their own agency's."""

    @property
    def owner_agency_id(self) -> int | None:
        raise NotImplementedError


class LetterPart(AgencyOwned):
    """A record that hangs from one request letter, and so belongs to the letter's agency."""

    @classmethod
    def agency_scope(cls, agency_id: int):
        letter = cls.letter.property.mapper.class_  # RequestLetter, without importing it
        return cls.letter.has(letter.agency_scope(agency_id))

    @property
    def owner_agency_id(self) -> int | None:
        return self.letter.owner_agency_id


class Addressed:
    """A record addressed to one person, seen by them whatever their role."""

    @classmethod
    def recipient_scope(cls, user):
        raise NotImplementedError
