"""The SOP as a workflow: transitions, step records, due times, pauses, acting officials."""

from datetime import UTC, date, datetime, timedelta

import pytest

from models import (
    ActingAssignment,
    LetterStatus,
    LocalHoliday,
    Move,
    Outcome,
    PauseReason,
    Role,
    ServiceStandard,
    StepRecord,
    WorkSchedule,
    db,
)
from models.calendar import WorkCalendar
from models.errors import DomainError
from models.office_calendar import office_calendar
from models.workflow import TRANSITIONS, InvalidTransition

from .builders import (
    NOW,
    RECEIVED,
    _save,
    make_decision,
    make_disposition,
    make_fault,
    make_letter,
    make_meeting,
    make_user,
    staff,
    walk,
)

S = LetterStatus
CALENDAR = WorkCalendar()  # the default week, no holidays: hand-checkable
ALL_PAIRS = [(status, move) for status in LetterStatus for move in Move]


def _letter_in(status):
    return make_letter(status=status)


@pytest.mark.parametrize("status,move", ALL_PAIRS, ids=[f"{s.value}-{m.value}"
                                                         for s, m in ALL_PAIRS])
def test_the_transition_table_allows_exactly_its_moves(app, status, move):
    letter = _letter_in(status)
    db.session.commit()
    history = len(letter.history)
    transition = TRANSITIONS.get((status, move))
    actor = staff(transition.role if transition else Role.KASI)
    if transition is None:
        with pytest.raises(InvalidTransition):
            letter.move(move, by=actor, at=NOW)
        db.session.rollback()
        db.session.refresh(letter)
        assert letter.status is status and len(letter.history) == history
    else:
        change = letter.move(move, by=actor, at=NOW, holder=actor)
        assert letter.status is transition.to and change.from_status is status
        assert len(letter.history) == history + 1


def test_a_move_by_the_wrong_role_is_refused(app):
    letter = _letter_in(S.AT_KADIS)
    with pytest.raises(DomainError, match="Kepala Dinas"):
        letter.move(Move.DISPOSE_TO_KABID, by=staff(Role.KABID), at=NOW)


def test_a_disposition_outside_the_chain_is_refused(app):
    letter = _letter_in(S.AT_KADIS)
    with pytest.raises(DomainError, match="rantai|chain"):
        make_disposition(letter=letter, from_user=staff(Role.KADIS), to_user=staff(Role.KASI))


def test_an_acting_official_disposes_for_the_absent_kabid_and_is_recorded(app):
    letter = _letter_in(S.AT_KABID)
    plh = make_user(Role.KASI, username="plh.kabid")
    _save(ActingAssignment(acting_user=plh, absent_user=staff(Role.KABID),
                           first_day=date(2025, 2, 27), last_day=date(2025, 3, 1)))
    disposition = make_disposition(letter=letter, from_user=plh, to_user=staff(Role.KASI),
                                   disposed_at=letter.received_at + timedelta(minutes=40))
    assert letter.status is S.AT_KASI
    assert disposition.acting_for is staff(Role.KABID)
    assert letter.history[-1].acting_for is staff(Role.KABID)


def test_an_acting_assignment_outside_its_dates_gives_no_power(app):
    letter = _letter_in(S.AT_KABID)
    plh = make_user(Role.KASI)
    _save(ActingAssignment(acting_user=plh, absent_user=staff(Role.KABID),
                           first_day=date(2025, 3, 10), last_day=date(2025, 3, 12)))
    with pytest.raises(DomainError):
        letter.move(Move.DISPOSE_TO_KASI, by=plh, at=NOW)


def test_moves_must_keep_time_order_and_may_be_entered_afterwards(app):
    letter = _letter_in(S.AT_KADIS)
    with pytest.raises(DomainError):
        make_disposition(letter=letter, disposed_at=letter.history[-1].happened_at
                         - timedelta(minutes=1))
    db.session.rollback()
    letter = _letter_in(S.AT_KABID)
    change = letter.history[-1]
    assert change.recorded_at == NOW and change.happened_at < NOW and change.backdated


def test_each_step_records_holder_start_due_and_finish(app):
    letter = _letter_in(S.IN_RKA)
    steps = {s.number: s for s in letter.steps}
    assert sorted(steps) == [1, 2, 3]
    first = steps[1]
    assert first.holder is staff(Role.KABID)
    assert first.started_at == RECEIVED + timedelta(minutes=30)  # Friday 08:30 WIB
    assert first.due_at == first.started_at + timedelta(minutes=15)
    assert first.finished_at == RECEIVED + timedelta(minutes=40)
    assert first.output == "Surat telah didisposisikan"
    assert all(not s.is_open for s in steps.values())


