"""Bad input on the generated screens: a clear Indonesian message, the form kept, nothing saved."""

import gc
import io
import warnings

import pytest

from models import Agency, Decision, RequestLetter, RkaItem, Role, User, db
from models.db import MAX_RUPIAH

from .builders import make_agency, make_decision, make_letter
from .world import build_world


@pytest.fixture
def clerk_world(login_as):
    world = build_world(make_agency(name="Dinas Kesehatan"))
    login_as(Role.CLERK)
    return world


def _letters():
    db.session.commit()
    return db.session.query(RequestLetter).count()


def _post_letter(client, world, **changes):
    data = world.form("letter")
    data.update(changes)
    return client.post("/admin/letters/new/", data)


def test_a_clerk_registers_a_letter_and_it_gets_the_next_agenda_number(client, clerk_world):
    last = max(n for (n,) in db.session.query(RequestLetter.agenda_number))
    response = _post_letter(client, clerk_world)
    assert response.status_code == 302
    db.session.commit()
    letter = db.session.query(RequestLetter).filter_by(number="000.8/N/2025").one()
    assert letter.agenda_year == 2025 and letter.agenda_number == last + 1
    assert letter.received_at.hour == 2  # 09:00 WIB typed, 02:00 UTC stored


def test_a_duplicate_letter_number_from_the_same_agency_is_refused(client, clerk_world):
    before = _letters()
    page = _post_letter(client, clerk_world, number=clerk_world.letter.number)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "sudah terdaftar" in text
    assert clerk_world.letter.number in text  # the form keeps what was typed
    assert _letters() == before


def test_the_same_number_from_another_agency_is_fine(client, clerk_world):
    other = make_agency()
    db.session.commit()
    assert _post_letter(client, clerk_world, number=clerk_world.letter.number,
                        agency=other.id).status_code == 302


@pytest.mark.parametrize("field,value,message", [
    ("subject", "", "Kolom ini wajib diisi."),
    ("subject", "x" * 300, "255"),
    ("letter_date", "31-31-2025", "tanggal"),
    ("received_at", "kemarin", "tanggal"),
    ("received_at", "0001-01-01 00:00:00", "1945"),
    ("request_kind", "hapus", "tidak valid"),
    ("agency", "999999", "wajib diisi"),
    ("agency", "__None", "wajib diisi"),
])
def test_invalid_letter_fields_are_explained(client, clerk_world, field, value, message):
    before = _letters()
    page = _post_letter(client, clerk_world, **{field: value})
    assert page.status_code == 200
    assert message.lower() in page.get_data(as_text=True).lower()
    assert _letters() == before


def test_an_upgrade_request_must_name_the_application(client, clerk_world):
    before = _letters()
    page = _post_letter(client, clerk_world, request_kind="upgrade", application_name="")
    assert page.status_code == 200
    assert "aplikasi" in page.get_data(as_text=True)
    assert _letters() == before


@pytest.mark.parametrize("field,value,message", [
    ("unit_price", "seratus", "185.000.000"),
    ("unit_price", "1500000.50", "185.000.000,50"),  # not how Indonesian writes sen
    ("unit_price", "-5", "0"),
    ("volume", "0", "0.01"),
    ("unit_price", "1e30", "9999"),
    ("unit_price", "10.000.000.000.000.000", "9999999999999999.99"),
    ("volume", "10000000000", "9999999999.99"),
    ("nomenclature_code", "program satu", "2.16.03"),
])
def test_invalid_amounts_and_codes_are_refused(client, login_as, field, value, message):
    world = build_world()
    login_as(Role.KASI)
    data = world.form("rka_item")
    data[field] = value
    before = db.session.query(RkaItem).count()
    page = client.post("/admin/rka/new/", data)
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    db.session.commit()
    assert db.session.query(RkaItem).count() == before


