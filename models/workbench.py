"""The letter's next moves as its page offers them: which one this person may make now, and for
those still ahead of the letter, what has to happen first."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .users import Role
from .workflow import LetterStatus

S = LetterStatus

#: The statuses in the order the SOP walks them (a rejected letter stops where it is).
ORDER = [S.REGISTERED, S.AT_KADIS, S.AT_KABID, S.AT_KASI, S.IN_ANALYSIS, S.ACCEPTED, S.IN_RKA,
         S.BUILT]


@dataclass(frozen=True)
class Play:
    """One move of the page: made by `role` while the letter is in one of `when`; before that,
    shown disabled with `first` (what has to happen first); after it, not shown. `resource`
    is the record it writes (the permission table's name)."""

    kind: str
    role: Role
    when: tuple[LetterStatus, ...]
    resource: str
    first: object = None


#: The moves of the SOP, each written by the record that makes it today (models/workflow.py
#: TRANSITIONS): the clerk's forwarding, the dispositions, the meeting, the decision, the RKA item.
PLAYS = (
    Play("forward", Role.CLERK, (S.REGISTERED,), "letter"),
    Play("dispose_kabid", Role.KADIS, (S.AT_KADIS,), "disposition",
         _l("The records clerk forwards the letter to you first.")),
    Play("dispose_kasi", Role.KABID, (S.AT_KABID,), "disposition",
         _l("Waiting for the Kepala Dinas's disposition.")),
    Play("meeting", Role.KASI, (S.AT_KASI, S.IN_ANALYSIS), "meeting",
         _l("Waiting for the Kabid's disposition to you.")),
    Play("accept", Role.KASI, (S.IN_ANALYSIS,), "decision",
         _l("Record the technical meeting first.")),
    Play("reject", Role.KASI, (S.IN_ANALYSIS,), "decision",
         _l("Record the technical meeting first.")),
    Play("rka", Role.KASI, (S.ACCEPTED,), "rka_item",
         _l("Record the decision (accepted) first.")),
)


@dataclass(frozen=True)
class Offer:
    """A button on the letter's page: enabled, or disabled with the reason and what to do."""

    kind: str
    enabled: bool
    reason: object = None


def _ahead(status: LetterStatus, when) -> bool:
    """Whether a letter in `status` has yet to reach the statuses `when`."""
    if status not in ORDER:  # rejected: nothing lies ahead
        return False
    return ORDER.index(status) < ORDER.index(when[0])


def next_moves(letter, roles, may) -> list[Offer]:
    """The moves a person holding `roles` (their own, then those they act for) may make on
    `letter`, in the SOP's order; `may(resource)` says whether they may write that record."""
    offers = []
    for play in PLAYS:
        if play.role not in roles or not may(play.resource):
            continue
        if letter.status in play.when:
            offers.append(Offer(play.kind, True))
        elif _ahead(letter.status, play.when):
            offers.append(Offer(play.kind, False, play.first))
    return offers


def step_moves(step, holders) -> list[Offer]:
    """Pause or resume the letter's open step, for whoever holds it (or acts for its holder)."""
    if step is None or step.holder not in holders:
        return []
    if step.paused_since is not None:
        return [Offer("resume", True)]
    return [Offer("pause_opd", True), Offer("pause_meeting", True)]
