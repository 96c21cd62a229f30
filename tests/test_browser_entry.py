"""Typing dates and amounts the Indonesian way in Chromium: what is typed is what is saved, and
every picker and dropdown speaks the user's language."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from models import AgencyKind, Language, RequestLetter, RkaItem, Role, db
from models.timezone import OFFICE_TZ

from .browser import Desk
from .builders import PDF, make_agency, make_decision, make_user, staff


@pytest.fixture
def people(app):
    diskominfo = make_agency(code="DISKOMINFO", name="Dinas Komunikasi dan Informatika",
                             short_name="Diskominfo")
    make_agency(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes",
                         kind=AgencyKind.DINAS)
    people = {role: staff(role) for role in (Role.CLERK, Role.KADIS, Role.KABID, Role.KASI)}
    for user in people.values():
        user.agency = diskominfo
    people["english"] = make_user(Role.CLERK, agency=diskominfo, username="clerk.en",
                                  language=Language.EN)
    db.session.commit()
    return people


def wall_clock(**delta) -> datetime:
    """The office's wall clock now: the browser walks happen in real time."""
    return datetime.now(OFFICE_TZ) + timedelta(**delta)


def type_into(desk, field, text):
    """Type as a person does, key by key, with the picker open; then click away from it."""
    box = desk.page.locator(f"#{field}")
    box.click()
    box.press("Control+a")
    box.press("Delete")
    box.press_sequentially(text, delay=20)
    desk.page.mouse.click(desk.page.viewport_size["width"] - 3, 3)


def saved(number):
    db.session.commit()
    return db.session.query(RequestLetter).filter_by(number=number).one_or_none()


def register(desk, number, letter_date, received):
    page = desk.open("/admin/letters/new/")
    desk.fill("number", number)
    type_into(desk, "letter_date", letter_date)
    type_into(desk, "received_at", received)
    desk.choose("agency", "Dinkes")
    desk.fill("subject", "Permohonan aplikasi antrean")
    desk.choose("request_kind", "Pembuatan")
    desk.fill("application_name", "Aplikasi Antrean")
    desk.choose("spbe_category", "Khusus")
    chooser = page.locator("#scan_file")  # named by its one label, the form's
    expect(chooser).to_have_accessible_name(
        re.compile(r"^Pindaian surat \(PDF, JPEG, atau PNG\)\W*$"))
    chooser.set_input_files(files=[{"name": "surat.pdf", "mimeType": "application/pdf",
                                    "buffer": PDF}])
    assert page.locator("#scan_file + .custom-file-label").inner_text() == "surat.pdf"
    return page


def test_a_date_typed_day_first_is_saved_as_typed(chromium, live_server, people):
    """The issue's case: 01/12/2026 typed into Tgl. Surat became 2001-12-20 and was saved."""
    received = max(wall_clock(hours=-1), datetime(2026, 12, 2, 9, tzinfo=OFFICE_TZ))
    if received > wall_clock():
        pytest.skip("the machine's clock is before December 2026")
    desk = Desk(chromium, live_server, viewport={"width": 1366, "height": 900})
    desk.login(people[Role.CLERK].username)
    page = register(desk, "000.8/1/Dinkes/2026", "01/12/2026", received.strftime(
        "%d/%m/%Y %H:%M"))
    assert page.locator("#letter_date").input_value() == "01/12/2026"
    assert page.locator("#letter_date").get_attribute("placeholder") == "hh/bb/tttt"
    desk.shot("entry-letter-date-typed")
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()
    assert saved("000.8/1/Dinkes/2026").letter_date == date(2026, 12, 1)
    assert desk.errors == [], desk.errors
    desk.close()


def test_text_the_picker_cannot_read_is_left_for_the_form_to_explain(chromium, live_server,
                                                                      people):
    desk = Desk(chromium, live_server)
    desk.login(people[Role.CLERK].username)
    page = register(desk, "000.8/2/Dinkes/2026", "01/12/26",
                    wall_clock(hours=-1).strftime("%d/%m/%Y %H:%M"))
    assert page.locator("#letter_date").input_value() == "01/12/26"  # not rewritten
    desk.save()
    assert "Ketik tanggal sebagai hh/bb/tttt, misalnya 01/12/2026." in desk.flashed()
    assert page.locator("#letter_date").input_value() == "01/12/26"
    assert saved("000.8/2/Dinkes/2026") is None
    desk.close()