def test_a_step_keeps_the_standard_it_started_under(app):
    letter = _letter_in(S.AT_KABID)
    standard = db.session.query(ServiceStandard).filter_by(number=1).one()
    standard.minutes = 30
    later = _letter_in(S.AT_KABID)
    assert letter.steps[0].standard_minutes == 15 and later.steps[0].standard_minutes == 30


def test_a_step_cannot_finish_without_the_scanned_letter(app):
    letter = make_letter(status=S.AT_KABID)
    letter.scan = None
    with pytest.raises(DomainError, match="Langkah 1 belum dapat diselesaikan"):
        make_disposition(letter=letter, from_user=staff(Role.KABID), to_user=staff(Role.KASI),
                         disposed_at=letter.received_at + timedelta(minutes=40))


def test_a_pause_moves_the_due_time_by_the_working_time_paused(app):
    step = _letter_in(S.AT_KABID).steps[0]  # started Friday 08:30 WIB, due 08:45
    paused = datetime(2025, 2, 28, 1, 35, tzinfo=UTC)  # 08:35 WIB
    step.pause(paused, reason=PauseReason.WAITING_FOR_OPD)
    step.resume(paused + timedelta(hours=4), CALENDAR)  # 12:35 WIB, a Friday: 175 working minutes
    assert step.paused_minutes == 175
    assert step.due_at == CALENDAR.add_working_minutes(step.started_at, 15 + 175)
    with pytest.raises(DomainError):
        step.resume(paused + timedelta(hours=5), CALENDAR)


def test_a_decision_finishes_the_analysis_and_starts_budgeting(app):
    letter = _letter_in(S.IN_ANALYSIS)
    decision = make_decision(letter=letter, outcome=Outcome.ACCEPTED)
    steps = {s.number: s for s in letter.steps}
    assert steps[2].finished_at == decision.decided_at and steps[3].is_open
    assert letter.status is S.ACCEPTED


def test_a_rejection_needs_the_reply_letter(app):
    letter = _letter_in(S.IN_ANALYSIS)
    with pytest.raises(DomainError):
        make_decision(letter=letter, outcome=Outcome.REJECTED, reply_number=None)


def test_a_meeting_starts_the_analysis(app):
    letter = _letter_in(S.AT_KASI)
    make_meeting(letter=letter)
    assert letter.status is S.IN_ANALYSIS


def test_overdue_is_a_database_filter_on_the_stored_due_time(client, login_as):
    late = _letter_in(S.AT_KABID)  # step 1 due Friday 08:45 WIB: long overdue
    on_time = make_letter(status=S.AT_KADIS)
    walk(on_time, S.AT_KADIS)
    db.session.commit()
    login_as(Role.SUPERVISOR)
    steps = client.get("/admin/steps/?flt0_0=overdue").get_data(as_text=True)
    assert late.number in steps
    letters = client.get("/admin/letters/?flt0_0=overdue").get_data(as_text=True)
    assert late.number in letters and on_time.number not in letters


def test_the_clerk_forwards_registered_letters_to_the_kepala_dinas(client, login_as):
    letter = make_letter()
    db.session.commit()
    login_as(Role.CLERK)
    client.post("/admin/letters/action/", {"action": "send_to_kadis", "rowid": letter.id})
    db.session.commit()
    assert letter.status is S.AT_KADIS
    client.post("/admin/letters/action/", {"action": "send_to_kadis", "rowid": letter.id})
    db.session.commit()
    assert letter.status is S.AT_KADIS and len(letter.history) == 1


def test_an_illegal_move_through_a_screen_is_explained_and_changes_nothing(client, login_as):
    letter = _letter_in(S.AT_KASI)
    db.session.commit()
    login_as(Role.KADIS)
    page = client.post("/admin/dispositions/new/", {
        "letter": letter.id, "to_user": staff(Role.KABID).id, "instructions": ["process"],
        "disposed_at": "2025-02-28 10:00:00"})
    assert page.status_code == 200
    assert "Disposisi mengikuti rantai" in page.get_data(as_text=True)
    db.session.commit()
    assert letter.status is S.AT_KASI and StepRecord.query.count() == 2


