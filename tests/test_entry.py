"""Typing the Indonesian way: dates as dd/mm/yyyy, a letter date checked against its reception,
Rupiah as 185.000.000,50; nothing typed is reinterpreted silently."""

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from admin_views.entry import parse_day, parse_moment, parse_rupiah, show_rupiah
from models import Language, RequestLetter, RkaItem, Role, db

from .builders import make_agency
from .world import build_world


@pytest.fixture
def clerk(login_as):
    agency = make_agency(name="Dinas Kesehatan", short_name="Dinkes")
    login_as(Role.CLERK)
    return agency


def post_letter(client, agency, **changes):
    data = dict(number="000.8/77/Dinkes/2026", letter_date="01/12/2026",
                received_at="02/12/2026 09:00", agency=agency.id, subject="Permohonan aplikasi",
                request_kind="new", application_name="Aplikasi Antrean",
                spbe_category="specific", security_class="biasa", urgency="biasa",
                archive_code="500.12")
    data.update(changes)
    return client.post("/admin/letters/new/", data)


def saved(number="000.8/77/Dinkes/2026"):
    db.session.commit()
    return db.session.query(RequestLetter).filter_by(number=number).one_or_none()


def test_a_letter_date_typed_day_first_is_that_day(client, clerk):
    """The issue's case: 01/12/2026 typed into Tgl. Surat is 1 December 2026."""
    response = post_letter(client, clerk)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    letter = saved()
    assert letter.letter_date == date(2026, 12, 1)
    assert letter.received_at.hour == 2  # 09:00 WIB typed day first, 02:00 UTC stored


@pytest.mark.parametrize("typed,day", [
    ("1/12/2026", date(2026, 12, 1)), ("01-12-2026", date(2026, 12, 1)),
    ("2026-12-01", date(2026, 12, 1)), (" 30/11/2026 ", date(2026, 11, 30)),
])
def test_the_office_forms_of_a_date_are_read(typed, day):
    assert parse_day(typed) == day


@pytest.mark.parametrize("typed", ["01/12/26", "12/31/2026", "2026/12/01", "1 Desember 2026",
                                   "01.12.2026", "31/02/2026", "", "01/12/2026 09:00"])
def test_a_date_in_any_other_form_is_refused_not_guessed(typed):
    with pytest.raises(ValueError):
        parse_day(typed)


def test_a_moment_is_typed_day_first_with_or_without_seconds():
    assert parse_moment("02/12/2026 09:05").isoformat() == "2026-12-02T09:05:00"
    assert parse_moment("2026-12-02 09:05:30").isoformat() == "2026-12-02T09:05:30"
    with pytest.raises(ValueError):
        parse_moment("02/12/2026")


@pytest.mark.parametrize("typed", ["01/12/26", "12/31/2026", "2026/12/01"])
def test_a_letter_date_that_cannot_be_read_one_way_is_refused_with_the_format(
        client, clerk, typed):
    page = post_letter(client, clerk, letter_date=typed).get_data(as_text=True)
    assert "Ketik tanggal sebagai hh/bb/tttt, misalnya 01/12/2026." in page
    assert saved() is None


def test_the_form_shows_the_format_and_its_saved_dates_day_first(client, clerk):
    page = client.get("/admin/letters/new/").get_data(as_text=True)
    assert 'placeholder="hh/bb/tttt"' in page and 'data-date-format="DD/MM/YYYY"' in page
    assert 'placeholder="hh/bb/tttt jj:mm"' in page
    assert 'data-date-format="DD/MM/YYYY HH:mm"' in page
    post_letter(client, clerk)
    edit = client.get(f"/admin/letters/edit/?id={saved().id}").get_data(as_text=True)
    assert 'value="01/12/2026"' in edit and 'value="02/12/2026 09:00"' in edit


def test_a_letter_dated_after_its_reception_is_refused_on_the_date_field(client, clerk):
    page = post_letter(client, clerk, letter_date="03/12/2026").get_data(as_text=True)
    assert ("Surat bertanggal 3 Desember 2026, sesudah hari diterimanya (2 Desember 2026)"
            in page)
    assert saved() is None


def test_a_letter_dated_years_before_its_reception_is_saved_only_once_confirmed(client, clerk):
    """What the old picker made of 01/12/2026: 20 December 2001, saved without a word."""
    page = post_letter(client, clerk, letter_date="20/12/2001").get_data(as_text=True)
    assert "lebih dari setahun sebelum diterima (2 Desember 2026)" in page
    assert 'name="letter_date_confirmed"' in page and "Ya, tanggal surat ini benar" in page
    assert saved() is None
    assert post_letter(client, clerk, letter_date="20/12/2001",
                       letter_date_confirmed="y").status_code == 302
    assert saved().letter_date == date(2001, 12, 20)


