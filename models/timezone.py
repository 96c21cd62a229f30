"""The office's time zone: times are stored in UTC and read in Asia/Pontianak (WIB)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Pontianak")


def to_local(moment: datetime) -> datetime:
    """The same moment on the office's wall clock."""
    return moment.astimezone(OFFICE_TZ)


def from_local(wall_clock: datetime) -> datetime:
    """A naive office wall-clock time as an aware UTC moment."""
    return wall_clock.replace(tzinfo=OFFICE_TZ).astimezone(UTC)


def local_year(moment: datetime) -> int:
    return to_local(moment).year