def test_a_letter_years_older_than_its_reception_asks_for_confirmation(chromium, live_server,
                                                                        people):
    desk = Desk(chromium, live_server, viewport={"width": 1366, "height": 900})
    desk.login(people[Role.CLERK].username)
    received = wall_clock(hours=-1)
    register(desk, "000.8/3/Dinkes/2026", "20/12/2001", received.strftime("%d/%m/%Y %H:%M"))
    desk.save()
    assert "lebih dari setahun sebelum diterima" in desk.flashed()
    desk.shot("entry-letter-date-confirm")
    assert saved("000.8/3/Dinkes/2026") is None
    page = desk.page
    page.get_by_label("Ya, tanggal surat ini benar").check()
    page.set_input_files("#scan_file", files=[{"name": "surat.pdf",
                                               "mimeType": "application/pdf", "buffer": PDF}])
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()
    assert saved("000.8/3/Dinkes/2026").letter_date == date(2001, 12, 20)
    desk.close()


def test_a_picked_date_is_written_day_first(chromium, live_server, people):
    desk = Desk(chromium, live_server)
    desk.login(people[Role.CLERK].username)
    page = desk.open("/admin/letters/new/")
    page.locator("#letter_date").click()
    page.locator(".daterangepicker td.available:not(.off)", has_text="15").first.click()
    today = wall_clock()
    assert page.locator("#letter_date").input_value() == today.replace(day=15).strftime(
        "%d/%m/%Y")
    desk.close()


def test_rupiah_typed_with_thousands_dots_is_saved(chromium, live_server, people):
    decision = make_decision()
    db.session.commit()
    desk = Desk(chromium, live_server)
    desk.login(people[Role.KASI].username)
    page = desk.open("/admin/rka/new/")
    desk.search("decision", decision.letter.number)
    desk.fill("nomenclature_code", "2.16.03.1.02.0005")
    desk.fill("description", "Pembangunan aplikasi")
    desk.fill("volume", "1")
    desk.fill("unit", "Paket")
    assert page.locator("#unit_price").get_attribute("placeholder") == "185.000.000"
    desk.fill("unit_price", "185.000.000,50")
    desk.save()
    assert "berhasil" in desk.flashed().lower(), desk.flashed()
    db.session.commit()
    item = db.session.query(RkaItem).filter_by(description="Pembangunan aplikasi").one()
    assert item.unit_price == Decimal("185000000.50")
    desk.close()


def _picker_days(page, field):
    page.locator(field).click()
    picker = page.locator(".daterangepicker:visible")
    return picker.locator("thead tr").nth(1).inner_text().split(), picker.inner_text()


def test_pickers_dropdowns_and_filters_speak_indonesian(chromium, live_server, people):
    desk = Desk(chromium, live_server, viewport={"width": 1366, "height": 900})
    desk.login(people[Role.KADIS].username)
    page = desk.open("/admin/dispositions/new/")
    page.locator("#s2id_letter .select2-choice").click()
    assert page.locator("#select2-drop").inner_text().strip().endswith("Ketik 1 karakter lagi")
    page.locator("#select2-drop input.select2-input").press_sequentially("tidak-ada-xyz")
    page.locator("#select2-drop .select2-no-results").wait_for()
    assert "Tidak ada yang cocok" in page.locator("#select2-drop").inner_text()
    page.keyboard.press("Escape")
    days, text = _picker_days(page, "#disposed_at")
    assert days == ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]
    assert "Terapkan" in text and "Batal" in text and "Des" in text
    desk.shot("entry-picker-id")

    page = desk.open("/admin/dispositions/")
    page.get_by_text("Tambah Filter").click()
    page.locator("a.filter", has_text="Didisposisikan").first.click()
    days, text = _picker_days(page, "input.filter-val")
    assert days[0] == "Sen" and "Su" not in days and "Terapkan" in text
    assert page.locator("input.filter-val").get_attribute("placeholder") == (
        "hh/bb/tttt jj:mm s.d. hh/bb/tttt jj:mm")  # "between" comes first
    desk.shot("entry-filter-picker-id")
    assert desk.errors == [], desk.errors
    desk.close()


def test_an_english_user_gets_english_pickers_and_dropdowns(chromium, live_server, people):
    desk = Desk(chromium, live_server)
    desk.page.goto("/auth/login")
    desk.page.locator("#username").fill("clerk.en")
    desk.page.locator("#password").fill("rahasia-123")
    desk.page.locator("button[type=submit]").last.click()
    desk.page.wait_for_url("**/admin/")
    page = desk.open("/admin/letters/new/")
    days, text = _picker_days(page, "#letter_date")
    assert days == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"] and "Dec" in text
    assert page.locator("#letter_date").get_attribute("placeholder") == "dd/mm/yyyy"
    page.keyboard.press("Escape")
    page.locator("#s2id_application .select2-choice").click()
    assert "Type 1 more character" in page.locator("#select2-drop").inner_text()
    desk.close()
