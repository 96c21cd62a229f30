"""The whole SOP walked in Chromium by the real roles, each logging in through the log-in page."""

import csv
import io
from datetime import datetime, timedelta

import pytest

from models import AgencyKind, LetterStatus, RequestLetter, Role, db
from models.timezone import OFFICE_TZ

from .browser import Desk
from .builders import PDF, make_agency, make_letter, make_user, staff


@pytest.fixture
def office(app):
    """Diskominfo's officials, two OPDs and their staff, as the demo has them."""
    diskominfo = make_agency(code="DISKOMINFO", name="Dinas Komunikasi dan Informatika",
                             short_name="Diskominfo")
    people = {role: staff(role) for role in (Role.CLERK, Role.KADIS, Role.KABID, Role.KASI)}
    for user in people.values():
        user.agency = diskominfo
    people[Role.SUPERVISOR] = make_user(Role.SUPERVISOR, agency=diskominfo,
                                        username="pengawas", full_name="Rina Pengawas")
    dinkes = make_agency(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes",
                         kind=AgencyKind.DINAS)
    people[Role.OPD] = make_user(Role.OPD, agency=dinkes, username="opd.dinkes",
                                 full_name="Sari Dinkes")
    # a letter left waiting on the Kabid since 2025: its first step is overdue
    make_letter(agency=dinkes, number="000.8/12/Dinkes/2025", status=LetterStatus.AT_KABID)
    db.session.commit()
    return people


def clock(**delta):
    """The office's wall clock, as a form takes it: the walk happens now, in real time."""
    return (datetime.now(OFFICE_TZ) + timedelta(**delta)).strftime("%Y-%m-%d %H:%M:%S")


def _letter(number):
    db.session.commit()
    return db.session.query(RequestLetter).filter_by(number=number).one()


def register(desk, number, subject):
    """The clerk registers a letter from Dinkes with its scan and forwards it to the Kadis."""
    page = desk.open("/admin/letters/new/")
    desk.fill("number", number)
    desk.fill("letter_date", clock(days=-1)[:10])
    desk.fill("received_at", clock(hours=-1))
    desk.choose("agency", "Dinkes")
    desk.fill("subject", subject)
    desk.choose("request_kind", "Pembuatan")
    desk.fill("application_name", "Aplikasi Antrean Puskesmas")
    desk.choose("spbe_category", "Khusus")
    page.set_input_files("#scan_file", files=[{"name": "surat.pdf",
                                               "mimeType": "application/pdf", "buffer": PDF}])
    desk.shot("clerk-new-letter")
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()
    page.get_by_role("row").filter(has_text=number).locator("input.action-checkbox").check()
    page.get_by_role("button", name="Tindakan untuk data terpilih").click()
    page.get_by_text("Teruskan ke Kepala Dinas").click()
    page.wait_for_load_state()
    desk.shot("clerk-letter-list")


def dispose(desk, letter, to, note):
    desk.open("/admin/dispositions/new/")
    desk.search("letter", letter)
    desk.choose("to_user", to)
    desk.choose("instructions", "Proses lebih lanjut", "Telaah")
    desk.fill("note", note)
    desk.fill("disposed_at", clock())
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()


