"""The letter's life as data: the statuses, the allowed moves, who makes them, the history."""

from dataclasses import dataclass
from datetime import datetime
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import LabeledEnum, UTCDateTime, db, enum_column
from .errors import DomainError
from .users import Role, User


class LetterStatus(LabeledEnum):
    REGISTERED = "registered"
    AT_KADIS = "at_kadis"
    AT_KABID = "at_kabid"
    AT_KASI = "at_kasi"
    IN_ANALYSIS = "in_analysis"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_RKA = "in_rka"
    BUILT = "built"
    LABELS = nonmember({
        "registered": _l("Registered"), "at_kadis": _l("At the Kepala Dinas"),
        "at_kabid": _l("Disposed to the Kabid"), "at_kasi": _l("Disposed to the Kasi"),
        "in_analysis": _l("Analysis and technical coordination"),
        "accepted": _l("Accepted (budgeted next year)"), "rejected": _l("Rejected (OPD notified)"),
        "in_rka": _l("In the RKA"), "built": _l("Application built"),
    })


class Move(LabeledEnum):
    SEND_TO_KADIS = "send_to_kadis"
    DISPOSE_TO_KABID = "dispose_to_kabid"
    DISPOSE_TO_KASI = "dispose_to_kasi"
    START_ANALYSIS = "start_analysis"
    ACCEPT = "accept"
    REJECT = "reject"
    BUDGET = "budget"
    BUILD = "build"
    LABELS = nonmember({
        "send_to_kadis": _l("Forward to the Kepala Dinas"),
        "dispose_to_kabid": _l("Dispose to the Kabid TKPBET"),
        "dispose_to_kasi": _l("Dispose to the Kasi PK&AI"),
        "start_analysis": _l("Start analysis and coordination"),
        "accept": _l("Accept"), "reject": _l("Reject and notify the OPD"),
        "budget": _l("Plan in the RKA"), "build": _l("Record the application as built"),
    })


@dataclass(frozen=True)
class Transition:
    to: LetterStatus
    #: The role that makes the move (or an official acting for its holder).
    role: Role
    #: The SOP step the move finishes and the one it starts, by number.
    finishes: int | None = None
    starts: int | None = None


S, M = LetterStatus, Move
#: (status, move) -> what follows. A move not listed here is refused.
TRANSITIONS = {
    (S.REGISTERED, M.SEND_TO_KADIS): Transition(S.AT_KADIS, Role.CLERK),
    (S.AT_KADIS, M.DISPOSE_TO_KABID): Transition(S.AT_KABID, Role.KADIS, starts=1),
    (S.AT_KABID, M.DISPOSE_TO_KASI): Transition(S.AT_KASI, Role.KABID, finishes=1, starts=2),
    (S.AT_KASI, M.START_ANALYSIS): Transition(S.IN_ANALYSIS, Role.KASI),
    (S.IN_ANALYSIS, M.ACCEPT): Transition(S.ACCEPTED, Role.KASI, finishes=2, starts=3),
    (S.IN_ANALYSIS, M.REJECT): Transition(S.REJECTED, Role.KASI, finishes=2),
    (S.ACCEPTED, M.BUDGET): Transition(S.IN_RKA, Role.KASI, finishes=3),
    (S.IN_RKA, M.BUILD): Transition(S.BUILT, Role.KASI),
}

#: Who carries out each SOP step: the role whose move finishes it. The standards screen and the
#: SOP page show this as the step's executor; it is not edited there.
STEP_EXECUTOR = {t.finishes: t.role for t in TRANSITIONS.values() if t.finishes}

#: Whose desk a letter in each status waits on (statuses not listed wait on nobody).
DESK = {status: transition.role for (status, move), transition in TRANSITIONS.items()
        if move is not Move.BUILD}


def waiting_statuses(role) -> list[LetterStatus]:
    """The statuses in which a letter waits on `role`."""
    return [status for status, desk in DESK.items() if desk is role]


def _running_steps() -> dict[LetterStatus, int]:
    """Status -> the SOP step whose clock runs while a letter is in it, walked from the
    transitions: a move that starts a step sets it, one that finishes a step ends it."""
    running, reached = {}, [LetterStatus.REGISTERED]
    while reached:
        status = reached.pop()
        for (origin, _), transition in TRANSITIONS.items():
            if origin is status and transition.to not in running:
                step = running.get(status) if not transition.finishes else None
                running[transition.to] = transition.starts or step
                reached.append(transition.to)
    return {status: step for status, step in running.items() if step}


#: While a letter is in one of these statuses an SOP step runs; the step's holder has it.
RUNNING_STEP = _running_steps()
#: Statuses that wait on a role with no SOP step running (the clerk's, the Kepala Dinas's):
#: the letter waits on whoever holds that role.
UNTIMED = frozenset(status for status in DESK if status not in RUNNING_STEP)


class InvalidTransition(DomainError):
    message = _l("A letter that is “%(status)s” cannot be moved by “%(move)s”.")


class StatusChange(db.Model):
    """One move of one letter: when it happened, when it was typed, by whom."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("request_letter.id"), index=True)
    move: Mapped[Move] = enum_column(Move, index=True)
    from_status: Mapped[LetterStatus] = enum_column(LetterStatus, check_name="from_status")
    to_status: Mapped[LetterStatus] = enum_column(LetterStatus, check_name="to_status",
                                                     index=True)
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acting_for_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    letter: Mapped["RequestLetter"] = relationship(back_populates="history")  # noqa: F821
    by: Mapped[User | None] = relationship(foreign_keys=[by_id])
    acting_for: Mapped[User | None] = relationship(foreign_keys=[acting_for_id])

    #: Typed this long after it happened, a move counts as transcribed from paper.
    BACKDATED_AFTER_MINUTES = 10

    @property
    def backdated(self) -> bool:
        gap = (self.recorded_at - self.happened_at).total_seconds() / 60
        return gap > self.BACKDATED_AFTER_MINUTES

    def __str__(self):
        return f"{self.from_status.label} → {self.to_status.label}"
