"""The office's time zone: times are stored in UTC and read in Asia/Pontianak (WIB)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime

OFFICE_TZ = ZoneInfo("Asia/Pontianak")

#: How far ahead of the server's clock a letter's received time or a move of the SOP may be
#: typed and still not count as "in the future": a desk clock that runs a few minutes fast.
FUTURE_TOLERANCE = timedelta(minutes=5)


def to_local(moment: datetime) -> datetime:
    """The same moment on the office's wall clock."""
    return moment.astimezone(OFFICE_TZ)


def from_local(wall_clock: datetime) -> datetime:
    """A naive office wall-clock time as an aware UTC moment."""
    return wall_clock.replace(tzinfo=OFFICE_TZ).astimezone(UTC)


def local_year(moment: datetime) -> int:
    return to_local(moment).year


def local_datetime(value: datetime | None) -> str:
    """3 Februari 2020 14:05 WIB (in the user's language, in the office's time zone): on
    screens and in the notices and emails the panel sends."""
    if value is None:
        return ""
    return f"{format_datetime(to_local(value), 'd MMMM y HH:mm', rebase=False)} WIB"


def local_date(value: date | None) -> str:
    return "" if value is None else format_date(value, "d MMMM y")