def test_editing_the_calendar_leaves_finished_steps_alone(app):
    letter = _letter_in(S.AT_KASI)
    finished = letter.steps[0]
    due = finished.due_at
    db.session.add(LocalHoliday(day=date(2025, 2, 28), name="Libur mendadak"))
    db.session.commit()
    db.session.expire_all()
    assert finished.due_at == due
    later = _letter_in(S.AT_KABID)  # a step started on the new holiday counts from Monday
    assert later.steps[0].due_at == datetime(2025, 3, 3, 0, 45, tzinfo=UTC)  # 07:45 WIB


def test_a_special_period_from_the_panel_changes_the_hours(app):
    ramadan = WorkSchedule(name="Ramadan", first_day=date(2025, 3, 1), last_day=date(2025, 3, 30),
                           **{day: "07:15-12:00 12:30-14:15" for day in
                              ("monday", "tuesday", "wednesday", "thursday")},
                           friday="07:15-11:30 12:30-14:45")
    _save(ramadan)
    calendar = office_calendar()
    monday = datetime(2025, 3, 3, 0, 15, tzinfo=UTC)  # 07:15 WIB
    assert calendar.working_minutes(monday, monday + timedelta(hours=8)) == 390


def test_office_hours_that_do_not_parse_are_refused(app):
    with pytest.raises(DomainError):
        _save(WorkSchedule(name="Salah", monday="pagi sampai sore"))


def test_scheduling_in_the_pontive_center_warns_of_open_faults(client, login_as):
    letter = _letter_in(S.AT_KASI)
    make_fault(item="Proyektor Ruang Rapat Pontive Center")
    db.session.commit()
    login_as(Role.KASI)
    page = client.post("/admin/meetings/new/", {
        "letter": letter.id, "scheduled_at": "2025-03-04 09:00:00",
        "place": "Ruang Rapat Pontive Center"}, follow_redirects=True)
    assert "Peringatan: peralatan di Ruang Rapat Pontive Center masih rusak" in \
        page.get_data(as_text=True)
    faults = client.get("/admin/faults/").get_data(as_text=True)
    assert " hari" in faults  # how long each fault has been open


def test_due_soon_and_finished_late_filters(client, login_as):
    soon = _letter_in(S.AT_KABID)
    soon.steps[0].due_at = datetime.now(UTC) + timedelta(minutes=30)
    late = _letter_in(S.AT_KASI)  # step 1 finished 10 minutes after it started: on time
    late.steps[0].due_at = late.steps[0].finished_at - timedelta(minutes=1)
    db.session.commit()
    login_as(Role.SUPERVISOR)
    due_soon = client.get("/admin/letters/?flt0_0=due_soon").get_data(as_text=True)
    assert soon.number in due_soon and late.number not in due_soon
    finished_late = client.get("/admin/letters/?flt0_0=finished_late").get_data(as_text=True)
    assert late.number in finished_late and soon.number not in finished_late


def test_hostile_filter_values_are_ignored_not_errors(client, login_as):
    login_as(Role.SUPERVISOR)
    for value in ("overdue' OR 1=1 --", "", "x" * 500):
        assert client.get("/admin/steps/", query_string={"flt0_0": value}).status_code == 200


def test_the_letter_details_show_its_steps_and_history(client, login_as):
    letter = _letter_in(S.AT_KASI)
    db.session.commit()
    login_as(Role.KASI)
    page = client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert "Langkah SOP" in page and "Riwayat Status" in page
    assert "28 Februari 2025 08:45 WIB" in page  # step 1 due, 15 minutes after 08:30


def test_a_step_typed_to_the_second_in_the_second_of_the_previous_one_follows_it(app):
    letter = make_letter(status=S.AT_KADIS)
    db.session.commit()
    previous = letter.history[-1].happened_at.replace(microsecond=600_000)
    letter.history[-1].happened_at = previous  # recorded to the microsecond, as "now" is
    typed = previous.replace(microsecond=0)  # a form shows and reads the second only
    letter.move(Move.DISPOSE_TO_KABID, by=staff(Role.KADIS), at=NOW, happened_at=typed)
    assert letter.history[-1].happened_at == previous and letter.status is S.AT_KABID
    earlier = make_letter(status=S.AT_KADIS)
    with pytest.raises(DomainError):  # a whole second before it: refused as before
        earlier.move(Move.DISPOSE_TO_KABID, by=staff(Role.KADIS), at=NOW,
                     happened_at=earlier.history[-1].happened_at - timedelta(seconds=1))
