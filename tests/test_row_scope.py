"""An OPD user reaches no other agency's row, by any screen or URL."""

import pytest

from models import Application, AttachmentKind, Outcome, RequestLetter, Role, db
from models.attachments import Attachment

from .builders import NOW, make_agency, make_application, make_decision, make_letter, make_meeting

PDF = b"%PDF-1.4\n%test\n"


def _scanned_letter(agency, number):
    scan = Attachment.from_bytes(AttachmentKind.LETTER_SCAN, f"{number}.pdf", PDF, NOW)
    return make_letter(agency=agency, number=number, scan=scan,
                       subject=f"Perihal {number}")


@pytest.fixture
def two_agencies(app, login_as):
    mine, other = make_agency(name="Dinas Milik Sendiri"), make_agency(name="Dinas Tetangga")
    own = _scanned_letter(mine, "MINE/1")
    theirs = _scanned_letter(other, "THEIRS/1")
    make_meeting(letter=own, place="Ruang MINE")
    make_meeting(letter=theirs, place="Ruang THEIRS")
    make_decision(letter=own, outcome=Outcome.REJECTED, reason="Alasan MINE")
    make_decision(letter=theirs, outcome=Outcome.REJECTED, reason="Alasan THEIRS")
    make_application(agency=mine, name="SI MINE")
    make_application(agency=other, name="SI THEIRS")
    db.session.commit()
    login_as(Role.OPD, agency=mine)
    return mine, other, own, theirs


@pytest.mark.parametrize("endpoint", ["letters", "meetings", "decisions", "applications"])
def test_lists_and_exports_hold_only_own_rows(client, two_agencies, endpoint):
    for path in (f"/admin/{endpoint}/", f"/admin/{endpoint}/?search=THEIR"):
        page = client.get(path).get_data(as_text=True)
        assert "THEIRS" not in page
    listing = client.get(f"/admin/{endpoint}/").get_data(as_text=True)
    assert "MINE" in listing


def test_letter_export_holds_only_own_rows(client, two_agencies):
    client.get("/admin/letters/")  # Flask-Admin exports what the list shows
    csv = client.get("/admin/letters/export/csv/")
    assert csv.status_code in (200, 302)
    assert "THEIRS" not in csv.get_data(as_text=True)


@pytest.mark.parametrize("path", ["details/?id={id}", "edit/?id={id}"])
def test_guessed_id_of_another_agency_shows_nothing(client, two_agencies, path):
    theirs = two_agencies[3]
    response = client.get("/admin/letters/" + path.format(id=theirs.id), follow_redirects=True)
    assert "THEIRS" not in response.get_data(as_text=True)


def test_guessed_ids_that_are_not_numbers_are_refused_cleanly(client, two_agencies):
    for bad in ("abc", "1 OR 1=1", "-1", "99999999999999999999"):
        response = client.get(f"/admin/letters/details/?id={bad}")
        assert response.status_code == 302


def test_filter_by_another_agency_finds_nothing(client, two_agencies):
    page = client.get("/admin/letters/?search=Tetangga").get_data(as_text=True)
    assert "THEIRS" not in page


def test_new_letter_form_offers_only_own_agency_and_applications(client, two_agencies):
    form = client.get("/admin/letters/new/").get_data(as_text=True)
    assert "Dinas Milik Sendiri" in form or "Dinas " in form
    assert "Dinas Tetangga" not in form
    found = client.get("/admin/letters/ajax/lookup/?name=application&query=SI").get_json()
    assert [name for _, name in found] == ["SI MINE"]


def test_an_application_of_another_agency_cannot_be_named_by_its_id(client, two_agencies):
    mine, other, *_ = two_agencies
    theirs = db.session.query(Application).filter_by(name="SI THEIRS").one()
    response = client.post("/admin/letters/new/", {
        "number": "UP/1", "letter_date": "2025-02-27", "agency": mine.id,
        "subject": "Peningkatan", "request_kind": "upgrade", "application": theirs.id,
        "spbe_category": "general", "security_class": "biasa", "urgency": "biasa"})
    assert response.status_code == 200  # the form again, with the field's message
    db.session.commit()
    assert db.session.query(RequestLetter).filter_by(number="UP/1").count() == 0


def test_letter_for_another_agency_is_refused_and_nothing_saved(client, two_agencies):
    mine, other, *_ = two_agencies
    before = db.session.query(RequestLetter).count()
    response = client.post("/admin/letters/new/", {
        "number": "FORGED/1", "letter_date": "2025-02-27", "received_at": "2025-02-28 09:00:00",
        "agency": other.id, "subject": "Palsu", "request_kind": "new",
        "application_name": "X", "spbe_category": "general", "security_class": "biasa",
        "urgency": "biasa", "archive_code": "500.12"})
    assert response.status_code == 200
    db.session.commit()
    assert db.session.query(RequestLetter).count() == before


def test_attachment_of_another_agency_cannot_be_downloaded(client, two_agencies):
    own, theirs = two_agencies[2], two_agencies[3]
    assert client.get(f"/berkas/{own.scan_id}").status_code == 200
    assert client.get(f"/berkas/{theirs.scan_id}").status_code == 404


def test_home_page_counts_only_own_letters(client, two_agencies):
    page = client.get("/admin/").get_data(as_text=True)
    assert "THEIRS" not in page
    assert page.count('badge-pill">1<') == 1  # one letter (own), in one status


def test_internal_screens_are_closed_to_opd(client, two_agencies):
    for endpoint in ("dispositions", "rka", "users", "agencies", "standards", "faults"):
        assert client.get(f"/admin/{endpoint}/").status_code == 403
