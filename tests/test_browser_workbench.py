"""The letter's page as the workbench, walked in Chromium: every SOP move made from the letter's
page by the person whose move it is, on the accepted and on the rejected path."""

from datetime import UTC, datetime, timedelta

import pytest

from models import LetterStatus, RequestLetter, Role, db
from models.attachments import Attachment, AttachmentKind
from models.demo_letter import letter_pdf
from models.timezone import to_local

from .browser import Desk
from .builders import make_agency, make_letter, make_user, staff

S = LetterStatus
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def dinkes(app):
    return make_agency(name="Dinas Kesehatan", short_name="Dinkes")


def letter_from(agency, status=S.REGISTERED, subject="Permohonan Pembuatan Aplikasi SIMPUS"):
    """A letter received two hours ago, with a readable scan, walked to `status`."""
    received = datetime.now(UTC) - timedelta(hours=2)
    scan = Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "surat-permohonan.pdf", letter_pdf(
        ["PEMERINTAH KOTA PONTIANAK", agency.name.upper()], [f"Perihal: {subject}"]), received)
    letter = make_letter(agency=agency, status=status, subject=subject, received_at=received,
                         letter_date=to_local(received).date(), scan=scan,
                         at=datetime.now(UTC))
    db.session.commit()
    return letter


def status_of(letter) -> LetterStatus:
    db.session.commit()  # end the test's read: see what the browser saved
    return db.session.get(RequestLetter, letter.id).status


def open_letter(desk, letter):
    page = desk.open(f"/admin/letters/details/?id={letter.id}")
    return page, page.locator(".moves")


def move(desk, letter, label, **typed):
    """Press the move's button on the letter's page; fill in what is typed; save; back."""
    page, moves = open_letter(desk, letter)
    moves.get_by_role("link", name=label).or_(moves.get_by_role("button", name=label)).click()
    page.wait_for_load_state()
    if "/new/" in page.url:
        for field, text in typed.items():
            page.locator(f"#{field}").fill(text)
        desk.save()
        assert "/new/" not in page.url, desk.flashed()
    page.wait_for_url(f"**/admin/letters/details/?id={letter.id}")
    assert "berhasil" in desk.flashed() or "diperbarui" in desk.flashed() or \
        "diteruskan" in desk.flashed(), desk.flashed()
    return page


def test_every_move_of_the_accepted_path_is_made_from_the_letters_page(chromium, live_server,
                                                                      dinkes):
    letter = letter_from(dinkes)
    clerk, kadis, kabid, kasi = (staff(role) for role in (Role.CLERK, Role.KADIS, Role.KABID,
                                                          Role.KASI))
    make_user(Role.CLERK, full_name="Petugas TU Lain")
    db.session.commit()

    desk = Desk(chromium, live_server, viewport=WIDE)
    desk.login(clerk.username)
    page, moves = open_letter(desk, letter)
    assert page.locator("iframe.scan-frame").count() == 1
    desk.shot("workbench-tu")
    move(desk, letter, "Teruskan ke Kepala Dinas")
    assert status_of(letter) is S.AT_KADIS
    desk.close()

    desk = Desk(chromium, live_server, viewport=WIDE)
    desk.login(kadis.username)
    page, moves = open_letter(desk, letter)
    desk.shot("workbench-kadis")
    assert desk.serious_violations() == []
    moves.get_by_role("link", name="Disposisikan ke Kabid").click()
    page.wait_for_url("**/admin/dispositions/new/**")
    offered = page.locator("select#to_user option").all_inner_texts()
    assert [text for text in offered if text.strip()] == [str(kabid)]
    assert page.locator("select#to_user").input_value() == str(kabid.id)
    assert page.locator("select#instructions").evaluate(
        "s => [...s.selectedOptions].map(o => o.textContent)") == ["Proses lebih lanjut"]
    desk.shot("workbench-kadis-dispose")
    assert desk.serious_violations() == []
    desk.save()
    page.wait_for_url(f"**/admin/letters/details/?id={letter.id}")
    assert status_of(letter) is S.AT_KABID
    desk.close()

    desk = Desk(chromium, live_server, viewport=WIDE)
    desk.login(kabid.username)
    page, moves = open_letter(desk, letter)
    assert page.locator(".workbench .pill-ok, .workbench .pill-soon, .workbench .pill-late"
                        ).count() == 1  # the Kabid's step runs against its due time
    desk.shot("workbench-kabid")
    moves.get_by_role("link", name="Disposisikan ke Kasi").click()
    page.wait_for_url("**/admin/dispositions/new/**")
    assert [t for t in page.locator("select#to_user option").all_inner_texts() if t.strip()] \
        == [str(kasi)]
    desk.save()
    page.wait_for_url(f"**/admin/letters/details/?id={letter.id}")
    assert status_of(letter) is S.AT_KASI
    desk.close()

    desk = Desk(chromium, live_server, viewport=WIDE)
    desk.login(kasi.username)
    page, moves = open_letter(desk, letter)
    decide = moves.get_by_role("button", name="Catat keputusan")
    assert decide.is_disabled() and "Catat rapat teknis dahulu." in moves.inner_text()
    assert moves.get_by_role("button", name="Tambah rincian RKA").is_disabled()
    desk.shot("workbench-kasi")
    assert desk.serious_violations() == []
    move(desk, letter, "Jeda: menunggu OPD")
    page, moves = open_letter(desk, letter)
    assert page.locator(".workbench .pill-paused").count() == 1
    move(desk, letter, "Lanjutkan langkah")
    move(desk, letter, "Jadwalkan rapat teknis")
    assert status_of(letter) is S.IN_ANALYSIS
    page, moves = open_letter(desk, letter)
    assert moves.get_by_role("link", name="Terima permohonan").is_visible()
    move(desk, letter, "Terima permohonan")
    assert status_of(letter) is S.ACCEPTED
    move(desk, letter, "Tambah rincian RKA", nomenclature_code="2.16.03.1.02.0005",
         unit_price="150.000.000")  # no earlier item to take the usual code from
    assert status_of(letter) is S.IN_RKA
    page, moves = open_letter(desk, letter)
    assert moves.count() == 0  # nothing left for the Kasi to do on it here
    assert desk.errors == [], desk.errors
    desk.close()


