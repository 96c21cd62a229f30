"""Working time: office hours, holidays and special periods, counted in bulk.

The working windows of a run of local days are laid end to end on a UTC nanosecond axis
with the working time accumulated before each; the working time up to any moment is then
one np.searchsorted away, and adding working time is the inverse look-up. Integer
nanoseconds keep every count exact; minutes come out as floats (15.5 = 15 min 30 s).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType

import holidays as holiday_tables
import numpy as np
import pandas as pd

from .timezone import OFFICE_TZ

NS_PER_MINUTE = 60 * 10**9
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_DAY = timedelta(days=1)
_NAT = np.iinfo(np.int64).min  # NaT as int64
#: Calendar days looked ahead per working hour to add before checking it was enough
#: (an ordinary week has 5.4 working hours per calendar day, Ramadan 4.6).
_DAYS_PER_WORKING_HOUR = 1 / 3

#: Categories of the holidays package that close the office: national holidays and
#: cuti bersama (joint leave days).
HOLIDAY_CATEGORIES = ("public", "government")


@dataclass(frozen=True)
class Window:
    """One working stretch of a local day, from start (inclusive) to end (exclusive)."""

    start: time
    end: time

    def __post_init__(self):
        if self.start.tzinfo or self.end.tzinfo:
            raise ValueError("A window is office wall-clock time, without tzinfo.")
        if not self.start < self.end:
            raise ValueError(f"A window must end after it starts: {self}")

    def __str__(self):
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def parse(cls, span: str) -> "Window":
        """A window from "HH:MM-HH:MM"."""
        start, end = span.split("-")
        return cls(time.fromisoformat(start), time.fromisoformat(end))

    @property
    def minutes(self) -> float:
        """The window's length in minutes, e.g. for a day's total in `flask calendar show`."""
        day = date(2000, 1, 1)
        return (datetime.combine(day, self.end) - datetime.combine(day, self.start)) / \
            timedelta(minutes=1)


def _windows(*spans: str) -> tuple[Window, ...]:
    """Windows from "HH:MM-HH:MM" texts."""
    return tuple(Window.parse(span) for span in spans)


#: Perpres 21/2023 as applied in West Kalimantan: 37.5 hours (2,250 minutes) a week.
DEFAULT_WEEK = MappingProxyType({
    **dict.fromkeys(range(4), _windows("07:30-12:00", "13:00-16:00")),
    4: _windows("07:30-11:30", "13:00-16:30"),
    5: (), 6: (),
})

#: Ramadan hours: 32.5 hours a week, with a shorter break.
RAMADAN_WEEK = MappingProxyType({
    **dict.fromkeys(range(4), _windows("07:15-12:00", "12:30-14:15")),
    4: _windows("07:15-11:30", "12:30-14:45"),
    5: (), 6: (),
})


def _check_week(week: Mapping[int, tuple[Window, ...]]) -> None:
    for weekday, windows in week.items():
        if weekday not in range(7):
            raise ValueError(f"Weekdays run from 0 (Monday) to 6 (Sunday), not {weekday}.")
        if any(a.end > b.start for a, b in zip(windows, windows[1:], strict=False)):
            raise ValueError(f"Windows of weekday {weekday} overlap or are out of order.")


@dataclass(frozen=True)
class SpecialPeriod:
    """Local dates, first to last inclusive, on which the office keeps other hours."""

    first: date
    last: date
    week: Mapping[int, tuple[Window, ...]]
    name: str = ""

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError(f"{self.name or 'A special period'} ends before it begins.")
        _check_week(self.week)


@cache
def national_holidays() -> Mapping[date, str]:
    """Indonesia's national holidays and cuti bersama, named in Indonesian; each year is filled
    in the first time a day of it is looked up."""
    return holiday_tables.country_holidays("ID", categories=HOLIDAY_CATEGORIES, language="id")


@dataclass(frozen=True)
class _Axis:
    """Working windows as UTC nanoseconds, with the working time before each."""

    starts: np.ndarray
    ends: np.ndarray
    cumulative: np.ndarray  # len(starts) + 1: working ns before window i, then the total

    def worked(self, moments: np.ndarray) -> np.ndarray:
        """Working ns on the axis before each moment."""
        if not len(self.starts):
            return np.zeros_like(moments)
        i = np.searchsorted(self.starts, moments, side="right") - 1
        at = np.maximum(i, 0)
        inside = np.clip(moments - self.starts[at], 0, self.ends[at] - self.starts[at])
        return np.where(i >= 0, self.cumulative[at] + inside, 0)

    def moment(self, worked: np.ndarray) -> np.ndarray:
        """The earliest moment by which `worked` ns (0 < worked <= total) have been worked."""
        j = np.searchsorted(self.cumulative[1:], worked, side="left")
        return self.starts[j] + (worked - self.cumulative[j])


@dataclass(frozen=True)
class WorkCalendar:
    """The office's working time; holidays are local dates, special periods other hours."""

    week: Mapping[int, tuple[Window, ...]] = field(default_factory=lambda: DEFAULT_WEEK)
    holidays: Mapping[date, str] | frozenset[date] = field(default_factory=dict)
    special: Sequence[SpecialPeriod] = ()

    def __post_init__(self):
        _check_week(self.week)
        object.__setattr__(self, "special", tuple(self.special))

    def holiday(self, day: date) -> str | None:
        """The holiday name of local `day` ("" if unnamed), None on a day that is no holiday."""
        if isinstance(self.holidays, Mapping):
            return self.holidays.get(day)  # a holidays-package table fills in years as asked
        return "" if day in self.holidays else None

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The working windows of local `day`; the last special period covering it wins."""
        if self.holiday(day) is not None:
            return ()
        week = next((p.week for p in reversed(self.special) if p.first <= day <= p.last),
                    self.week)
        return tuple(week.get(day.weekday(), ()))

    def days(self, first: date, last: date) -> list[tuple[date, tuple[Window, ...], str]]:
        """Each local day from first to last (inclusive): its windows and holiday name."""
        return [(day, self.windows_on(day), self.holiday(day) or "")
                for day in _date_range(first, last)]

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes in [start, end); 0 if end is not after start."""
        worked = self._worked_ns(np.array([_ns(start)]), np.array([_ns(end)]))
        return int(worked[0]) / NS_PER_MINUTE

    def working_minutes_many(self, starts, ends) -> np.ndarray:
        """Working minutes of each (start, end) pair; NaN where either is NaT."""
        starts, ends = _as_ns(starts), _as_ns(ends)
        missing = (starts == _NAT) | (ends == _NAT)
        minutes = np.full(len(starts), np.nan)
        minutes[~missing] = self._worked_ns(starts[~missing], ends[~missing]) / NS_PER_MINUTE
        return minutes

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The earliest moment `minutes` working minutes after start (start itself for 0)."""
        moment = self._add_ns(np.array([_ns(start)]), _minutes_as_ns(np.array([minutes], 'f8')))
        return _EPOCH + timedelta(microseconds=-(-int(moment[0]) // 1000))

    def add_working_minutes_many(self, starts, minutes):
        """add_working_minutes for each start; NaT where start is NaT or minutes NaN.

        A Series comes back as a UTC Series on the same index, an Index as a UTC
        DatetimeIndex, anything else as a naive-UTC datetime64[ns] array.
        """
        moments = _as_ns(starts)
        if isinstance(minutes, pd.Series | pd.Index):
            minutes = minutes.to_numpy(dtype="float64", na_value=np.nan)
        minutes = np.broadcast_to(np.asarray(minutes, dtype="float64"), moments.shape)
        known = (moments != _NAT) & ~np.isnan(minutes)
        result = np.full(len(moments), _NAT)
        result[known] = self._add_ns(moments[known], _minutes_as_ns(minutes[known]))
        return _like(starts, result)

    def _axis(self, first: date, last: date) -> _Axis:
        """The axis of local days first to last."""
        bounds = [(_ns(datetime.combine(day, w.start, OFFICE_TZ)),
                   _ns(datetime.combine(day, w.end, OFFICE_TZ)))
                  for day in _date_range(first, last) for w in self.windows_on(day)]
        starts, ends = np.array(bounds, dtype="i8").reshape(-1, 2).T
        return _Axis(starts, ends, np.concatenate([np.zeros(1, "i8"), np.cumsum(ends - starts)]))

    def _worked_ns(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        worked = np.zeros(len(starts), dtype="i8")
        forward = ends > starts
        if forward.any():
            axis = self._axis(_local_date(starts[forward].min()) - _ONE_DAY,
                              _local_date(ends[forward].max()) + _ONE_DAY)
            worked[forward] = axis.worked(ends[forward]) - axis.worked(starts[forward])
        return worked

    def _add_ns(self, starts: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        moments, positive = starts.copy(), amounts > 0
        if not positive.any():
            return moments
        starts, amounts = starts[positive], amounts[positive]
        first = _local_date(starts.min()) - _ONE_DAY
        ahead = timedelta(days=14 + amounts.max() / (60 * NS_PER_MINUTE) * _DAYS_PER_WORKING_HOUR)
        while True:
            axis = self._axis(first, _local_date(starts.max()) + ahead)
            targets = axis.worked(starts) + amounts
            if targets.max() <= axis.cumulative[-1]:
                moments[positive] = axis.moment(targets)
                return moments
            if ahead.days > 366 * 100:
                raise ValueError("This calendar has no working time left to add.")
            ahead *= 2


def _date_range(first: date, last: date) -> Iterable[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def _ns(moment: datetime) -> int:
    """UTC nanoseconds since the epoch of an aware datetime."""
    if moment.utcoffset() is None:
        raise ValueError(f"A naive datetime is ambiguous; pass an aware one: {moment}")
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000


def _local_date(ns) -> date:
    return datetime.fromtimestamp(int(ns) // 10**9, OFFICE_TZ).date()


def _minutes_as_ns(minutes: np.ndarray) -> np.ndarray:
    if not (np.isfinite(minutes) & (minutes >= 0)).all():
        raise ValueError("Working minutes to add must be finite and not negative.")
    return np.rint(minutes * NS_PER_MINUTE).astype("i8")


def _as_ns(moments) -> np.ndarray:
    """UTC nanoseconds of aware or naive-UTC datetimes (Series, Index, arrays); NaT kept."""
    return pd.DatetimeIndex(pd.to_datetime(moments, utc=True)).as_unit("ns").asi8


def _like(template, ns: np.ndarray):
    """UTC nanoseconds as the kind of container `template` is."""
    if isinstance(template, pd.Series | pd.Index):
        moments = pd.to_datetime(ns.view("M8[ns]"), utc=True)
        if isinstance(template, pd.Series):
            return pd.Series(moments, index=template.index, name=template.name)
        return moments
    return ns.view("M8[ns]")
