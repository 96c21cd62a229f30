"""Step records: for each SOP step of each letter, who holds it, since when, due when, done when,
how long it was paused and, once finished, its figures. Written by the workflow
(RequestLetter.move) and, for due times and figures, by step_times (calendar changes)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import nonmember

from flask_babel import lazy_gettext as _l
from sqlalchemy import Double, Float, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .contracts import LetterPart
from .db import LabeledEnum, UTCDateTime, db, enum_column
from .errors import DomainError
from .figures import measure_one
from .standards import ServiceStandard
from .users import User


class Requirement(LabeledEnum):
    LETTER_SCAN = "letter_scan"
    LABELS = nonmember({"letter_scan": _l("the OPD's request letter, as an attached scan")})


#: The kelengkapan each step needs at hand before it can finish (the SOP's mutu baku).
KELENGKAPAN = {1: (Requirement.LETTER_SCAN,), 2: (Requirement.LETTER_SCAN,), 3: ()}

#: How each requirement is checked on the letter.
REQUIREMENT_MET = {Requirement.LETTER_SCAN: lambda letter: letter.scan_id is not None
                   or letter.scan is not None}


#: The SOP's steps by what happens in them, as people call them (the standards hold the printed
#: wording). A step is never shown as a bare number.
STEP_TITLES = {1: _l("Kabid disposes to the Kasi"), 2: _l("Kasi analyses and coordinates"),
               3: _l("Budgeting in the RKA")}


def step_label(number: int) -> str:
    """"1 · Kabid disposes to the Kasi": the number the SOP prints, and what the step is."""
    title = STEP_TITLES.get(number)
    return f"{number} · {title}" if title else str(number)


class PauseReason(LabeledEnum):
    WAITING_FOR_OPD = "waiting_for_opd"
    MEETING_SCHEDULED = "meeting_scheduled"
    OTHER = "other"
    LABELS = nonmember({"waiting_for_opd": _l("Waiting for the OPD"),
                        "meeting_scheduled": _l("Meeting already scheduled"),
                        "other": _l("Other")})


class StepRecord(LetterPart, db.Model):
    __tablename__ = "step_record"
    __table_args__ = (Index("ix_step_record_open_due", "finished_at", "due_at"),
                      # a person's desk: their open steps, running ones by due time, and
                      # the letter (to leave archived ones out) without reading the row
                      Index("ix_step_record_desk", "holder_id", "finished_at", "paused_since",
                            "due_at", "letter_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("request_letter.id"), index=True)
    number: Mapped[int] = mapped_column(Integer, index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("service_standard.id"))
    #: The standard's minutes when the step started: a later change does not touch it.
    standard_minutes: Mapped[int] = mapped_column(Integer)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    paused_minutes: Mapped[float] = mapped_column(Float, default=0.0)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[PauseReason | None] = enum_column(PauseReason)
    #: When its holder and their superior were told it had passed its due time (once).
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    output: Mapped[str | None] = mapped_column(String(255))
    #: Fixed when the step finishes (and changed only by `flask steps recalculate`): a later
    #: calendar change does not move a finished step's figures. Empty while it is open.
    clock_minutes: Mapped[float | None] = mapped_column(Double)
    working_minutes: Mapped[float | None] = mapped_column(Double)
    net_minutes: Mapped[float | None] = mapped_column(Double)

    letter: Mapped["RequestLetter"] = relationship(back_populates="steps")  # noqa: F821
    standard: Mapped[ServiceStandard] = relationship()
    holder: Mapped[User | None] = relationship()

    def __str__(self):
        return f"{self.letter} · {step_label(self.number)}"

    @classmethod
    def begin(cls, letter, standard, holder, at: datetime, calendar) -> "StepRecord":
        """Start a step under the standard in force; its due time is counted on the calendar."""
        return cls(letter=letter, number=standard.number, standard=standard,
                   standard_minutes=standard.minutes, holder=holder, started_at=at,
                   due_at=calendar.add_working_minutes(at, standard.minutes), paused_minutes=0.0)

    def missing(self) -> list[Requirement]:
        return [item for item in KELENGKAPAN.get(self.number, ())
                if not REQUIREMENT_MET[item](self.letter)]

    def finish(self, at: datetime, calendar) -> None:
        """Close the step (resuming it first if paused), once its kelengkapan is complete."""
        missing = self.missing()
        if missing:
            raise DomainError(_l("Step %(step)s cannot finish: %(items)s is missing."),
                              step=self.number, items=", ".join(str(m.label) for m in missing))
        if at < self.started_at:
            raise DomainError(_l("A step cannot finish before it started."))
        if self.paused_since is not None:
            self.resume(at, calendar)
        self.finished_at = at
        self.output = self.standard.output
        for name, value in measure_one(calendar, self.started_at, at,
                                       self.paused_minutes).items():
            setattr(self, name, value)

    def pause(self, at: datetime, reason: PauseReason) -> None:
        if self.finished_at is not None or self.paused_since is not None:
            raise DomainError(_l("Only a running step can be paused."))
        if at < self.started_at:
            raise DomainError(_l("A step cannot be paused before it started."))
        self.paused_since, self.pause_reason = at, reason

    def resume(self, at: datetime, calendar) -> None:
        """Resume; the due time moves by the working time the step was paused."""
        if self.paused_since is None:
            raise DomainError(_l("Only a paused step can be resumed."))
        if at < self.paused_since:
            raise DomainError(_l("A step cannot resume before it was paused."))
        self.paused_minutes += calendar.working_minutes(self.paused_since, at)
        self.paused_since = None
        self.due_at = self.due_on(calendar)

    def due_on(self, calendar) -> datetime:
        """When the step is due on `calendar`: its standard plus the time it was paused,
        counted in working time from its start."""
        return calendar.add_working_minutes(self.started_at,
                                            self.standard_minutes + self.paused_minutes)

    @property
    def is_open(self) -> bool:
        return self.finished_at is None

    #: The deadline situations screens filter on, each a plain comparison on stored columns.
    DEADLINES = ("overdue", "due_soon", "finished_late", "open")

    @classmethod
    def deadline_clause(cls, kind: str, at: datetime):
        """The SQL condition for a deadline situation at `at` (a paused step never runs late)."""
        open_ = cls.finished_at.is_(None)
        running = open_ & cls.paused_since.is_(None)
        return {
            "overdue": running & (cls.due_at < at),
            "due_soon": running & cls.due_at.between(at, at + timedelta(hours=1)),
            "finished_late": cls.finished_at > cls.due_at,
            "open": open_,
        }[kind]

    @classmethod
    def running_due(cls, session, letter_ids) -> dict[int, datetime]:
        """For each letter, when its running step (not finished, not paused) is due.

        The letters' few steps are read by letter and sifted here: a condition on finished_at
        in SQL tempts SQLite into the index of all open steps instead."""
        due = {}
        for letter_id, due_at, finished_at, paused_since in session.execute(select(
                cls.letter_id, cls.due_at, cls.finished_at, cls.paused_since).where(
                cls.letter_id.in_(letter_ids))):
            if finished_at is None and paused_since is None:
                due[letter_id] = min(due_at, due.get(letter_id, due_at))
        return due

    def working_minutes_left(self, at: datetime, calendar) -> float:
        """Working minutes until the due time; negative when overdue by that much."""
        if at <= self.due_at:
            return calendar.working_minutes(at, self.due_at)
        return -calendar.working_minutes(self.due_at, at)

    def deadline(self, at: datetime, calendar) -> "Deadline":
        """Where the step stands against its due time at `at`."""
        return self.deadlines([self], at, calendar)[0]

    @classmethod
    def deadlines(cls, steps, at: datetime, calendar) -> list["Deadline"]:
        """Where each step stands at `at`; the running ones measured on the calendar in one
        pass (a page of steps overdue for months is one walk over those months)."""
        spans = cls.spans_left(steps, at)
        worked = calendar.working_minutes_many(*zip(*spans.values(), strict=True)) if spans \
            else []
        left = {key: minutes for key, minutes in zip(spans, worked, strict=True)}
        return [step.judged(left.get(id(step)), at) for step in steps]

    @staticmethod
    def spans_left(steps, at: datetime) -> dict:
        """For each running step (by id()), the span whose working time is its time left (or,
        once overdue, how late it is): from `at` to the due time, or back."""
        return {id(step): (min(at, step.due_at), max(at, step.due_at)) for step in steps
                if step.finished_at is None and step.paused_since is None}

    def judged(self, worked: float | None, at: datetime) -> "Deadline":
        """The deadline, given the working minutes of the step's span_left (None unless it
        runs)."""
        if self.finished_at is not None:
            state = "late" if self.finished_at > self.due_at else "done"
            return Deadline(state, None, self.standard_minutes)
        if self.paused_since is not None:
            return Deadline("paused", None, self.standard_minutes)
        left = float(worked) if at <= self.due_at else -float(worked)
        state = ("late" if left < 0 or at > self.due_at
                 else "soon" if left < self.standard_minutes * SOON_SHARE else "ok")
        return Deadline(state, left, self.standard_minutes)


#: Under this share of its standard left, a running step is due soon (amber).
SOON_SHARE = 0.25


@dataclass(frozen=True)
class Deadline:
    """A step against its due time: "ok" (green), "soon" (amber, under a quarter of its
    standard left), "late" (red; also a finished step that finished late), "paused", "done";
    and for a running step the working minutes left (negative: how late)."""

    state: str
    minutes_left: float | None
    standard_minutes: int
