"""A letter's timeline, walked in Chromium: the Kabid comments and mentions the Kasi, the Kasi
finds the notice and the comment; the OPD reads its request's path and nothing internal."""

from datetime import timedelta

import pytest

from models import Notice, NoticeKind, PauseReason, Role, db
from models.office_calendar import office_calendar
from models.recording import save

from .browser import PHONE, Desk
from .builders import RECEIVED, S, make_agency, make_disposition, make_letter, make_user, staff

NOTE = "Cek dulu kesiapan server di pusat data"
SCREEN = {"width": 1366, "height": 900}


@pytest.fixture
def letter(app):
    """Disposed by the Kabid to the Kasi with a note, read by him, paused and resumed once."""
    dinkes = make_agency(name="Dinas Kesehatan", short_name="Dinkes")
    letter = make_letter(agency=dinkes, status=S.AT_KABID, subject="Aplikasi Antrean Puskesmas")
    kabid, kasi = staff(Role.KABID), staff(Role.KASI)
    make_disposition(letter=letter, from_user=kabid, to_user=kasi, note=NOTE,
                     disposed_at=RECEIVED + timedelta(minutes=40),
                     read_at=RECEIVED + timedelta(minutes=45))
    step = letter.open_step(2)
    step.pause(RECEIVED + timedelta(minutes=50), PauseReason.WAITING_FOR_OPD)
    save(db.session, step, at=RECEIVED + timedelta(minutes=50), by=kasi, created=False)
    step.resume(RECEIVED + timedelta(hours=2), office_calendar())
    save(db.session, step, at=RECEIVED + timedelta(hours=2), by=kasi, created=False)
    make_user(Role.OPD, agency=dinkes, username="opd.dinkes", full_name="Fransiska")
    db.session.commit()
    return letter


def entries(page):
    return page.locator("ol.timeline-list > li")


def test_the_kabid_mentions_the_kasi_who_finds_the_notice_and_the_comment(
        chromium, live_server, letter):
    kasi = staff(Role.KASI)
    desk = Desk(chromium, live_server, viewport=SCREEN)
    desk.login(staff(Role.KABID).username)
    page = desk.open(f"/admin/letters/details/?id={letter.id}")
    timeline = page.locator("ol.timeline-list").inner_text()
    for words in (f"Didisposisikan kepada {kasi.full_name}", f"Catatan: {NOTE}",
                  "Disposisi dibaca", "Langkah dijeda: 2 · Kasi menganalisis",
                  "Alasan: Menunggu OPD", "Langkah dilanjutkan", "WIB"):
        assert words in timeline, words
    refused = f"@{kasi.username} mohon dicek\u0007 ulang"  # a control character: refused
    page.get_by_label("Komentar untuk internal kantor").fill(refused)
    page.get_by_role("button", name="Tambah komentar").click()
    page.wait_for_load_state()
    assert "Komentar ditambahkan." not in desk.flashed() and desk.flashed().strip()
    assert page.get_by_label("Komentar untuk internal kantor").input_value() == refused
    page.get_by_label("Komentar untuk internal kantor").fill(
        f"@{kasi.username} mohon dijadwalkan rapat teknis minggu ini.\n<b>Terima kasih</b>")
    page.get_by_role("button", name="Tambah komentar").click()
    page.wait_for_load_state()
    assert "Komentar ditambahkan." in desk.flashed()
    last = entries(page).last
    assert last.locator(".timeline-comment").inner_text() == (
        f"@{kasi.username} mohon dijadwalkan rapat teknis minggu ini.\n<b>Terima kasih</b>")
    assert staff(Role.KABID).full_name in last.inner_text()
    # checked without the flashed message: Flask-Admin's own close button on it is known to
    # axe (aria-hidden yet focusable), apart from the timeline
    page = desk.open(f"/admin/letters/details/?id={letter.id}")
    assert desk.serious_violations() == []
    desk.shot("timeline-kabid")
    assert desk.errors == [], desk.errors
    desk.close()

    desk = Desk(chromium, live_server, viewport=SCREEN)
    desk.login(kasi.username)
    page = desk.page
    assert "1 belum dibaca" in page.locator("nav").inner_text()
    notice = page.locator("#notices-title + ul li").first
    assert "menyebut Anda: Aplikasi Antrean Puskesmas" in notice.inner_text()
    assert "Disebut dalam komentar" in notice.inner_text()
    notice.get_by_role("link").click()
    page.wait_for_url("**/admin/notices/details/**")
    assert "mohon dijadwalkan rapat teknis" in page.locator(".notice-body").inner_text()
    desk.shot("timeline-mention-notice")
    page.get_by_role("link", name=str(letter)).click()
    page.wait_for_url("**/admin/letters/details/**")
    assert "mohon dijadwalkan rapat teknis" in entries(page).nth(-2).inner_text()
    assert entries(page).last.inner_text().endswith(  # her opening the notice is a read too
        f"Pemberitahuan dibaca: Disebut dalam komentar · {kasi.full_name}")
    assert desk.errors == [], desk.errors
    desk.close()
    db.session.commit()  # the test's own transaction began before the server wrote
    assert [(n.recipient_id, n.kind) for n in db.session.query(Notice)] == [
        (kasi.id, NoticeKind.MENTIONED)]


def test_the_opd_reads_its_requests_path_and_nothing_internal(chromium, live_server, letter):
    desk = Desk(chromium, live_server, viewport=SCREEN)
    desk.login(staff(Role.KABID).username)
    page = desk.open(f"/admin/letters/details/?id={letter.id}")
    page.get_by_label("Komentar untuk internal kantor").fill("Catatan rahasia kantor")
    page.get_by_role("button", name="Tambah komentar").click()
    page.wait_for_load_state()
    desk.close()

    desk = Desk(chromium, live_server, viewport=SCREEN)
    desk.login("opd.dinkes")
    page = desk.open(f"/admin/letters/details/?id={letter.id}")
    shown = page.locator("main, body").first.inner_text()
    assert "Status: Didisposisikan kepada Kasi" in shown and "Tenggat" in shown
    for internal in (NOTE, "Catatan rahasia kantor", "Disposisi dibaca", "Langkah dijeda",
                     "Langkah SOP", "Tambah komentar", staff(Role.KASI).full_name):
        assert internal not in shown, internal
    assert desk.serious_violations() == []
    desk.shot("timeline-opd")
    assert desk.errors == [], desk.errors
    desk.close()

    desk = Desk(chromium, live_server, viewport=PHONE)  # on a phone: nothing cut off
    desk.login("opd.dinkes")
    page = desk.open(f"/admin/letters/details/?id={letter.id}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the letter's page is {overflow}px wider than the phone"
    box = entries(page).last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    desk.shot("phone-timeline-opd")
    desk.close()
