"""A step keeps its standard and its figures; open steps follow the calendar."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from models import (
    AuditEntry,
    LetterStatus,
    LocalHoliday,
    Role,
    ServiceStandard,
    StepRecord,
    WorkSchedule,
    db,
)
from models.errors import DomainError
from models.office_calendar import office_calendar
from reports.durations import overdue_now, step_durations
from reports.load import load_steps, steps_query

from .builders import NOW, RECEIVED, _save, make_disposition, make_letter, staff

S = LetterStatus
FRIDAY = date(2025, 2, 28)  # RECEIVED's day; step 1 starts at 08:30 WIB


def _new_version(number, minutes, valid_from, at=NOW):
    """The sysadmin's change of a standard: a new version from a day."""
    current = ServiceStandard.in_force(db.session, number, valid_from)
    return _save(ServiceStandard(
        number=number, valid_from=valid_from, minutes=minutes, name=current.name,
        actor_role=current.actor_role, kelengkapan=current.kelengkapan,
        output=current.output), at=at)


def _kabid_takes(minutes, **letter):
    """A letter whose step 1 (at the Kabid) started 08:30 WIB and took `minutes`."""
    letter = make_letter(status=S.AT_KABID, **letter)
    make_disposition(letter=letter, from_user=staff(Role.KABID), to_user=staff(Role.KASI),
                     disposed_at=letter.received_at + timedelta(minutes=30 + minutes))
    return letter.steps[0]


def _report(as_of):
    steps = load_steps(db.session.connection(), steps_query(
        datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)))
    return step_durations(steps, office_calendar(), pd.Timestamp(as_of))


def _audited(step, column):
    return [entry for entry in db.session.scalars(select(AuditEntry).filter_by(
        table_name="step_record", row_id=step.id)) if column in entry.changed_fields]


# Standard by start time

def test_a_step_entered_late_takes_the_standard_in_force_when_it_started(app):
    _new_version(1, 30, valid_from=date(2025, 3, 1))  # in force after the step started
    step = _kabid_takes(20)  # entered afterwards, at NOW (3 March)
    assert step.standard_minutes == 15 and step.standard.valid_from < FRIDAY
    row = _report(NOW).set_index("step_id").loc[step.id]
    assert row["net_minutes"] == 20 and not row["within_standard"]


def test_a_step_started_after_a_new_version_takes_that_version(app):
    _new_version(1, 30, valid_from=FRIDAY)
    assert _kabid_takes(20).standard_minutes == 30


def test_a_saved_version_keeps_its_time(app):
    standard = ServiceStandard.in_force(db.session, 1, FRIDAY)
    standard.minutes = 30
    with pytest.raises(DomainError, match="versi baru"):
        _save(standard)


# Finished means fixed

def test_a_holiday_declared_later_leaves_a_finished_steps_figures(app):
    step = _kabid_takes(30)  # 08:30-09:00 WIB: 30 minutes against 15, late
    assert (step.clock_minutes, step.working_minutes, step.net_minutes) == (30, 30, 0 + 30)
    _save(LocalHoliday(day=FRIDAY, name="Libur mendadak"))
    db.session.commit()
    row = _report(NOW).set_index("step_id").loc[step.id]
    assert (row["working_minutes"], row["net_minutes"], row["within_standard"]) == (30, 30, False)
    late = db.session.scalars(select(StepRecord.id).where(
        StepRecord.deadline_clause("finished_late", NOW))).all()
    assert step.id in late  # the filter and the report agree


