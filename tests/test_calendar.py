"""The working-time calendar: hand-checked cases, properties, and a slow reference."""

from collections import ChainMap
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import (
    DEFAULT_WEEK,
    RAMADAN_WEEK,
    SpecialPeriod,
    Window,
    WorkCalendar,
    national_holidays,
)

WIB = ZoneInfo("Asia/Pontianak")
RAMADAN_2025 = SpecialPeriod(date(2025, 3, 1), date(2025, 3, 30), RAMADAN_WEEK, "Ramadan 1446 H")
RAMADAN_2026 = SpecialPeriod(date(2026, 2, 18), date(2026, 3, 19), RAMADAN_WEEK, "Ramadan 1447 H")
CITY_ANNIVERSARY = {date(2025, 10, 23): "Hari Jadi Kota Pontianak"}
#: As office_calendar() builds it: the city's own days off over the national table.
CALENDAR = WorkCalendar(holidays=ChainMap(CITY_ANNIVERSARY, national_holidays()),
                        special=[RAMADAN_2025, RAMADAN_2026])
PLAIN = WorkCalendar()


def wib(*parts) -> datetime:
    """A Pontianak wall-clock time as an aware UTC moment."""
    return datetime(*parts, tzinfo=WIB).astimezone(UTC)


# Hand-checked cases at the default hours.

def test_friday_eleven_to_monday_eight_is_270_working_minutes():
    # 30 before the Friday break, 210 after it, 30 on Monday morning
    assert PLAIN.working_minutes(wib(2025, 9, 12, 11), wib(2025, 9, 15, 8)) == 270


def test_friday_eleven_twenty_to_five_past_one_counts_only_around_the_break():
    assert PLAIN.working_minutes(wib(2025, 9, 12, 11, 20), wib(2025, 9, 12, 13, 5)) == 15


def test_an_ordinary_week_is_2250_working_minutes():
    assert PLAIN.working_minutes(wib(2025, 9, 8), wib(2025, 9, 15)) == 2250


def test_cuti_bersama_on_monday_18_august_2025_is_not_worked():
    calendar = WorkCalendar(holidays=national_holidays())
    assert calendar.working_minutes(wib(2025, 8, 15, 16), wib(2025, 8, 19, 7, 45)) == 45


def test_ramadan_hours_replace_the_week_inside_the_period():
    monday_in_ramadan = (wib(2025, 3, 10, 12), wib(2025, 3, 10, 14, 30))
    assert CALENDAR.working_minutes(*monday_in_ramadan) == 105
    assert PLAIN.working_minutes(*monday_in_ramadan) == 90
    assert CALENDAR.working_minutes(wib(2025, 3, 10), wib(2025, 3, 17)) == 1950


def test_the_last_listed_special_period_wins_where_periods_overlap():
    half_day = {d: (Window(time(8), time(12)),) for d in range(5)}
    late = SpecialPeriod(date(2025, 3, 10), date(2025, 3, 10), half_day, "half day")
    calendar = WorkCalendar(special=[RAMADAN_2025, late])
    assert calendar.working_minutes(wib(2025, 3, 10), wib(2025, 3, 11)) == 240
    assert calendar.working_minutes(wib(2025, 3, 11), wib(2025, 3, 12)) == 390


def test_a_local_holiday_closes_the_office_like_a_national_one():
    around_anniversary = (wib(2025, 10, 22, 15), wib(2025, 10, 24, 8, 30))
    assert CALENDAR.working_minutes(*around_anniversary) == 60 + 60
    assert WorkCalendar(holidays=frozenset(CITY_ANNIVERSARY)).working_minutes(
        *around_anniversary) == 120
    assert PLAIN.working_minutes(*around_anniversary) == 60 + 450 + 60


def test_september_to_november_2025_is_64_working_days_of_450_minutes():
    # 22 + 23 + 20 weekdays, less the Prophet's Birthday on Friday 5 September
    calendar = WorkCalendar(holidays=national_holidays())
    assert calendar.working_minutes(wib(2025, 9, 1), wib(2025, 12, 1)) == 64 * 450


def test_an_end_before_the_start_gives_zero():
    assert PLAIN.working_minutes(wib(2025, 9, 15, 10), wib(2025, 9, 15, 9)) == 0


