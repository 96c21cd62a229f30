"""The hand-checked calendar cases, through the command line the sysadmin uses."""

from datetime import date

import pytest

from models import LocalHoliday, db


@pytest.mark.parametrize("start,end,minutes", [
    ("2025-07-04 11:00", "2025-07-07 08:00", "270"),    # Friday -> Monday, no holiday
    ("2025-07-04 11:20", "2025-07-04 13:05", "15"),     # across the Friday prayer break
    ("2025-07-07 00:00", "2025-07-14 00:00", "2250"),   # one ordinary week
    ("2025-08-15 16:00", "2025-08-19 07:45", "45"),     # the 18th is cuti bersama
])
def test_working_minutes_from_the_command_line(app, start, end, minutes):
    result = app.test_cli_runner().invoke(args=["calendar", "working-minutes", start, end])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == minutes


def test_a_local_holiday_added_by_the_sysadmin_counts(app):
    db.session.add(LocalHoliday(day=date(2025, 10, 23),
                                name="Hari Jadi Kota Pontianak"))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calendar", "working-minutes", "2025-10-23 00:00",
                                 "2025-10-24 00:00"])
    assert result.output.strip() == "0"
    month = runner.invoke(args=["calendar", "show", "2025-10"])
    assert "2025-10-23" in month.output and "Hari Jadi Kota Pontianak" in month.output


def test_the_month_view_shows_hours_breaks_and_holidays(app):
    result = app.test_cli_runner().invoke(args=["calendar", "show", "2025-08"])
    assert result.exit_code == 0
    lines = {line[:10]: line for line in result.output.splitlines()}
    assert "07:30-11:30 13:00-16:30" in lines["2025-08-15"]       # a Friday
    assert "07:30-12:00 13:00-16:00" in lines["2025-08-14"]       # a Thursday
    assert lines["2025-08-18"].split()[2] == "-"                  # cuti bersama
    assert result.output.splitlines()[-1].startswith("total ")


def test_bad_times_are_explained(app):
    result = app.test_cli_runner().invoke(args=["calendar", "working-minutes", "besok", "lusa"])
    assert result.exit_code != 0 and "YYYY-MM-DD HH:MM" in result.output
