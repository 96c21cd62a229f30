"""Bahasa Indonesia by default, English on request; WIB times, Indonesian dates, Rupiah."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from flask_babel import force_locale

from admin_views.formatting import local_date, local_datetime, rupiah
from models import Language, Role

from .builders import make_letter

CATALOGS = Path(__file__).resolve().parent.parent / "translations" / "id" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["messages", "admin", "wtforms"])
def test_every_message_has_an_indonesian_translation(domain):
    with open(CATALOGS / f"{domain}.po", "rb") as po:
        catalog = read_po(po)
    missing = [m.id for m in catalog if m.id and not all(
        m.string if isinstance(m.string, tuple) else [m.string])]
    assert missing == [] and not [m.id for m in catalog if m.fuzzy and m.id]


def test_the_catalog_holds_every_message_in_the_code():
    """Extracted afresh from the sources, so a string added without a translation fails."""
    root = CATALOGS.parent.parent.parent
    method_map = [("**.py", "python"), ("**.html", "jinja2")]
    in_code = set()
    for folder in ("models", "admin_views", "reports", "templates"):
        for _, _, message, _, _ in extract_from_dir(root / folder, method_map,
                                                    keywords={**DEFAULT_KEYWORDS, "_l": None}):
            in_code.add(message[0] if isinstance(message, tuple) else message)
    for _, message, _, _ in extract_from_file("python", root / "commands.py",
                                              keywords={**DEFAULT_KEYWORDS, "_l": None}):
        in_code.add(message[0] if isinstance(message, tuple) else message)
    with open(CATALOGS / "messages.po", "rb") as po:
        translated = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(po)
                      if m.string}
    assert in_code - translated == set()


def test_the_login_page_speaks_indonesian(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Masuk" in page and "Nama pengguna" in page and "Kata sandi" in page


def test_a_failed_login_is_explained_without_telling_whether_the_user_exists(client, login_as):
    user = login_as(Role.CLERK)
    client.post("/auth/logout")
    client.logged_in = False
    wrong_password = client.login(user.username, "salah-sekali")
    unknown_user = client.login("tidak.ada", "salah-sekali")
    assert wrong_password.status_code == unknown_user.status_code == 200
    message = "Nama pengguna atau kata sandi salah."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_user.get_data(as_text=True)


def test_screens_and_messages_are_in_indonesian(client, login_as):
    login_as(Role.CLERK)
    listing = client.get("/admin/letters/").get_data(as_text=True)
    for word in ("Surat Permohonan", "No. Agenda", "Perihal", "Tambah", "Ekspor", "Keluar"):
        assert word in listing
    form = client.post("/admin/letters/new/", {"subject": ""}).get_data(as_text=True)
    assert "Kolom ini wajib diisi." in form


def test_english_can_be_chosen_and_is_kept_for_the_user(app, client, login_as):
    user = login_as(Role.CLERK)
    client.post("/auth/language", {"language": "en", "next": "/admin/letters/"})
    page = client.get("/admin/letters/").get_data(as_text=True)
    assert "Request letters" in page and "Log out" in page
    from models import db
    db.session.commit()  # end the test's own transaction to see the request's write
    assert user.language is Language.EN


def test_times_are_shown_in_pontianak_time_with_indonesian_month_names(client, login_as):
    letter = make_letter(received_at=datetime(2025, 2, 28, 7, 5, tzinfo=UTC))
    from models import db
    db.session.commit()
    login_as(Role.CLERK)
    page = client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert "28 Februari 2025 14:05 WIB" in page


def test_formatting_helpers(app):
    with app.test_request_context(), force_locale("id"):
        assert local_datetime(datetime(2020, 2, 3, 7, 5, tzinfo=UTC)) == \
            "3 Februari 2020 14:05 WIB"
        assert local_date(datetime(2020, 8, 13).date()) == "13 Agustus 2020"
        assert rupiah(Decimal("150000000")) == "Rp 150.000.000"
        assert rupiah(Decimal("1500000.50")) == "Rp 1.500.000,50"