def test_fifteen_minutes_from_thursday_1555_before_good_friday_lands_on_monday():
    landed = CALENDAR.add_working_minutes(wib(2025, 4, 17, 15, 55), 15)
    assert landed == wib(2025, 4, 21, 7, 40) and landed.tzinfo == UTC


def test_fifteen_minutes_from_friday_1625_before_the_independence_day_weekend_is_tuesday():
    assert CALENDAR.add_working_minutes(wib(2025, 8, 15, 16, 25), 15) == wib(2025, 8, 19, 7, 40)


def test_friday_1555_plus_fifteen_stays_on_friday_because_friday_ends_at_1630():
    assert CALENDAR.add_working_minutes(wib(2025, 8, 15, 15, 55), 15) == wib(2025, 8, 15, 16, 10)


def test_counting_from_a_saturday_begins_at_monday_opening():
    assert PLAIN.add_working_minutes(wib(2025, 9, 13, 10), 60) == wib(2025, 9, 15, 8, 30)


def test_adding_zero_minutes_returns_the_start_even_out_of_hours():
    assert PLAIN.add_working_minutes(wib(2025, 9, 13, 10), 0) == wib(2025, 9, 13, 10)


def test_fractional_minutes_are_seconds():
    landed = PLAIN.add_working_minutes(wib(2025, 9, 15, 7, 30), 15.5)
    assert landed == wib(2025, 9, 15, 7, 45, 30)
    assert PLAIN.working_minutes(wib(2025, 9, 15, 7, 30), landed) == 15.5


def test_days_lists_windows_and_holiday_names_for_the_calendar_command():
    days = {day: (windows, name) for day, windows, name in
            CALENDAR.days(date(2025, 8, 15), date(2025, 8, 19))}
    assert days[date(2025, 8, 15)] == (DEFAULT_WEEK[4], "")
    assert days[date(2025, 8, 16)] == ((), "")
    assert days[date(2025, 8, 18)][0] == () and "Cuti Bersama" in days[date(2025, 8, 18)][1]
    assert [str(w) for w in days[date(2025, 8, 19)][0]] == ["07:30-12:00", "13:00-16:00"]


def test_naive_datetimes_and_negative_minutes_are_refused():
    with pytest.raises(ValueError):
        PLAIN.working_minutes(datetime(2025, 9, 15, 8), wib(2025, 9, 15, 9))
    with pytest.raises(ValueError):
        PLAIN.add_working_minutes(wib(2025, 9, 15, 8), -1)
    with pytest.raises(ValueError):
        Window(time(12), time(8))


# Properties.

moments = st.datetimes(datetime(2024, 12, 1), datetime(2026, 12, 31), timezones=st.just(UTC))


def micro(minutes: float) -> int:
    return round(minutes * 60_000_000)


@settings(deadline=None, max_examples=200)
@given(moments, moments)
def test_working_minutes_never_exceed_clock_minutes(a, b):
    assert 0 <= CALENDAR.working_minutes(a, b) <= max((b - a) / timedelta(minutes=1), 0)


@settings(deadline=None, max_examples=200)
@given(st.lists(moments, min_size=3, max_size=3))
def test_working_minutes_add_up_over_a_split_point(three):
    a, b, c = sorted(three)
    whole = CALENDAR.working_minutes(a, c)
    assert micro(whole) == micro(CALENDAR.working_minutes(a, b)) + \
        micro(CALENDAR.working_minutes(b, c))


@settings(deadline=None, max_examples=300)
@given(moments, st.integers(0, 5000))
def test_adding_n_minutes_lands_on_the_earliest_moment_n_minutes_on(start, n):
    landed = CALENDAR.add_working_minutes(start, n)
    assert CALENDAR.working_minutes(start, landed) == n
    if n:
        assert CALENDAR.working_minutes(start, landed - timedelta(seconds=1)) < n
    else:
        assert landed == start


# The vectorized forms against a slow, obviously correct reference.

def slow_windows(calendar, day):
    if day in calendar.holidays:
        return []
    week = calendar.week
    for period in calendar.special:
        if period.first <= day <= period.last:
            week = period.week
    return [(datetime.combine(day, w.start, WIB), datetime.combine(day, w.end, WIB))
            for w in week.get(day.weekday(), ())]


