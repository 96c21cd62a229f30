"""A person's desk: every letter and open SOP step that waits on them, and on the officials they
act for today, most urgent first; and when they last looked at it, so what is new shows."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, func, insert, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column

from .acting import ActingAssignment
from .db import UTCDateTime, db
from .letters import RequestLetter
from .steps import Deadline, StepRecord
from .timezone import to_local
from .users import User
from .workflow import DESK, UNTIMED, StatusChange

#: A visit to the desk ends after this long away from it; what reached the desk after the
#: previous visit ended is new ("baru") for the whole of the next one.
VISIT_GAP = timedelta(minutes=30)
#: While a visit goes on, its last moment is written at most this often (not on every view).
VISIT_WRITE_EVERY = timedelta(minutes=1)
#: A letter with no SOP step running (at the clerk, at the Kepala Dinas) is marked amber
#: after a working day (450 minutes) since it was received: the SOP gives that part no time,
#: so the mark is a reminder, not a breach.
WAITING_LONG_MINUTES = 450


class DeskVisit(db.Model):
    """When a person last looked at their desk, and when their visit before this one ended.

    Written with plain statements, outside the audit trail: a look at one's desk changes
    none of the office's records (like the session cookie), and an entry per look would move
    the trail's head, and with it every cached chart, on each page view."""

    __tablename__ = "desk_visit"
    #: Outside the audit trail (see above); `flask audit verify` does not look for it there.
    audited = False

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    previous_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @classmethod
    def since(cls, session, user) -> tuple[datetime | None, datetime | None]:
        """(end of the previous visit, last look) as stored for `user`."""
        row = session.execute(select(cls.previous_seen_at, cls.last_seen_at)
                              .where(cls.user_id == user.id)).one_or_none()
        return (None, None) if row is None else tuple(row)

    @classmethod
    def boundary(cls, previous, last, at: datetime) -> datetime | None:
        """Where "new" begins for a look at `at`: the end of the visit before this one."""
        return last if last is not None and at - last > VISIT_GAP else previous

    @classmethod
    def needs_writing(cls, last, at: datetime) -> bool:
        return last is None or at - last >= VISIT_WRITE_EVERY

    @classmethod
    def record(cls, session, user, at: datetime) -> datetime | None:
        """Note that `user` looks at their desk at `at` (the caller holds the write turn);
        returns where "new" begins."""
        previous, last = cls.since(session, user)
        begins = cls.boundary(previous, last, at)
        values = dict(last_seen_at=at, previous_seen_at=begins)
        if last is None:
            session.execute(insert(cls).values(user_id=user.id, **values))
        elif at > last:
            session.execute(update(cls).where(cls.user_id == user.id).values(**values))
        return begins


@dataclass(frozen=True)
class Waiting:
    """A letter with no SOP step running: how long since it was received, in working
    minutes; amber ("soon") after WAITING_LONG_MINUTES."""

    minutes: float

    @property
    def state(self) -> str:
        return "soon" if self.minutes >= WAITING_LONG_MINUTES else "wait"


@dataclass(frozen=True)
class DeskItem:
    """One row of a desk: a letter, its open step if one runs, and how it stands."""

    letter: RequestLetter
    step: StepRecord | None
    deadline: Deadline | None
    waiting: Waiting | None
    #: When it reached this desk (the letter's last move, or its registration).
    arrived_at: datetime
    #: Put on the desk by someone else since the person's previous visit.
    new: bool
    #: The absent official it waits on, when the person acts for them.
    acting_for: User | None


