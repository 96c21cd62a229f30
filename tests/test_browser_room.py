"""The Pontive Center in Chromium: the Kasi books the room from its week, is refused a time
another meeting holds (told which), and books the next free one."""

from datetime import UTC, datetime, time, timedelta

from models import LetterStatus, Role, db
from models.timezone import from_local, to_local

from .browser import Desk
from .builders import make_agency, make_letter, make_meeting, staff, walk

S = LetterStatus


def test_the_kasi_is_refused_a_booked_room_and_books_the_next_free_time(app, chromium,
                                                                      live_server):
    now = datetime.now(UTC)
    today = to_local(now).date()
    monday = today + timedelta(days=7 - today.weekday())  # next week's Monday
    nine = from_local(datetime.combine(monday, time(9)))
    dishub = make_agency(name="Dinas Perhubungan", short_name="Dishub")
    yesterday = dict(received_at=now - timedelta(days=1), letter_date=today - timedelta(days=1))
    held = make_meeting(make_letter(agency=dishub, at=now, **yesterday), at=now,
                        scheduled_at=nine)
    letter = walk(make_letter(subject="Aplikasi Antrean Puskesmas", at=now, **yesterday),
                  S.AT_KASI, at=now)
    db.session.commit()
    week = monday.strftime("%d/%m/%Y")

    desk = Desk(chromium, live_server, viewport={"width": 1366, "height": 900})
    desk.login(staff(Role.KASI).username)
    page = desk.open(f"/admin/room/?week={week}")
    assert page.locator(".room-booking").count() == 1
    page.get_by_role("link", name="Jadwalkan rapat teknis").click()
    page.wait_for_url("**/admin/meetings/new/**")
    desk.search("letter", letter.number)
    desk.fill("scheduled_at", f"{week} 10:00")
    desk.save()
    agenda = f"{held.letter.agenda_number}/{held.letter.agenda_year}"
    assert (f"sudah dipesan dari {to_local(nine).day} " in desk.flashed()
            and f"rapat surat {agenda} (Dishub)" in desk.flashed()), desk.flashed()
    desk.shot("kasi-room-refused")

    desk.fill("scheduled_at", f"{week} 11:00")
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()
    page.wait_for_url("**/admin/room/**")  # back to the week it was booked from
    bookings = page.locator(".room-booking")
    assert bookings.count() == 2
    assert bookings.nth(1).inner_text().startswith("11:00–13:00")
    assert "Aplikasi Antrean Puskesmas" in bookings.nth(1).inner_text()
    desk.shot("kasi-room-week")
    assert desk.serious_violations() == []
    assert desk.errors == []
    desk.close()