def test_the_rejected_path_is_recorded_from_the_letters_page(chromium, live_server, dinkes):
    letter = letter_from(dinkes, status=S.IN_ANALYSIS, subject="Permohonan Aplikasi Antrian")
    kasi = staff(Role.KASI)
    db.session.commit()
    desk = Desk(chromium, live_server, viewport=WIDE)
    desk.login(kasi.username)
    page, moves = open_letter(desk, letter)
    moves.get_by_role("link", name="Tolak permohonan").click()
    page.wait_for_url("**/admin/decisions/new/**")
    assert page.locator("#outcome").count() == 0 and page.locator("#letter").count() == 0
    assert page.locator("#reply_date").input_value() == to_local(
        datetime.now(UTC)).strftime("%d/%m/%Y")
    desk.save()  # no reason given: refused, nothing saved
    assert status_of(letter) is S.IN_ANALYSIS and "/decisions/new/" in page.url
    page.locator("#reason").fill("Sudah dipenuhi aplikasi SIMPUS yang ada.")
    page.locator("#reply_number").fill("000.8/901/Diskominfo/2026")
    desk.shot("workbench-kasi-reject")
    desk.save()
    page.wait_for_url(f"**/admin/letters/details/?id={letter.id}")
    assert status_of(letter) is S.REJECTED
    assert page.locator(".moves").count() == 0  # a rejected request is not budgeted
    assert desk.errors == [], desk.errors
    desk.close()


def test_opd_staff_see_their_letter_and_its_scan_but_no_internal_moves(chromium, live_server,
                                                                      dinkes):
    letter = letter_from(dinkes, status=S.AT_KASI)
    other = letter_from(make_agency(), status=S.AT_KASI, subject="Permohonan Aplikasi Lain")
    opd = make_user(Role.OPD, agency=dinkes)
    db.session.commit()
    desk = Desk(chromium, live_server, viewport=WIDE)
    desk.login(opd.username)
    page, moves = open_letter(desk, letter)
    assert moves.count() == 0 and page.locator("iframe.scan-frame").count() == 1
    desk.shot("workbench-opd")
    assert desk.serious_violations() == []
    assert desk.page.goto(f"/admin/letters/details/?id={other.id}").status in (302, 404) or \
        "/details/" not in desk.page.url
    desk.errors.clear()
    desk.close()


@pytest.mark.parametrize("role", [Role.CLERK, Role.KADIS, Role.KABID, Role.KASI, Role.OPD])
def test_the_letters_page_fits_a_phone(chromium, live_server, dinkes, role):
    status = {Role.CLERK: S.REGISTERED, Role.KADIS: S.AT_KADIS, Role.KABID: S.AT_KABID}.get(
        role, S.AT_KASI)
    letter = letter_from(dinkes, status=status)
    user = make_user(Role.OPD, agency=dinkes) if role is Role.OPD else staff(role)
    db.session.commit()
    desk = Desk(chromium, live_server, viewport=PHONE)
    desk.login(user.username)
    page, moves = open_letter(desk, letter)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the letter's page is {overflow}px wider than the phone"
    clipped = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getClientRects().length && e.getBoundingClientRect().right
                     > window.innerWidth + 1).map(e => e.tagName + '.' + e.className)""")
    assert clipped == [], clipped
    if role is not Role.OPD:
        box = moves.locator(".btn").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    desk.shot(f"phone-workbench-{role.value}")
    desk.close()