class Desk:
    """What waits on `user` at `at`: running steps by due time (the latest overdue first),
    then letters without a step by time received, then paused steps."""

    def __init__(self, session, user, at: datetime, calendar):
        self.session, self.user, self.at, self.calendar = session, user, at, calendar
        self.officials = [user, *ActingAssignment.absent_officials(user, to_local(at).date())]
        holders = [official.id for official in self.officials]
        roles = {official.role for official in self.officials}
        statuses = sorted((s for s in UNTIMED if DESK[s] in roles), key=lambda s: s.value)
        # the steps of archived letters left out by key, against the few archived letters:
        # the desk's index then answers the counts alone, without reading each step's row
        archived = select(RequestLetter.id).where(RequestLetter.archived_at.is_not(None))
        steps = select(StepRecord.id).where(
            StepRecord.holder_id.in_(holders), StepRecord.finished_at.is_(None),
            StepRecord.letter_id.not_in(archived))
        letters = (select(RequestLetter.id)
                   .where(RequestLetter.status.in_(statuses), RequestLetter.archived_at.is_(None))
                   .order_by(RequestLetter.received_at, RequestLetter.id))
        #: (kind, query of keys in desk order), in the order the desk shows them.
        self.groups = [
            ("step", steps.where(StepRecord.paused_since.is_(None))
             .order_by(StepRecord.due_at, StepRecord.id)),
            ("letter", letters if statuses else None),
            ("step", steps.where(StepRecord.paused_since.is_not(None))
             .order_by(StepRecord.due_at, StepRecord.id)),
        ]
        self._counts = None

    @property
    def acting(self) -> bool:
        return len(self.officials) > 1

    def counts(self) -> list[int]:
        """How many rows each group holds (exact: a desk is never cut short silently)."""
        if self._counts is None:
            self._counts = [0 if query is None else self.session.scalar(
                select(func.count()).select_from(query.order_by(None).subquery()))
                for _, query in self.groups]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def page(self, number: int, size: int, new_since: datetime | None) -> list[DeskItem]:
        """Page `number` (from 0) of `size` rows; rows that reached the desk from someone else
        after `new_since` (None: never visited) are new."""
        keys, offset = [], number * size
        for (kind, query), count in zip(self.groups, self.counts(), strict=True):
            if offset >= count:
                offset -= count
                continue
            ids = self.session.scalars(query.offset(offset).limit(size - len(keys))).all()
            keys += [(kind, key) for key in ids]
            offset = 0
            if len(keys) >= size:
                break
        return self._items(keys, new_since)

    def _items(self, keys, new_since) -> list[DeskItem]:
        step_ids = [key for kind, key in keys if kind == "step"]
        steps = {step.id: step for step in self.session.scalars(
            select(StepRecord).where(StepRecord.id.in_(step_ids)).options(
                joinedload(StepRecord.letter).joinedload(RequestLetter.agency),
                joinedload(StepRecord.holder)))} if step_ids else {}
        letter_ids = [key for kind, key in keys if kind == "letter"]
        letters = {letter.id: letter for letter in self.session.scalars(
            select(RequestLetter).where(RequestLetter.id.in_(letter_ids))
            .options(joinedload(RequestLetter.agency)))} if letter_ids else {}
        rows = [steps[key] if kind == "step" else letters[key] for kind, key in keys]
        arrivals = self._arrivals([row.letter_id if kind == "step" else row.id
                                   for (kind, _), row in zip(keys, rows, strict=True)])
        # the calendar walked once for the page: a row overdue for months costs one pass
        spans = StepRecord.spans_left(steps.values(), self.at)
        spans.update({("letter", key): (min(letter.received_at, self.at), self.at)
                      for key, letter in letters.items()})
        worked = dict(zip(spans, self.calendar.working_minutes_many(
            *zip(*spans.values(), strict=True)), strict=True)) if spans else {}
        deadlines = {key: step.judged(worked.get(id(step)), self.at)
                     for key, step in steps.items()}
        waiting = {key: Waiting(float(worked[("letter", key)])) for key in letters}
        items = []
        for (kind, key), row in zip(keys, rows, strict=True):
            letter = row if kind == "letter" else row.letter
            arrived_at, by_id = arrivals.get(letter.id, (letter.registered_at,
                                                         letter.registered_by_id))
            new = by_id != self.user.id and (new_since is None or arrived_at > new_since)
            if kind == "step":
                holder = row.holder if row.holder_id != self.user.id else None
                items.append(DeskItem(letter, row, deadlines[key], None, arrived_at, new,
                                      holder))
            else:
                items.append(DeskItem(letter, None, None, waiting[key], arrived_at, new,
                                      self._acting_for(letter)))
        return items

    def _arrivals(self, letter_ids) -> dict[int, tuple[datetime, int | None]]:
        """Each letter's last move: when, and by whom."""
        last = {}
        for letter_id, happened_at, by_id in self.session.execute(
                select(StatusChange.letter_id, StatusChange.happened_at, StatusChange.by_id)
                .where(StatusChange.letter_id.in_(letter_ids))
                .order_by(StatusChange.happened_at, StatusChange.id)):
            last[letter_id] = (happened_at, by_id)
        return last

    def _acting_for(self, letter) -> User | None:
        """The absent official a letter without a step waits on, when it is not the person's
        own role's."""
        role = DESK[letter.status]
        if self.user.role is role:
            return None
        return next((official for official in self.officials[1:] if official.role is role),
                    None)