def test_the_confirmation_box_is_not_offered_before_it_is_needed(client, clerk):
    assert "letter_date_confirmed" not in client.get("/admin/letters/new/").get_data(
        as_text=True)
    page = post_letter(client, clerk, subject="").get_data(as_text=True)  # another mistake
    assert "letter_date_confirmed" not in page


def test_a_letter_a_little_under_a_year_old_needs_no_confirmation(client, clerk):
    assert post_letter(client, clerk, letter_date="03/12/2025").status_code == 302


def test_an_opd_submission_is_checked_against_today(client, login_as):
    dinkes = make_agency(short_name="Dinkes")
    login_as(Role.OPD, agency=dinkes)
    data = dict(number="000.8/9/Dinkes/2026", letter_date="01/01/2001", agency=dinkes.id,
                subject="Permohonan", request_kind="new", application_name="Aplikasi",
                spbe_category="general", security_class="biasa", urgency="biasa")
    page = client.post("/admin/letters/new/", data).get_data(as_text=True)
    assert "lebih dari setahun sebelum diterima" in page
    assert saved("000.8/9/Dinkes/2026") is None


def test_list_filters_read_dates_day_first(client, clerk, app):
    post_letter(client, clerk)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "letters")
    args = {str(f.operation()): f"flt0_{i}" for i, f in enumerate(view._filters)
            if f.column.key == "letter_date"}
    day, between = args["sama dengan"], args["antara"]
    found = client.get(f"/admin/letters/?{day}=01/12/2026").get_data(as_text=True)
    assert "000.8/77/Dinkes/2026" in found
    ranged = client.get(f"/admin/letters/?{between}=01/11/2026 s.d. 30/11/2026")
    assert "000.8/77/Dinkes/2026" not in ranged.get_data(as_text=True)
    assert "000.8/77/Dinkes/2026" in client.get(
        f"/admin/letters/?{between}=01/11/2026 to 01/12/2026").get_data(as_text=True)


@pytest.mark.parametrize("typed,amount", [
    ("185.000.000", Decimal("185000000")), ("185.000.000,50", Decimal("185000000.50")),
    ("Rp 185.000.000", Decimal("185000000")), ("Rp185.000.000,5", Decimal("185000000.5")),
    ("185000000", Decimal("185000000")), ("1.500", Decimal("1500")),
])
def test_rupiah_is_read_as_indonesians_write_it(app, typed, amount):
    with force_locale("id"):
        assert parse_rupiah(typed) == amount


@pytest.mark.parametrize("typed", ["185.000.00", "1500000.50", "185,000,000", "18.50.000",
                                   "185 000 000", "Rp", "seratus"])
def test_rupiah_that_could_be_read_two_ways_is_refused(app, typed):
    with force_locale("id"), pytest.raises(ValueError):
        parse_rupiah(typed)


def test_english_users_write_rupiah_their_own_way(app):
    with force_locale("en"):
        assert parse_rupiah("185,000,000.50") == Decimal("185000000.50")
        assert show_rupiah(Decimal("185000000.50")) == "185,000,000.50"
        with pytest.raises(ValueError):
            parse_rupiah("185.000.000")


def test_an_rka_price_typed_with_thousands_dots_is_saved_exactly(client, login_as):
    world = build_world()
    login_as(Role.KASI)
    data = world.form("rka_item")
    data.update(volume="2", unit_price="185.000.000,50", description="Harga bertitik")
    assert client.post("/admin/rka/new/", data).status_code == 302
    db.session.commit()
    item = db.session.query(RkaItem).filter_by(description="Harga bertitik").one()
    assert item.unit_price == Decimal("185000000.50") and item.total == Decimal("370000001.00")
    edit = client.get(f"/admin/rka/edit/?id={item.id}").get_data(as_text=True)
    assert 'value="185.000.000,50"' in edit and 'inputmode="decimal"' in edit


def test_a_price_typed_with_a_decimal_point_is_refused_with_an_example(client, login_as):
    world = build_world()
    login_as(Role.KASI)
    data = world.form("rka_item")
    data.update(unit_price="185.000.00", description="Harga salah")
    page = client.post("/admin/rka/new/", data).get_data(as_text=True)
    assert "Ketik jumlahnya seperti 185.000.000 (atau 185.000.000,50 bila ada sen)." in page
    db.session.commit()
    assert db.session.query(RkaItem).filter_by(description="Harga salah").count() == 0


def test_an_english_user_sees_the_format_in_english(client, login_as):
    user = login_as(Role.CLERK)
    user.language = Language.EN
    db.session.commit()
    page = client.get("/admin/letters/new/").get_data(as_text=True)
    assert 'placeholder="dd/mm/yyyy"' in page