def meet_and_decide(desk, letter, outcome, **decision):
    """The Kasi schedules the technical meeting in the Pontive Center, records its minutes and
    decides."""
    page = desk.open("/admin/meetings/new/")
    desk.search("letter", letter)
    desk.fill("scheduled_at", clock())
    assert "Pontive Center" in page.locator("#place").input_value()
    desk.fill("held_at", clock())
    desk.fill("minutes", "Rapat teknis bersama OPD: kebutuhan dan data dibahas.")
    page.set_input_files("#minutes_upload", files=[{
        "name": "notulen.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()
    desk.shot("kasi-meetings")
    desk.open("/admin/decisions/new/")
    desk.search("letter", letter)
    desk.choose("outcome", outcome)
    for field, value in decision.items():
        desk.fill(field, value)
    desk.shot("kasi-new-decision")
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()


def test_an_accepted_request_walks_from_registration_to_the_rka(chromium, live_server,
                                                                 office):
    number = "000.8/77/Dinkes/2025"
    desk = Desk(chromium, live_server)
    desk.login(office[Role.CLERK].username)
    desk.shot("home-clerk")
    register(desk, number, "Permohonan aplikasi antrean")
    letter = _letter(number)
    assert letter.status is LetterStatus.AT_KADIS and letter.scan is not None
    desk.logout()

    desk.login(office[Role.KADIS].username)
    desk.shot("home-kadis")
    dispose(desk, number, office[Role.KABID].full_name, "Mohon ditindaklanjuti")
    desk.logout()
    desk.login(office[Role.KABID].username)
    dispose(desk, number, office[Role.KASI].full_name, "Telaah dan jadwalkan rapat teknis")
    desk.logout()
    assert _letter(number).status is LetterStatus.AT_KASI

    desk.login(office[Role.KASI].username)
    desk.shot("home-kasi")
    meet_and_decide(desk, number, "Diterima")
    assert _letter(number).status is LetterStatus.ACCEPTED
    desk.open("/admin/rka/new/")
    desk.search("decision", number)
    desk.fill("nomenclature_code", "2.16.03.1.02.0005")
    desk.fill("description", "Pembangunan Aplikasi Antrean Puskesmas")
    desk.fill("volume", "1")
    desk.fill("unit", "Paket")
    desk.fill("unit_price", "150000000")
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()
    desk.shot("kasi-rka")
    assert _letter(number).status is LetterStatus.IN_RKA
    desk.logout()

    desk.login(office[Role.SUPERVISOR].username)
    week = f"from={clock(days=-7)[:10]}&to={clock()[:10]}"
    page = desk.open(f"/admin/reports/?report=step-durations&{week}")
    assert number in page.content()
    desk.shot("supervisor-report")
    page = desk.open("/admin/letters/")
    page.get_by_text("Tambah Filter").click()
    page.locator("a.filter", has_text="Batas waktu").first.click()
    page.locator("select.filter-val").first.select_option(label="Terlambat saat ini", force=True)
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_load_state()
    assert "flt" in page.url
    desk.shot("supervisor-overdue")
    with page.expect_download() as download:
        page.get_by_text("Ekspor").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))  # Indonesian dialect
    assert [row["No. Surat"] for row in rows] == ["000.8/12/Dinkes/2025"], text
    assert desk.errors == [], desk.errors
    desk.close()



def test_a_rejected_request_reaches_the_opd_as_a_notice(chromium, live_server, office):
    number = "000.8/78/Dinkes/2025"
    desk = Desk(chromium, live_server)
    desk.login(office[Role.CLERK].username)
    register(desk, number, "Permohonan aplikasi presensi")
    desk.logout()
    desk.login(office[Role.KADIS].username)
    dispose(desk, number, office[Role.KABID].full_name, "Mohon ditindaklanjuti")
    desk.logout()
    desk.login(office[Role.KABID].username)
    dispose(desk, number, office[Role.KASI].full_name, "Telaah")
    desk.logout()
    desk.login(office[Role.KASI].username)
    meet_and_decide(desk, number, "Ditolak", reason="Sudah ada aplikasi presensi kota",
                    reply_number="000.8/15/Diskominfo/2025", reply_date=clock()[:10])
    assert _letter(number).status is LetterStatus.REJECTED
    desk.logout()

    desk.login(office[Role.OPD].username)
    desk.shot("home-opd")
    page = desk.open("/admin/notices/")
    assert number in page.content() and "ditolak" in page.content().lower()
    desk.shot("opd-notices")
    page = desk.open(f"/admin/letters/details/?id={_letter(number).id}")
    assert "Sudah ada aplikasi presensi kota" in page.content()
    assert desk.errors == [], desk.errors
    desk.close()


def test_an_opd_user_submits_a_request_and_follows_it(chromium, live_server, office):
    number = "000.8/90/Dinkes/2025"
    desk = Desk(chromium, live_server)
    desk.login(office[Role.OPD].username)
    page = desk.open("/admin/letters/new/")
    assert page.locator("#received_at").count() == 0  # the office's fields are not asked
    desk.fill("number", number)
    desk.fill("letter_date", clock()[:10])
    desk.fill("subject", "Permohonan peningkatan aplikasi SIMPUS")
    desk.choose("request_kind", "Pembuatan")
    desk.fill("application_name", "SIMPUS Terpadu")
    desk.choose("spbe_category", "Khusus")
    page.set_input_files("#scan_file", files=[{"name": "surat.pdf",
                                               "mimeType": "application/pdf", "buffer": PDF}])
    desk.shot("opd-new-request")
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()
    letter = _letter(number)
    assert letter.agency.code == "DINKES" and letter.status is LetterStatus.REGISTERED
    page = desk.open(f"/admin/letters/details/?id={letter.id}")
    assert "Posisi permohonan" in page.content() and "Petugas Tata Usaha" in page.content()
    desk.shot("opd-request-timeline")
    assert desk.errors == [], desk.errors
    desk.close()


def test_an_opd_user_sees_no_other_agencys_request(chromium, live_server, office):
    other = make_letter(agency=make_agency(code="BAPPEDA", short_name="Bappeda"),
                        number="000.8/5/Bappeda/2025")
    own = _letter("000.8/12/Dinkes/2025")
    db.session.commit()
    desk = Desk(chromium, live_server)
    desk.login(office[Role.OPD].username)
    page = desk.open("/admin/letters/")
    assert own.number in page.content() and other.number not in page.content()
    page.get_by_placeholder("No. Surat").fill("Bappeda")
    page.get_by_placeholder("No. Surat").press("Enter")
    page.wait_for_load_state()
    assert other.number not in page.content()
    for path in (f"/admin/letters/details/?id={other.id}", f"/admin/letters/sheet/?id={other.id}",
                 f"/berkas/{other.scan_id}", "/admin/dispositions/", "/admin/audit/"):
        page.goto(path)
        assert other.number not in page.content() and "Bappeda" not in page.content(), path
    page = desk.open("/admin/reports/?report=step-durations&from=2025-01-01&to=2025-12-31")
    assert other.number not in page.content()
    desk.close()


@pytest.mark.parametrize("path", ["/auth/login", "/admin/", "/admin/letters/",
                                  "/admin/letters/details/?id={id}"])
def test_the_pages_people_open_on_a_phone_fit_its_width(chromium, live_server, office, path):
    from .browser import PHONE
    letter = _letter("000.8/12/Dinkes/2025")
    desk = Desk(chromium, live_server, viewport=PHONE)
    if path != "/auth/login":
        desk.login(office[Role.KADIS].username)
    page = desk.open(path.format(id=letter.id))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    desk.shot("phone-" + (path.strip("/").split("/?")[0].replace("/", "-") or "home"))
    desk.close()


#: The main pages, as each is seen by the role that works on it most.
MAIN_PAGES = {
    Role.CLERK: ["/admin/", "/admin/letters/", "/admin/letters/new/", "/admin/reports/"],
    Role.KADIS: ["/admin/", "/admin/dispositions/new/", "/admin/steps/"],
    Role.KASI: ["/admin/meetings/new/", "/admin/decisions/new/", "/admin/rka/new/"],
    Role.OPD: ["/admin/", "/admin/letters/"],
}


def test_the_main_pages_pass_an_accessibility_scan(chromium, live_server, office):
    letter = _letter("000.8/12/Dinkes/2025")
    found = {}
    for role, paths in MAIN_PAGES.items():
        desk = Desk(chromium, live_server)
        found["/auth/login"] = (desk.open("/auth/login"), desk.serious_violations())[1]
        desk.login(office[role].username)
        for path in [*paths, f"/admin/letters/details/?id={letter.id}",
                     f"/admin/letters/sheet/?id={letter.id}"]:
            desk.open(path)
            found[f"{role.value} {path}"] = desk.serious_violations()
        assert desk.errors == [], desk.errors
        desk.close()
    failing = {page: v for page, v in found.items() if v}
    assert failing == {}, "\n".join(f"{p}: {v}" for p, v in failing.items())


def test_the_date_pickers_speak_the_users_language(chromium, live_server, office):
    desk = Desk(chromium, live_server)
    desk.login(office[Role.CLERK].username)
    page = desk.open("/admin/letters/new/")
    page.locator("#received_at").click()
    picker = page.locator(".daterangepicker").first.inner_text()
    assert "Sen" in picker and "Des" in picker and "Terapkan" in picker
    assert picker.index("Sen") < picker.index("Min")  # the week starts on Monday
    desk.shot("clerk-date-picker")
    desk.close()


def test_the_disposition_sheet_of_a_demo_letter_prints_on_one_a5_page(chromium, live_server,
                                                                       app):
    import re
    from datetime import UTC

    from sqlalchemy import func, select

    from models import Disposition
    from models.demo import DEMO_PASSWORD, seed_demo
    from models.standards import load_sop_standards
    load_sop_standards(db.session, at=datetime.now(UTC))
    seed_demo(db.session, at=datetime.now(UTC))
    db.session.commit()
    busiest = db.session.execute(
        select(Disposition.letter_id, func.count()).group_by(Disposition.letter_id)
        .order_by(func.count().desc(), Disposition.letter_id)).first()
    desk = Desk(chromium, live_server)
    desk.login("kadis", DEMO_PASSWORD)
    page = desk.open(f"/admin/letters/sheet/?id={busiest[0]}")
    desk.shot("disposition-sheet")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    assert b"/MediaBox [0 0 419" in pdf or b"/MediaBox [0 0 420" in pdf  # A5: 148 mm wide
    desk.close()
