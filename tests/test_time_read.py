"""Time as a person reads it: working days, hours and minutes, and a step's deadline pill."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import session

from admin_views.formatting import deadline_pill, working_time
from models.calendar import WorkCalendar
from models.steps import StepRecord, step_label

#: Monday 8 December 2025, 09:00 WIB.
MONDAY = datetime(2025, 12, 8, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("minutes, indonesian", [
    (0, "0 menit"), (0.4, "0 menit"), (59.6, "1 jam"), (61, "1 jam 1 menit"),
    (450, "1 hari"), (96590, "214 hari 4 jam 50 menit"), (-75, "1 jam 15 menit"),
    (None, "")])
def test_working_time_reads_as_days_hours_and_minutes(app, minutes, indonesian):
    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert working_time(minutes) == indonesian


def test_working_time_in_english(app):
    with app.test_request_context():
        session["language"] = "en"  # as the language switch sets it
        assert working_time(451) == "1 day 1 minute"
        assert working_time(900 + 120) == "2 days 2 hours"


def test_steps_are_named_not_numbered(app):
    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert step_label(1) == "1 · Kabid mendisposisikan ke Kasi"
        assert step_label(9) == "9"


def _step(minutes, started=MONDAY, **values):
    calendar = WorkCalendar()
    step = StepRecord(number=2, standard_minutes=minutes, started_at=started,
                      due_at=calendar.add_working_minutes(started, minutes), paused_minutes=0.0)
    for name, value in values.items():
        setattr(step, name, value)
    return step, calendar


@pytest.mark.parametrize("after, state, words", [
    (10, "ok", "sisa 50 menit"), (45, "ok", "sisa 15 menit"), (46, "soon", "sisa 14 menit"),
    (60, "soon", "sisa 0 menit"), (75, "late", "terlambat 15 menit")])
def test_a_running_step_is_green_amber_then_red(app, after, state, words):
    step, calendar = _step(60)
    at = MONDAY + timedelta(minutes=after)
    deadline = step.deadline(at, calendar)
    assert deadline.state == state
    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert f">{words}<" in deadline_pill(deadline)


def test_paused_and_finished_steps_say_so(app):
    step, calendar = _step(15, paused_since=MONDAY + timedelta(minutes=5))
    assert step.deadline(MONDAY + timedelta(days=3), calendar).state == "paused"
    step, calendar = _step(15, finished_at=MONDAY + timedelta(minutes=20))
    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert "selesai terlambat" in deadline_pill(step.deadline(MONDAY, calendar))
