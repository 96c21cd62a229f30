"""The office's working calendar as the sysadmin keeps it: weekly hours, special periods,
local holidays; national holidays and cuti bersama come from the holidays package."""

from collections import ChainMap
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from .calendar import DEFAULT_WEEK, SpecialPeriod, Window, WorkCalendar, national_holidays
from .db import Versioned, db
from .errors import DomainError
from .step_times import reschedule_open_steps

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_windows(text: str) -> tuple[Window, ...]:
    """"07:30-12:00 13:00-16:00" -> two windows; empty text -> a day off."""
    try:
        windows = tuple(Window.parse(span) for span in (text or "").replace(",", " ").split())
    except ValueError:
        raise DomainError(_l("Write office hours as 07:30-12:00 13:00-16:00.")) from None
    if any(a.end > b.start for a, b in zip(windows, windows[1:], strict=False)):
        raise DomainError(_l("Office hour windows must be in order and must not overlap."))
    return windows


class WorkSchedule(Versioned, db.Model):
    """Office hours per weekday: the regular week (no dates) or a special period (Ramadan)."""

    __tablename__ = "work_schedule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    monday: Mapped[str] = mapped_column(String(100), default="")
    tuesday: Mapped[str] = mapped_column(String(100), default="")
    wednesday: Mapped[str] = mapped_column(String(100), default="")
    thursday: Mapped[str] = mapped_column(String(100), default="")
    friday: Mapped[str] = mapped_column(String(100), default="")
    saturday: Mapped[str] = mapped_column(String(100), default="")
    sunday: Mapped[str] = mapped_column(String(100), default="")

    def __str__(self):
        return self.name

    @property
    def week(self) -> dict[int, tuple[Window, ...]]:
        return {n: parse_windows(getattr(self, day)) for n, day in enumerate(WEEKDAYS)}

    def before_save(self, at, by) -> None:
        """Hours parse; a special period has both dates, in order; the regular week has none."""
        self.week  # noqa: B018 (parsing is the check)
        if (self.first_day is None) != (self.last_day is None):
            raise DomainError(_l("A special period needs both its first and last day."))
        if self.first_day and self.last_day < self.first_day:
            raise DomainError(_l("A special period cannot end before it starts."))

    def after_save(self, session, at, by) -> None:
        reschedule_open_steps(session, office_calendar(session))


class LocalHoliday(Versioned, db.Model):
    """A day the city closes its offices that the national calendar does not know."""

    __tablename__ = "local_holiday"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(150))

    def __str__(self):
        return f"{self.day} {self.name}"

    def after_save(self, session, at, by) -> None:
        reschedule_open_steps(session, office_calendar(session))


def office_calendar(session=None) -> WorkCalendar:
    """The calendar in force now, built from the database (the default week when none is kept)."""
    session = session or db.session
    schedules = session.scalars(select(WorkSchedule).order_by(WorkSchedule.first_day)).all()
    regular = next((s.week for s in schedules if s.first_day is None), dict(DEFAULT_WEEK))
    special = [SpecialPeriod(s.first_day, s.last_day, s.week, s.name)
               for s in schedules if s.first_day is not None]
    local = {h.day: h.name for h in session.scalars(select(LocalHoliday))}
    return WorkCalendar(week=regular, holidays=ChainMap(local, national_holidays()),
                        special=tuple(special))
