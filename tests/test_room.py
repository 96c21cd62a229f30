"""The Pontive Center holds one meeting at a time, and its week is shown day by day."""

from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
from sqlalchemy import select, text

from models import Agency, DomainError, LetterStatus, Meeting, Role, db
from models.recording import save
from models.timezone import from_local

from .builders import NOW, make_agency, make_letter, make_meeting, staff, walk
from .test_migrations import MIGRATIONS

S = LetterStatus
#: Monday 8 December 2025, 09:00 WIB.
MONDAY_NINE = from_local(datetime(2025, 12, 8, 9, 0))


def booked(start=MONDAY_NINE, **overrides):
    return make_meeting(make_letter(agency=overrides.pop("agency", None) or dinkes()),
                        scheduled_at=start, **overrides)


def dinkes():
    """The Dinas Kesehatan, made once."""
    return db.session.scalar(select(Agency).where(Agency.short_name == "Dinkes")) or make_agency(
        name="Dinas Kesehatan", short_name="Dinkes")


def meeting_form(letter, start, end="", place="Ruang Rapat Pontive Center"):
    return {"letter": letter.id, "scheduled_at": start, "ends_at": end, "place": place}


def test_an_overlapping_meeting_is_refused_naming_the_one_that_holds_the_room(client, login_as):
    first = booked()
    other = walk(make_letter(), S.AT_KASI)
    db.session.commit()
    login_as(Role.KASI)

    page = client.post("/admin/meetings/new/", data=meeting_form(other, "08/12/2025 10:00"),
                       follow_redirects=True).get_data(as_text=True)

    agenda = f"{first.letter.agenda_number}/{first.letter.agenda_year}"
    assert (f"Ruang Rapat Pontive Center sudah dipesan dari 8 Desember 2025 09:00 WIB sampai "
            f"11:00 untuk rapat surat {agenda} (Dinkes). Pilih waktu atau ruang lain.") in page
    assert db.session.scalars(select(Meeting).where(Meeting.letter_id == other.id)).all() == []
    assert other.status is S.AT_KASI  # nothing half-saved: the analysis did not start


def test_the_room_is_free_when_the_meeting_before_ends_and_another_room_is_another(app):
    first = booked(ends_at=MONDAY_NINE + timedelta(hours=1))
    assert first.ends_at == MONDAY_NINE + timedelta(hours=1)
    booked(MONDAY_NINE + timedelta(hours=1))  # starts as the first ends
    booked(MONDAY_NINE, place="Ruang Rapat Wali Kota")
    db.session.commit()
    for spelling in ("ruang rapat PONTIVE center", "Pontive Center"):
        with pytest.raises(DomainError, match="sudah dipesan|is booked"):
            booked(MONDAY_NINE + timedelta(minutes=30), place=spelling)
        db.session.rollback()


def test_a_meeting_keeps_its_own_slot_when_edited_and_an_archived_one_frees_it(app):
    first = booked()
    first.recommendation = None
    first.place = "Ruang Rapat Pontive Center (lantai 2)"
    save(db.session, first, at=NOW, by=staff(Role.KASI), created=False)  # not its own clash
    db.session.commit()
    first.archive(at=NOW, by=staff(Role.KASI))
    db.session.commit()
    assert booked().clash(db.session) is None


def test_a_meeting_ending_before_it_starts_is_refused(app):
    with pytest.raises(DomainError, match="selesai setelah dimulai|ends after it starts"):
        booked(ends_at=MONDAY_NINE - timedelta(minutes=1))


def test_meetings_recorded_before_they_had_an_end_hold_the_room_two_hours(app):
    key = booked().id
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(directory=MIGRATIONS, revision="7012a7dcae42")
    try:
        with db.engine.connect() as conn:
            columns = conn.execute(text("SELECT * FROM meeting")).keys()
        assert "ends_at" not in columns
    finally:
        flask_migrate.upgrade(directory=MIGRATIONS)
    again = db.session.get(Meeting, key)
    assert again.ends_at == MONDAY_NINE + timedelta(hours=2)


def test_the_week_shows_each_day_and_opd_staff_see_only_their_own_meetings(client, login_as):
    theirs = booked()
    others = booked(MONDAY_NINE + timedelta(days=2, hours=4),
                    agency=make_agency(name="Dinas Perhubungan", short_name="Dishub"))
    booked(MONDAY_NINE + timedelta(days=7))  # the week after
    db.session.commit()

    login_as(Role.KASI)
    page = client.get("/admin/room/?week=10/12/2025").get_data(as_text=True)
    assert "Ruang Rapat Pontive Center: minggu 8 Desember 2025" in page
    assert "Senin, 8 Desember 2025" in page and "Jumat, 12 Desember 2025" in page
    assert "Sabtu" not in page  # no weekend without meetings
    assert "09:00–11:00" in page and "13:00–15:00" in page
    assert theirs.letter.subject in page and others.letter.subject in page
    assert page.count("room-booking") == 2

    client.logout()
    login_as(Role.OPD, agency=dinkes())
    page = client.get("/admin/room/?week=08/12/2025").get_data(as_text=True)
    assert theirs.letter.subject in page and others.letter.subject not in page
    assert "Dishub" not in page and page.count("Sudah dipesan") == 1


def test_a_week_typed_wrong_is_said_in_indonesian_and_this_week_is_shown(client, login_as):
    login_as(Role.KASI)
    for week in ("2025-13-45", "31/12/9999", "01/01/0001", "01/01/2026\x00"):
        response = client.get("/admin/room/", query_string={"week": week})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, week
        assert "Ketik tanggal dalam minggu itu sebagai hh/bb/tttt" in page, week
        assert str(datetime.now(UTC).year) in page


def test_the_room_screen_is_for_those_who_may_see_meetings(client, login_as):
    login_as(Role.CLERK)  # the clerk sees meetings too
    assert client.get("/admin/room/").status_code == 200
    client.logout()
    assert client.get("/admin/room/").status_code in (302, 403)