def test_the_largest_unit_price_the_form_takes_comes_back_exactly(client, login_as):
    world = build_world()
    login_as(Role.KASI)
    data = world.form("rka_item")
    data.update(volume="1", unit_price="9.999.999.999.999.999,99")
    assert client.post("/admin/rka/new/", data).status_code == 302
    db.session.remove()  # read back from the database, not from the session
    item = db.session.query(RkaItem).filter_by(unit_price=MAX_RUPIAH).one()
    assert str(item.unit_price) == str(item.total) == "9999999999999999.99"
    page = client.get(f"/admin/rka/edit/?id={item.id}").get_data(as_text=True)
    assert 'value="9.999.999.999.999.999,99"' in page  # as it is typed


def test_rka_items_cannot_hang_from_a_rejected_decision(client, login_as):
    world = build_world()
    rejected = world.rows["decision"]
    login_as(Role.KASI)
    data = world.form("rka_item")
    data["decision"] = rejected.id
    before = db.session.query(RkaItem).count()
    page = client.post("/admin/rka/new/", data)
    assert page.status_code == 200
    assert "Pilihan tidak valid" in page.get_data(as_text=True)  # not among the choices
    db.session.commit()
    assert db.session.query(RkaItem).count() == before


@pytest.mark.parametrize("nip,saved", [
    ("19610329 198903 1 004", True),
    ("19610329198903100", False),
    ("196102301989031004", False),
    ("196103291989031000", False),
])
def test_user_nips_are_checked_on_the_form(client, login_as, nip, saved):
    world = build_world()
    login_as(Role.SYSADMIN)
    data = world.form("user")
    data["nip"] = nip
    page = client.post("/admin/users/new/", data)
    db.session.commit()
    user = db.session.query(User).filter_by(username="pengguna.baru").one_or_none()
    if saved:
        assert page.status_code == 302 and user.nip == "196103291989031004"
    else:
        assert page.status_code == 200 and user is None
        assert "NIP" in page.get_data(as_text=True)


def test_a_new_user_needs_a_password_that_meets_the_policy(client, login_as):
    world = build_world()
    login_as(Role.SYSADMIN)
    for password in ("", "pendek-1", "hanyahurufsaja", "1234567890123", "pengguna.baru-99",
                     "rahasia123"):
        data = world.form("user")
        data["new_password"] = password
        assert client.post("/admin/users/new/", data).status_code == 200
    db.session.commit()
    assert db.session.query(User).filter_by(username="pengguna.baru").count() == 0


def test_a_decision_cannot_be_recorded_twice_for_a_letter(client, login_as):
    world = build_world()
    login_as(Role.KASI)
    data = world.form("decision")
    data["letter"] = world.decision.letter.id
    before = db.session.query(Decision).count()
    page = client.post("/admin/decisions/new/", data)
    assert page.status_code == 200
    assert "tidak dapat" in page.get_data(as_text=True)
    db.session.commit()
    assert db.session.query(Decision).count() == before


def test_a_duplicate_agency_code_is_explained_and_nothing_saved(client, login_as):
    world = build_world()
    login_as(Role.SYSADMIN)
    data = world.form("agency")
    data["code"] = world.agency.code  # unique in the database
    before = db.session.query(Agency).count()
    page = client.post("/admin/agencies/new/", data)
    assert page.status_code == 200
    assert "Sudah ada." in page.get_data(as_text=True)
    db.session.commit()
    assert db.session.query(Agency).count() == before


def test_archived_letters_leave_the_list_but_stay_in_the_database(client, login_as):
    letter = make_letter(subject="Arsipkan saya")
    make_decision()
    db.session.commit()
    login_as(Role.CLERK)
    assert client.post("/admin/letters/delete/", {"id": letter.id}).status_code == 302
    assert "Arsipkan saya" not in client.get("/admin/letters/").get_data(as_text=True)
    db.session.commit()
    assert db.session.get(RequestLetter, letter.id).archived_at is not None


