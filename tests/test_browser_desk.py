"""My desk and the escalation notice, walked in Chromium by the officials themselves."""

from datetime import UTC, datetime, timedelta

import pytest

from models import DeskVisit, LetterStatus, Notice, NoticeKind, PauseReason, Role, db
from models.demo import office_before
from models.escalation import escalate_overdue
from models.timezone import to_local

from .browser import PHONE, Desk
from .builders import make_agency, make_disposition, make_letter, staff

S = LetterStatus


def received(before: datetime, **delta) -> dict:
    moment = before - timedelta(**delta)
    return dict(received_at=moment, letter_date=to_local(moment).date())


def at_kasi(subject, disposed, now, **extra):
    """A letter the Kabid disposed to the Kasi at `disposed` (its step 2 starts then)."""
    letter = make_letter(status=S.AT_KABID, subject=subject, at=now,
                         **received(disposed, hours=2), **extra)
    make_disposition(letter=letter, from_user=staff(Role.KABID), to_user=staff(Role.KASI),
                     disposed_at=disposed, at=now)
    return letter


@pytest.fixture
def desks(app):
    """The Kasi's desk: two steps overdue, one due soon, one fresh, one paused; the Kepala
    Dinas's: 23 letters forwarded to him. The officials last looked 40 working minutes ago."""
    now = datetime.now(UTC)
    dinkes = make_agency(name="Dinas Kesehatan", short_name="Dinkes")
    at_kasi("Dijeda menunggu OPD", office_before(now, 900), now).open_step(2).pause(
        office_before(now, 890), PauseReason.WAITING_FOR_OPD)
    at_kasi("Hampir habis", office_before(now, 50), now)
    at_kasi("Paling terlambat", office_before(now, 2000), now, agency=dinkes)
    at_kasi("Baru didisposisikan", office_before(now, 5), now)
    at_kasi("Terlambat sedikit", office_before(now, 90), now)
    for n in range(23):
        make_letter(status=S.AT_KADIS, subject=f"Surat Kadis {n + 1:02d}", at=now,
                    **received(office_before(now, 60 + 30 * (23 - n)), minutes=10))
    for role in (Role.KASI, Role.KADIS):
        db.session.add(DeskVisit(user_id=staff(role).id, last_seen_at=office_before(now, 40)))
    db.session.commit()
    return now


def desk_rows(page):
    return page.locator("ol.desk > li")


def test_the_kasis_desk_puts_the_latest_overdue_first_with_pills_and_marks_what_is_new(
        chromium, live_server, desks):
    desk = Desk(chromium, live_server, viewport={"width": 1366, "height": 900})
    desk.login(staff(Role.KASI).username)
    page = desk.page
    rows = desk_rows(page)

    subjects = [text.split(" · ", 1)[1] for text in rows.locator("a.desk-letter").all_inner_texts()]
    assert subjects == ["Paling terlambat", "Terlambat sedikit", "Hampir habis",
                        "Baru didisposisikan", "Dijeda menunggu OPD"]
    pills = rows.locator(".pill")
    assert [pills.nth(i).get_attribute("class") for i in range(5)] == [
        "pill pill-late", "pill pill-late", "pill pill-soon", "pill pill-ok", "pill pill-paused"]
    assert pills.nth(0).inner_text().startswith("terlambat 4 hari")
    assert pills.nth(2).inner_text() == "sisa 10 menit" and pills.nth(3).inner_text() == (
        "sisa 55 menit")
    assert [rows.nth(i).locator(".badge-new").count() for i in range(5)] == [0, 0, 0, 1, 0]
    assert "baru" in rows.nth(3).inner_text()
    desk.shot("desk-kasi-home")
    assert desk.serious_violations() == []

    rows.nth(3).locator("a.desk-letter").click()  # to the letter, and back to the desk
    page.wait_for_url("**/admin/letters/details/**")
    page.get_by_role("link", name="Meja kerja saya").click()
    page.wait_for_url("**/admin/desk/")
    assert desk_rows(page).count() == 5 and desk_rows(page).nth(3).locator(".badge-new").count()
    assert desk.serious_violations() == []
    desk.shot("desk-kasi")
    assert desk.errors == [], desk.errors
    desk.close()


def test_the_kepala_dinas_pages_through_every_letter_waiting_on_him(chromium, live_server,
                                                                    desks):
    desk = Desk(chromium, live_server, viewport={"width": 1366, "height": 900})
    desk.login(staff(Role.KADIS).username)
    page = desk.page
    assert desk_rows(page).count() == 10
    assert desk_rows(page).first.locator(".pill").inner_text().startswith("menunggu 1 hari")
    desk.shot("desk-kadis-home")
    page.get_by_role("link", name="lihat semua 23").first.click()
    page.wait_for_url("**/admin/desk/")
    first = page.locator("a.desk-letter").all_inner_texts()
    page.get_by_role("link", name="Berikutnya").click()
    page.wait_for_url("**/admin/desk/?page=2")
    second = page.locator("a.desk-letter").all_inner_texts()
    subjects = [text.split(" · ", 1)[1] for text in first + second]
    assert subjects == [f"Surat Kadis {n:02d}" for n in range(1, 24)]
    assert "Pekerjaan 21–23 dari 23" in page.content()
    assert desk.serious_violations() == []
    desk.close()


def test_the_desk_fits_a_phone(chromium, live_server, desks):
    desk = Desk(chromium, live_server, viewport=PHONE)
    desk.login(staff(Role.KASI).username)
    page = desk.open("/admin/desk/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the desk is {overflow}px wider than the phone"
    box = desk_rows(page).first.locator(".pill").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    desk.shot("phone-desk-kasi")
    desk.close()


def test_the_kabid_finds_the_escalation_notice_of_the_kasis_overdue_step(chromium, live_server,
                                                                         app):
    now = datetime.now(UTC)
    kabid, kasi = staff(Role.KABID), staff(Role.KASI)
    letter = at_kasi("Pelaporan Sampah Liar", office_before(now, 90), now)  # due 30 min ago
    db.session.commit()
    due = letter.open_step(2).due_at
    clock = due + timedelta(minutes=1)  # the cron command runs a minute after the due time

    assert escalate_overdue(db.session, clock - timedelta(minutes=2)) == 0
    assert escalate_overdue(db.session, clock) == 1
    db.session.commit()
    assert escalate_overdue(db.session, clock + timedelta(hours=1)) == 0
    db.session.commit()

    desk = Desk(chromium, live_server)
    desk.login(kabid.username)
    page = desk.page
    assert "1 belum dibaca" in page.locator("nav").inner_text()
    notice = page.locator("#notices-title + ul li").first
    assert "Terlambat: langkah 2 · Kasi menganalisis" in notice.inner_text()
    assert "Langkah SOP terlambat" in notice.inner_text()
    notice.get_by_role("link").click()
    page.wait_for_url("**/admin/notices/details/**")
    body = page.locator(".notice-body").inner_text()
    assert "Pelaporan Sampah Liar" in body and f"Dipegang oleh: {kasi.full_name}" in body
    desk.shot("kabid-escalation-notice")
    assert desk.errors == [], desk.errors
    desk.close()
    kinds = {(n.recipient_id, n.kind) for n in db.session.query(Notice)}
    assert kinds == {(kabid.id, NoticeKind.OVERDUE), (kasi.id, NoticeKind.OVERDUE)}