def slow_working_minutes(calendar, start, end):
    worked, day = timedelta(0), start.astimezone(WIB).date()
    while day <= end.astimezone(WIB).date():
        for opens, closes in slow_windows(calendar, day):
            worked += max(min(closes, end) - max(opens, start), timedelta(0))
        day += timedelta(days=1)
    return worked / timedelta(minutes=1)


def slow_add(calendar, start, seconds):
    if seconds == 0:
        return start
    left, day = timedelta(seconds=seconds), start.astimezone(WIB).date()
    while True:
        for opens, closes in slow_windows(calendar, day):
            opens = max(opens, start)
            if closes > opens:
                if left <= closes - opens:
                    return (opens + left).astimezone(UTC)
                left -= closes - opens
        day += timedelta(days=1)


def random_moments(rng, n, missing=0.03):
    first, last = wib(2025, 1, 1).timestamp(), wib(2026, 12, 31).timestamp()
    seconds = rng.integers(first, last, n)
    on_quarter = rng.random(n) < 0.3  # many on window edges
    seconds = np.where(on_quarter, seconds // 900 * 900, seconds)
    moments = pd.Series(pd.to_datetime(seconds, unit="s", utc=True))
    return moments.mask(rng.random(n) < missing)


def random_spans(rng, n):
    kind = rng.random(n)
    hours = np.select([kind < 0.1, kind < 0.5, kind < 0.8],
                      [-rng.random(n) * 48, rng.random(n) * 24, rng.random(n) * 24 * 14],
                      rng.random(n) * 24 * 120)
    return pd.to_timedelta(np.round(hours * 3600), unit="s")


def test_working_minutes_many_matches_the_slow_reference_on_random_pairs():
    rng = np.random.default_rng(20250815)
    starts = random_moments(rng, 3000)
    ends = (starts + random_spans(rng, 3000)).mask(rng.random(3000) < 0.03)
    got = CALENDAR.working_minutes_many(starts, ends)
    want = [np.nan if pd.isna(s) or pd.isna(e) else
            slow_working_minutes(CALENDAR, s.to_pydatetime(), e.to_pydatetime())
            for s, e in zip(starts, ends, strict=True)]
    np.testing.assert_array_equal(got, want)
    assert np.isnan(got).sum() > 100


def test_working_minutes_many_takes_numpy_utc_arrays_too():
    rng = np.random.default_rng(7)
    starts = random_moments(rng, 500)
    ends = starts + random_spans(rng, 500)
    want = CALENDAR.working_minutes_many(starts, ends)
    for unit in ("ns", "us"):
        naive = [m.dt.tz_localize(None).to_numpy(f"datetime64[{unit}]") for m in (starts, ends)]
        np.testing.assert_array_equal(CALENDAR.working_minutes_many(*naive), want)


def test_add_working_minutes_many_matches_the_slow_reference_on_random_starts():
    rng = np.random.default_rng(1771)
    starts = random_moments(rng, 2000)
    seconds = np.where(rng.random(2000) < 0.5, rng.integers(0, 5000, 2000) * 60,
                       rng.integers(0, 40 * 450 * 60, 2000))
    minutes = pd.Series(seconds / 60).mask(rng.random(2000) < 0.03)
    got = CALENDAR.add_working_minutes_many(starts, minutes)
    want = [pd.NaT if pd.isna(s) or pd.isna(m) else
            slow_add(CALENDAR, s.to_pydatetime(), int(sec))
            for s, m, sec in zip(starts, minutes, seconds, strict=True)]
    assert str(got.dtype) == "datetime64[ns, UTC]"
    pd.testing.assert_series_equal(got, pd.Series(pd.to_datetime(want, utc=True)).dt.as_unit("ns"))
    assert got.isna().sum() > 50


def test_add_working_minutes_many_gives_a_numpy_array_for_a_numpy_array():
    starts = np.array(["2025-09-13T03:00", "NaT", "2025-09-15T01:00"], dtype="datetime64[us]")
    got = CALENDAR.add_working_minutes_many(starts, [60, 60, 0])
    expected = ["2025-09-15T01:30", "NaT", "2025-09-15T01:00"]
    np.testing.assert_array_equal(got, np.array(expected, dtype="datetime64[ns]"))
