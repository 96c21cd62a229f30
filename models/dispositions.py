"""Dispositions: a superior routes a letter to a subordinate with ticked instructions."""

from datetime import date, datetime
from enum import nonmember

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .acting import ActingAssignment, ActingKind
from .contracts import LetterPart
from .db import Archivable, CodeList, LabeledEnum, UTCDateTime, db
from .errors import DomainError
from .letters import RequestLetter
from .timezone import local_datetime, to_local
from .users import Role, User
from .workflow import TRANSITIONS, Move

#: Whom a disposition goes to -> the move it makes.
CHAIN = {Role.KABID: Move.DISPOSE_TO_KABID, Role.KASI: Move.DISPOSE_TO_KASI}
#: Who disposes -> to whom, one link down the chain (the role the transition table names).
NEXT_IN_CHAIN = {transition.role: to for to, move in CHAIN.items()
                 for (_, made), transition in TRANSITIONS.items() if made is move}


class Instruction(LabeledEnum):
    RESPOND = "respond"
    PROCESS = "process"
    COORDINATE = "coordinate"
    REVIEW = "review"
    SCHEDULE_MEETING = "schedule"
    LABELS = nonmember({
        "respond": _l("Tanggapan dan saran"), "process": _l("Proses lebih lanjut"),
        "coordinate": _l("Koordinasi/konfirmasikan"), "review": _l("Telaah"),
        "schedule": _l("Jadwalkan rapat"),
    })


#: What a disposition usually asks, by whom it goes to (the one picked on the letter's page).
USUAL_INSTRUCTIONS = {Role.KABID: [Instruction.PROCESS],
                      Role.KASI: [Instruction.REVIEW, Instruction.COORDINATE]}


def recipients(session, roles, day: date) -> list[User]:
    """Whom someone holding `roles` (their own, then those they act for) may dispose to on
    `day`: the active officials one link down the chain, each absent one's stand-in first."""
    found = []
    targets = [NEXT_IN_CHAIN[role] for role in roles if role in NEXT_IN_CHAIN]
    officials = session.scalars(select(User).where(User.role.in_(targets),
                                                   User.active.is_(True)).order_by(User.id))
    for official in officials:
        found += [*ActingAssignment.stand_ins(official, day), official]
    return list(dict.fromkeys(found))


class Disposition(LetterPart, Archivable, db.Model):
    __tablename__ = "disposition"

    letter_id: Mapped[int] = mapped_column(ForeignKey("request_letter.id"), index=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    instructions: Mapped[list[Instruction]] = mapped_column(CodeList(Instruction), default=list)
    note: Mapped[str | None] = mapped_column(Text)
    disposed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acting_for_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    letter: Mapped[RequestLetter] = relationship()
    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id])
    acting_for: Mapped[User | None] = relationship(foreign_keys=[acting_for_id])

    def __str__(self):
        return f"{self.letter} → {self.to_user.full_name if self.to_user else ''}"

    def orders(self) -> list[str]:
        """What the disposition asks, a line each, in the reader's language: its instructions,
        its note and its deadline (the notice and the timeline say the same)."""
        lines = []
        if self.instructions:
            lines.append(gettext("Instructions: %(items)s",
                                 items=", ".join(str(i.label) for i in self.instructions)))
        if self.note:
            lines.append(gettext("Note: %(note)s", note=self.note))
        if self.deadline:
            lines.append(gettext("Deadline: %(when)s", when=local_datetime(self.deadline)))
        return lines

    @property
    def acting_kind(self) -> ActingKind | None:
        """Plh or Plt when the disposition was made for an absent official, else None."""
        if self.acting_for is None:
            return None
        return ActingAssignment.kind_on(self.from_user, self.acting_for,
                                        to_local(self.disposed_at).date()) or ActingKind.PLH

    def before_save(self, at: datetime, by) -> None:
        """A disposition comes after the letter arrived and is read after it was made."""
        if not self.instructions and not (self.note or "").strip():
            raise DomainError(_l("Tick at least one instruction or write a note."))
        if self.from_user is not None and self.from_user is self.to_user:
            raise DomainError(_l("A letter cannot be disposed to its sender."))
        if self.disposed_at < self.letter.received_at:
            raise DomainError(_l("A disposition cannot come before the letter was received."))
        if self.read_at and self.read_at < self.disposed_at:
            raise DomainError(_l("A disposition cannot be read before it was made."))
        if self.deadline and self.deadline < self.disposed_at:
            raise DomainError(_l("The deadline cannot be before the disposition."))
        if self.id is None:
            self._move_letter(at)

    def _move_letter(self, at: datetime) -> None:
        """A new disposition moves the letter one link down the chain, or is refused."""
        roles = ActingAssignment.roles_on(self.to_user, to_local(self.disposed_at).date())
        move = next((CHAIN[role] for role in roles if role in CHAIN), None)
        if move is None or (self.letter.status, move) not in TRANSITIONS:
            raise DomainError(_l("Dispositions follow the chain Kepala Dinas → Kabid TKPBET → "
                                 "Kasi PK&AI; this letter is “%(status)s”."),
                              status=str(self.letter.status.label))
        change = self.letter.move(move, by=self.from_user, at=at, happened_at=self.disposed_at,
                                  holder=self.to_user)
        self.acting_for = change.acting_for