def test_recalculation_lists_then_changes_the_figures_audited(app):
    step = _kabid_takes(30)
    _save(LocalHoliday(day=FRIDAY, name="Libur mendadak"))
    db.session.commit()
    before = len(_audited(step, "net_minutes"))  # as it finished
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["steps", "recalculate", "--from", "2025-02-28", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{step}: clock_minutes 30.00 -> 30.00, working_minutes 30.00 -> 0.00" in dry.output
    assert "due_at 2025-02-28 08:45 -> 2025-03-03 07:45" in dry.output
    assert "1 step(s) would change" in dry.output
    db.session.expire_all()
    assert step.net_minutes == 30 and len(_audited(step, "net_minutes")) == before
    outside = runner.invoke(args=["steps", "recalculate", "--to", "2025-02-27", "--dry-run"])
    assert "0 step(s) would change" in outside.output
    real = runner.invoke(args=["steps", "recalculate"])
    assert real.exit_code == 0 and "1 step(s) recalculated" in real.output
    db.session.expire_all()
    assert (step.working_minutes, step.net_minutes) == (0, 0)
    assert step.due_at == datetime(2025, 3, 3, 0, 45, tzinfo=UTC)
    entry = _audited(step, "net_minutes")[before]
    assert entry.user_id is None and entry.changed_fields["net_minutes"] == [30.0, 0.0]
    again = runner.invoke(args=["steps", "recalculate", "--dry-run"])
    assert "0 step(s) would change" in again.output


# Open steps follow the calendar

def _open_step_due_monday():
    """Step 2 (at the Kasi, 60 minutes) started Friday 16:00 WIB: due Monday 08:00 WIB."""
    letter = make_letter(status=S.AT_KABID, received_at=RECEIVED + timedelta(hours=7))
    make_disposition(letter=letter, from_user=staff(Role.KABID), to_user=staff(Role.KASI),
                     disposed_at=datetime(2025, 2, 28, 9, 0, tzinfo=UTC))
    step = letter.open_step(2)
    assert step.is_open and step.due_at == datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    return step


def test_a_holiday_moves_the_due_time_of_an_open_step_audited(app):
    step = _open_step_due_monday()
    _save(LocalHoliday(day=date(2025, 3, 3), name="Libur mendadak"), by=staff(Role.SYSADMIN))
    db.session.commit()
    assert step.due_at == datetime(2025, 3, 4, 1, 0, tzinfo=UTC)  # Tuesday 08:00 WIB
    entry = _audited(step, "due_at")[-1]
    assert entry.user_id == staff(Role.SYSADMIN).id and entry.at == NOW
    as_of = datetime(2025, 3, 4, 1, 5, tzinfo=UTC)  # Tuesday 08:05 WIB
    late = overdue_now(_report(as_of), office_calendar(), pd.Timestamp(as_of))
    assert late.set_index("step_id").loc[step.id, "minutes_past_due"] == 5


def test_changed_hours_move_the_due_time_of_an_open_step(app):
    step = _open_step_due_monday()
    _save(WorkSchedule(name="Ramadan", first_day=date(2025, 3, 1), last_day=date(2025, 3, 30),
                       monday="07:45-12:00"))
    db.session.commit()
    assert step.due_at == datetime(2025, 3, 3, 1, 15, tzinfo=UTC)  # Monday 08:15 WIB


def test_a_finished_step_is_not_moved_by_the_calendar(app):
    step = _kabid_takes(30)
    due = step.due_at
    _save(LocalHoliday(day=FRIDAY, name="Libur mendadak"))
    db.session.commit()
    assert step.due_at == due
    assert len(_audited(step, "due_at")) == 1  # as it started


def test_the_sysadmin_adds_a_version_and_the_sop_page_shows_the_one_in_force(client, login_as):
    login_as(Role.SYSADMIN)
    original = ServiceStandard.in_force(db.session, 1, FRIDAY)
    form = client.get(f"/admin/standards/edit/?id={original.id}").get_data(as_text=True)
    assert 'name="output"' in form and 'name="minutes"' not in form  # its time stays
    assert 'name="kelengkapan"' not in form  # the SOP's printed words, shown only
    data = dict(number="1", valid_from="2025-03-01", name=original.name, minutes="30",
                output=original.output)
    assert client.post("/admin/standards/new/", data=data).status_code == 302
    db.session.commit()
    assert [v.minutes for v in db.session.scalars(select(ServiceStandard).filter_by(
        number=1).order_by(ServiceStandard.valid_from))] == [15, 30]
    assert "<td>30</td>" in client.get("/admin/sop/").get_data(as_text=True)