def _upload(client, world, content, name):
    data = world.form("letter")
    data["scan_file"] = (io.BytesIO(content), name)
    return client.post("/admin/letters/new/", data, content_type="multipart/form-data")


def test_a_scanned_letter_is_stored_and_served_back(client, clerk_world):
    content = b"%PDF-1.4\nisi surat\n"
    assert _upload(client, clerk_world, content, "../../surat.pdf").status_code == 302
    db.session.commit()
    letter = db.session.query(RequestLetter).filter_by(number="000.8/N/2025").one()
    assert letter.scan.filename == "surat.pdf" and letter.scan.content_type == "application/pdf"
    download = client.get(f"/berkas/{letter.scan_id}")
    assert download.status_code == 200 and download.data == content
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_a_scan_is_refused_whatever_its_name(client, clerk_world):
    before = _letters()
    page = _upload(client, clerk_world, b"MZ\x90\x00program", "surat.pdf")
    assert page.status_code == 200
    assert "PDF, JPEG, atau PNG" in page.get_data(as_text=True)
    assert _letters() == before


def _big_upload(client, world, megabytes):
    """(status, page): the test client spools a large request body to a temporary file it
    never closes, so the response (which holds it) is dropped here, warnings off."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        response = _upload(client, world, b"%PDF-1.4\n" + b"0" * (megabytes * 2**20), "a.pdf")
        result = response.status_code, response.get_data(as_text=True)
        del response
        gc.collect()
    return result


def test_a_scan_over_the_limit_is_refused_with_a_message(client, clerk_world):
    before = _letters()
    status, page = _big_upload(client, clerk_world, 9)
    assert status == 200 and "Ukuran berkas melebihi 8 MB" in page
    status, page = _big_upload(client, clerk_world, 11)
    assert status == 413 and "Berkas terlalu besar" in page
    assert _letters() == before


def test_two_scans_with_the_same_name_are_both_kept(client, clerk_world):
    first, second = b"%PDF-1.4\nsatu\n", b"%PDF-1.4\ndua\n"
    assert _upload(client, clerk_world, first, "scan.pdf").status_code == 302
    data = dict(clerk_world.form("letter"), number="000.8/N2/2025")
    data["scan_file"] = (io.BytesIO(second), "scan.pdf")
    assert client.post("/admin/letters/new/", data,
                       content_type="multipart/form-data").status_code == 302
    db.session.commit()
    scans = [letter.scan_id for letter in db.session.query(RequestLetter).filter(
        RequestLetter.number.in_(["000.8/N/2025", "000.8/N2/2025"]))]
    assert [client.get(f"/berkas/{i}").data for i in scans] == [first, second]


def test_an_archived_letter_keeps_its_scan_and_gets_it_back_when_restored(client, login_as):
    world = build_world()
    letter = world.letter
    login_as(Role.CLERK)
    assert client.post("/admin/letters/delete/", {"id": letter.id}).status_code == 302
    assert client.get(f"/berkas/{letter.scan_id}").status_code == 404  # hidden with it
    client.logout()
    login_as(Role.SYSADMIN)
    assert letter.number in client.get("/admin/archive/").get_data(as_text=True)
    restored = client.post("/admin/archive/restore", {"resource": "letter", "id": letter.id},
                           follow_redirects=True)
    assert "Dipulihkan" in restored.get_data(as_text=True)
    assert client.get(f"/berkas/{letter.scan_id}").data.startswith(b"%PDF")


def test_a_sysadmin_cannot_deactivate_their_own_account(client, login_as):
    world = build_world()
    me = login_as(Role.SYSADMIN)
    data = dict(world.form("user"), username=me.username, full_name=me.full_name,
                role="sysadmin", agency=me.agency_id, active="", edit_version=me.version)
    data.pop("new_password")
    page = client.post(f"/admin/users/edit/?id={me.id}", data)
    assert page.status_code == 200
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri" in page.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(User, me.id).active
