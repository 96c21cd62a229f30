"""Official documents written from the records, read back as their readers would: the PDF's
text (pdftotext), the DOCX (python-docx), the QR code (zbarimg) and the public verification
page it links to."""

import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import docx
import pytest
from sqlalchemy import select
from weasyprint import HTML

from models import (
    ActingAssignment,
    ActingKind,
    AttachmentKind,
    Disposition,
    DocumentKind,
    IssuedDocument,
    LetterStatus,
    NoticeKind,
    Outcome,
    Role,
    db,
)

from .builders import (
    _save,
    make_agency,
    make_decision,
    make_letter,
    make_meeting,
    make_user,
    staff,
    walk,
)
from .test_notifications import notices, outbox

BASE = "https://sop.pontianak.go.id"
KADIS_NIP = "197505152000031002"
KABID_NIP = "198001012005012003"


@pytest.fixture(autouse=True)
def office(app, monkeypatch):
    """The office's settings and its signing officials, with their NIPs."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    monkeypatch.setitem(app.config, "OFFICE_ADDRESS", "Jl. Rahadi Usman No. 3 Pontianak 78111")
    kadis, kabid = staff(Role.KADIS), staff(Role.KABID)
    kadis.full_name, kadis.nip, kadis.position = ("Dr. Hendra Saputra", KADIS_NIP,
                                                  "Kepala Dinas Komunikasi dan Informatika")
    kadis.rank = "Pembina Utama Muda (IV/c)"  # printed under the name
    kabid.full_name, kabid.nip, kabid.position = "Rina Kartika", KABID_NIP, "Kabid TKPBET"
    _save(kadis)
    _save(kabid)
    db.session.commit()


@pytest.fixture
def dinkes(app):
    return make_agency(name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def meeting(dinkes):
    letter = make_letter(agency=dinkes, number="000.8/77/DINKES/2025",
                         subject="Permohonan Aplikasi Posyandu")
    meeting = make_meeting(letter=letter, invitation_number="005/112/Diskominfo-B/2025",
                           invitation_date=date(2025, 2, 28), place="Ruang Rapat Pontive Center",
                           agencies=[dinkes], staff=[staff(Role.KASI)])
    db.session.commit()
    return meeting


@pytest.fixture
def rejected(dinkes):
    letter = make_letter(agency=dinkes, number="000.8/78/DINKES/2025",
                         subject="Permohonan Aplikasi Antrean")
    decision = make_decision(letter=letter, outcome=Outcome.REJECTED,
                             reason="Aplikasi SIMPUS milik Pemerintah Kota sudah memuat antrean.",
                             reply_number="000.8/321/Diskominfo/2025")
    db.session.commit()
    return decision


def _write(client, resource, record, kind, file_format="pdf"):
    return client.post(f"/admin/{resource}/document/",
                       {"id": record.id, "kind": kind.value, "format": file_format})


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it, with its lines' spacing evened out."""
    text = subprocess.run(["pdftotext", "-", "-"], input=data, check=True,
                          capture_output=True).stdout.decode()
    return re.sub(r"\s+", " ", text)


def read_qr(pdf: bytes) -> list[str]:
    """What the QR codes on the PDF's first page say, as a phone's scanner reads them."""
    page = subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-"],
                          input=pdf, check=True, capture_output=True).stdout
    found = subprocess.run(["zbarimg", "-q", "--raw", "-"], input=page, capture_output=True)
    return found.stdout.decode().split()


def docx_text(data: bytes) -> str:
    document = docx.Document(BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def issued(kind) -> list[IssuedDocument]:
    db.session.commit()  # a fresh read: what the requests saved since
    return db.session.query(IssuedDocument).filter_by(kind=kind).order_by(
        IssuedDocument.id).all()


def test_the_invitation_pdf_carries_the_meeting_and_its_qr_opens_its_verification_page(
        client, login_as, meeting):
    login_as(Role.KASI)
    response = _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for value in ("PEMERINTAH KOTA PONTIANAK", "Jl. Rahadi Usman No. 3", "Nomor",
                  "005/112/Diskominfo-B/2025", "Pontianak, 28 Februari 2025", "Sifat", "Biasa",
                  "Lampiran", "Undangan Rapat Teknis", "Kepala Dinas Kesehatan",
                  "000.8/77/DINKES/2025", "27 Februari 2025", "Permohonan Aplikasi Posyandu",
                  "Sabtu, 1 Maret 2025", "08.00 WIB", "Ruang Rapat Pontive Center",
                  staff(Role.KASI).full_name, "Kepala Dinas Komunikasi dan Informatika",
                  "Dr. Hendra Saputra", "Pembina Utama Muda (IV/c)",
                  "NIP. 19750515 200003 1 002"):
        assert value in text, value
    [document] = issued(DocumentKind.MEETING_INVITATION)
    assert read_qr(response.data) == [f"{BASE}/verifikasi/{document.code}"]
    assert document.fingerprint in text.replace("\n", "")
    # attached to its record: the same PDF, kept, for everyone who may see the meeting
    assert document.pdf.kind is AttachmentKind.ISSUED_DOCUMENT
    assert document.pdf.data == response.data and document.letter_id == meeting.letter_id


def test_an_issued_letter_reaches_the_opd_as_a_notice_and_an_email_once(client, login_as,
                                                                       meeting, dinkes):
    opd = make_user(Role.OPD, agency=dinkes)
    opd.email = "staf@dinkes.example"
    db.session.commit()
    login_as(Role.KASI)
    for file_format in ("pdf", "docx", "pdf"):  # the same letter, in either file: issued once
        response = _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION,
                          file_format)
        assert response.status_code == 200
    [document] = issued(DocumentKind.MEETING_INVITATION)
    [notice] = notices(opd)
    assert notice.kind is NoticeKind.MEETING_SCHEDULED and notice.letter_id == meeting.letter_id
    assert notice.subject == "Undangan rapat teknis terbit: Permohonan Aplikasi Posyandu"
    assert "nomor 005/112/Diskominfo-B/2025, tanggal 28 Februari 2025" in notice.body
    assert "Ditandatangani oleh: Dr. Hendra Saputra" in notice.body
    assert [mail.to_address for mail in outbox()] == ["staf@dinkes.example"]
    assert document.letter_id == notice.letter_id


def test_the_invitation_docx_opens_and_carries_the_same_values_and_qr(client, login_as,
                                                                      meeting):
    login_as(Role.KASI)
    response = _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION, "docx")
    assert response.status_code == 200
    text = docx_text(response.data)
    for value in ("005/112/Diskominfo-B/2025", "Pontianak, 28 Februari 2025",
                  "Kepala Dinas Kesehatan", "000.8/77/DINKES/2025", "Sabtu, 1 Maret 2025",
                  "08.00 WIB", "Ruang Rapat Pontive Center", "Dr. Hendra Saputra",
                  "Pembina Utama Muda (IV/c)", "NIP. 19750515 200003 1 002",
                  "Jl. Rahadi Usman No. 3"):
        assert value in text, value
    [document] = issued(DocumentKind.MEETING_INVITATION)  # one document, whichever format
    assert f"{BASE}/verifikasi/{document.code}" in text
    image = docx.Document(BytesIO(response.data)).inline_shapes[0]
    blob = image._inline.graphic.graphicData.pic.blipFill.blip.embed
    png = docx.Document(BytesIO(response.data)).part.related_parts[blob].blob
    found = subprocess.run(["zbarimg", "-q", "--raw", "-"], input=png, capture_output=True)
    assert found.stdout.decode().split() == [f"{BASE}/verifikasi/{document.code}"]


def test_the_rejection_letter_carries_the_reason_and_the_reply_number_signed_by_the_plh(
        client, login_as, rejected):
    plh = make_user(Role.KABID, full_name="Budi Santoso", nip="198203152006041001",
                    position="Sekretaris")
    _save(ActingAssignment(kind=ActingKind.PLH, acting_user=plh, absent_user=staff(Role.KADIS),
                           first_day=date(2025, 3, 3), last_day=date(2025, 3, 4)))
    db.session.commit()
    login_as(Role.KASI)
    pdf = _write(client, "decisions", rejected, DocumentKind.REJECTION_LETTER)
    word = _write(client, "decisions", rejected, DocumentKind.REJECTION_LETTER, "docx")
    for text in (pdf_text(pdf.data), docx_text(word.data)):
        for value in ("000.8/321/Diskominfo/2025", "Pontianak, 3 Maret 2025",
                      "Jawaban atas Permohonan Aplikasi Antrean",
                      "Kepala Dinas Kesehatan", "000.8/78/DINKES/2025",
                      "Aplikasi SIMPUS milik Pemerintah Kota sudah memuat antrean.",
                      "Plh. Kepala Dinas Komunikasi dan Informatika", "Budi Santoso",
                      "NIP. 19820315 200604 1 001"):
            assert value in text, value
        assert "Dr. Hendra Saputra" not in text
    [document] = issued(DocumentKind.REJECTION_LETTER)
    assert read_qr(pdf.data) == [f"{BASE}/verifikasi/{document.code}"]
    assert (document.number, document.signer_name) == ("000.8/321/Diskominfo/2025",
                                                       "Budi Santoso")


def test_the_minutes_carry_what_the_meeting_recorded(client, login_as, meeting):
    meeting.held_at = meeting.scheduled_at + timedelta(minutes=15)
    meeting.minutes = "OPD memaparkan kebutuhan.\nDiskominfo menyarankan integrasi SSO."
    meeting.recommendation = "Dilanjutkan ke penganggaran."
    _save(meeting)
    db.session.commit()
    login_as(Role.KASI)
    response = _write(client, "meetings", meeting, DocumentKind.MINUTES)
    text = pdf_text(response.data)
    for value in ("NOTULEN RAPAT TEKNIS", "Sabtu, 1 Maret 2025", "08.15 WIB",
                  "OPD memaparkan kebutuhan.", "Diskominfo menyarankan integrasi SSO.",
                  "Dilanjutkan ke penganggaran.", "Dinas Kesehatan", "Pimpinan rapat",
                  "Rina Kartika", "NIP. 19800101 200501 2 003"):
        assert value in text, value
    [document] = issued(DocumentKind.MINUTES)
    assert read_qr(response.data) == [f"{BASE}/verifikasi/{document.code}"]
    assert "NOTULEN" in docx_text(_write(client, "meetings", meeting, DocumentKind.MINUTES,
                                         "docx").data)


@pytest.mark.parametrize("kind, change, message", [
    (DocumentKind.MEETING_INVITATION, dict(invitation_number=None),
     "Isi nomor dan tanggal surat undangan"),
    (DocumentKind.MEETING_INVITATION, dict(invitation_date=None),
     "Isi nomor dan tanggal surat undangan"),
    (DocumentKind.MINUTES, {}, "Catat kapan rapat dilaksanakan dan notulennya"),
])
def test_a_meeting_letter_missing_a_field_is_refused_not_printed_blank(
        client, login_as, meeting, kind, change, message):
    for name, value in change.items():
        setattr(meeting, name, value)
    _save(meeting)
    db.session.commit()
    login_as(Role.KASI)
    response = _write(client, "meetings", meeting, kind)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert message in page
    assert issued(kind) == []


def test_an_accepted_request_has_no_rejection_letter(client, login_as):
    decision = make_decision()
    db.session.commit()
    login_as(Role.KASI)
    response = _write(client, "decisions", decision, DocumentKind.REJECTION_LETTER)
    page = client.get(response.location).get_data(as_text=True)
    assert "Hanya permohonan yang ditolak" in page and issued(DocumentKind.REJECTION_LETTER) == []


def test_a_signer_without_nip_is_refused_by_name(client, login_as, rejected):
    kadis = staff(Role.KADIS)
    kadis.nip = None
    _save(kadis)
    db.session.commit()
    login_as(Role.KASI)
    response = _write(client, "decisions", rejected, DocumentKind.REJECTION_LETTER)
    page = client.get(response.location).get_data(as_text=True)
    assert "Dr. Hendra Saputra belum memiliki NIP" in page
    assert issued(DocumentKind.REJECTION_LETTER) == []


def test_the_same_content_is_one_document_and_a_changed_record_shows_when_and_by_whom(
        client, login_as, meeting):
    kasi = login_as(Role.KASI)
    first = _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION)
    again = _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION)
    [document] = issued(DocumentKind.MEETING_INVITATION)
    assert first.data == again.data  # the stored PDF, not a second document
    page = client.get(f"/verifikasi/{document.code}").get_data(as_text=True)
    assert "belum berubah" in page and "Diubah setelah diterbitkan" not in page

    later = datetime.now(UTC) + timedelta(minutes=5)
    db.session.refresh(kasi)  # loaded before the change: reading it would flush the change
    meeting.place = "Aula Kantor Wali Kota"
    _save(meeting, at=later, by=kasi)
    db.session.commit()
    page = client.get(f"/verifikasi/{document.code}").get_data(as_text=True)
    assert "Diubah setelah diterbitkan" in page and kasi.full_name in page
    assert "WIB" in page

    _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION)
    old, new = issued(DocumentKind.MEETING_INVITATION)
    assert old.code != new.code and old.fingerprint != new.fingerprint


def test_a_change_the_paper_does_not_print_leaves_it_current(client, login_as, meeting):
    kasi = login_as(Role.KASI)
    _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION)
    [document] = issued(DocumentKind.MEETING_INVITATION)
    db.session.refresh(kasi)
    meeting.held_at = meeting.scheduled_at  # held: the invitation still says what it said
    _save(meeting, at=datetime.now(UTC) + timedelta(minutes=5), by=kasi)
    db.session.commit()
    assert "belum berubah" in client.get(f"/verifikasi/{document.code}").get_data(as_text=True)


def test_the_verification_page_works_without_login_and_shows_only_what_the_paper_shows(
        app, client, login_as, rejected):
    login_as(Role.KASI)
    _write(client, "decisions", rejected, DocumentKind.REJECTION_LETTER)
    client.logout()
    [document] = issued(DocumentKind.REJECTION_LETTER)
    response = client.get(f"/verifikasi/{document.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for value in ("Verifikasi dokumen", "Surat balasan penolakan", "000.8/321/Diskominfo/2025",
                  "3 Maret 2025", "Dr. Hendra Saputra", "Kepala Dinas Komunikasi dan Informatika",
                  document.fingerprint):
        assert value in page, value
    # not the request, the reason, the agency or any way into the panel
    for hidden in ("SIMPUS", "Antrean", "Dinas Kesehatan", "000.8/78", "<a ", "<form",
                   staff(Role.KASI).full_name):
        assert hidden not in page, hidden


@pytest.mark.parametrize("tamper", [
    lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),
    lambda code: code.upper() if code.upper() != code else code.lower(),
    lambda code: code + "x",
    lambda code: "é" + code[1:],
    lambda code: "x" * 300,
])
def test_a_tampered_code_is_refused_with_an_indonesian_page(client, login_as, meeting, tamper):
    login_as(Role.KASI)
    _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION)
    client.logout()
    [document] = issued(DocumentKind.MEETING_INVITATION)
    response = client.get(f"/verifikasi/{tamper(document.code)}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Dokumen tidak dikenal" in page and "005/112" not in page
    assert document.fingerprint not in page


def test_an_address_asking_for_many_unknown_codes_is_paused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFICATION_MISSES_PER_ADDRESS", "3 per 15 minutes")
    codes = [client.get(f"/verifikasi/tebakan{n}").status_code for n in range(4)]
    assert codes == [404, 404, 404, 429]
    assert "Terlalu banyak kode" in client.get("/verifikasi/lagi").get_data(as_text=True)


def test_opd_staff_get_their_own_agencys_documents_only(client, login_as, meeting, dinkes):
    login_as(Role.KASI)
    _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION)
    [document] = issued(DocumentKind.MEETING_INVITATION)
    pdf_link = f"/berkas/{document.pdf_id}"
    client.logout()

    login_as(Role.OPD, agency=dinkes)
    page = client.get(f"/admin/meetings/details/?id={meeting.id}").get_data(as_text=True)
    assert pdf_link in page and document.code in page
    assert 'name="format"' not in page  # reading, not writing letters
    timeline = client.get(f"/admin/letters/details/?id={meeting.letter_id}")
    assert pdf_link in timeline.get_data(as_text=True)  # in the request's timeline too
    assert client.get(pdf_link).data == document.pdf.data
    assert _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION).status_code == 403
    client.logout()

    login_as(Role.OPD, agency=make_agency(name="Dinas Pendidikan"))
    assert client.get(f"/admin/meetings/details/?id={meeting.id}").status_code in (302, 404)
    assert pdf_link not in client.get(f"/admin/letters/details/?id={meeting.letter_id}",
                                      follow_redirects=True).get_data(as_text=True)
    assert client.get(pdf_link).status_code == 404
    assert _write(client, "meetings", meeting, DocumentKind.MEETING_INVITATION).status_code == 403
    # the paper's own page, reached by the code on it, shows the paper's facts and no more
    page = client.get(f"/verifikasi/{document.code}").get_data(as_text=True)
    assert "005/112/Diskominfo-B/2025" in page and "Posyandu" not in page


def test_the_kasi_cannot_write_a_letter_for_a_record_out_of_reach(client, login_as, meeting):
    login_as(Role.KASI)
    assert _write(client, "meetings", meeting, DocumentKind.REJECTION_LETTER).status_code == 404
    response = client.post("/admin/meetings/document/",
                           {"id": "999999", "kind": "meeting_invitation", "format": "pdf"})
    assert response.status_code == 404
    assert client.post("/admin/meetings/document/", {"id": meeting.id, "kind": "minutes",
                                                     "format": "exe"}).status_code == 404


def test_a_disposition_edited_after_its_sheet_was_printed_shows_the_sheet_changed(
        client, login_as, meeting):
    login_as(Role.CLERK)
    client.get(f"/admin/letters/sheet/?id={meeting.letter_id}")
    [document] = issued(DocumentKind.DISPOSITION_SHEET)
    [printed, *_] = db.session.scalars(select(Disposition).where(
        Disposition.letter_id == meeting.letter_id)).all()
    assert "belum berubah" in client.get(f"/verifikasi/{document.code}").get_data(as_text=True)
    giver = printed.from_user
    printed.note = "Utamakan layanan posyandu di kecamatan"
    _save(printed, at=datetime.now(UTC) + timedelta(minutes=5), by=giver)
    db.session.commit()
    page = client.get(f"/verifikasi/{document.code}").get_data(as_text=True)
    assert "Diubah setelah diterbitkan" in page and giver.full_name in page


def test_the_disposition_sheet_carries_a_qr_code_of_its_verification_page(client, login_as,
                                                                          meeting):
    login_as(Role.CLERK)
    page = client.get(f"/admin/letters/sheet/?id={meeting.letter_id}").get_data(as_text=True)
    [document] = issued(DocumentKind.DISPOSITION_SHEET)
    url = f"{BASE}/verifikasi/{document.code}"
    assert url in page and document.fingerprint in page
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)"[^>]*class="sheet-qr"', page)[1]
    as_pdf = HTML(string=f'<img src="{qr}" style="width:60mm">').write_pdf()
    assert read_qr(as_pdf) == [url]
    # printed again, unchanged: the same document and code
    client.get(f"/admin/letters/sheet/?id={meeting.letter_id}")
    assert [d.code for d in issued(DocumentKind.DISPOSITION_SHEET)] == [document.code]
    client.logout()
    response = client.get(f"/verifikasi/{document.code}")
    assert response.status_code == 200 and "Lembar disposisi" in response.get_data(as_text=True)


@pytest.mark.parametrize("name, kind, title", [
    ("budget", DocumentKind.BUDGET_DOCUMENT, "Dokumen penganggaran"),
    ("annual", DocumentKind.ANNUAL_REPORT, "Laporan Tahunan Aplikasi"),
])
def test_the_yearly_reports_carry_a_qr_code_the_opds_part_of_them_none(
        client, login_as, dinkes, name, kind, title):
    login_as(Role.KABID)
    page = client.get(f"/admin/reports/{name}/?year=2025").get_data(as_text=True)
    [document] = issued(kind)
    url = f"{BASE}/verifikasi/{document.code}"
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)"[^>]*class="print-qr', page)[1]
    assert read_qr(HTML(string=f'<img src="{qr}" style="width:60mm">').write_pdf()) == [url]
    assert document.number == "2025" and document.signer_name == "Dr. Hendra Saputra"
    client.get(f"/admin/reports/{name}/?year=2025")  # printed again, the same document
    assert [d.code for d in issued(kind)] == [document.code]
    client.logout()
    verified = client.get(f"/verifikasi/{document.code}").get_data(as_text=True)
    assert title in verified and "2025" in verified

    login_as(Role.OPD, agency=dinkes)
    page = client.get(f"/admin/reports/{name}/?year=2025").get_data(as_text=True)
    assert "print-qr" not in page and len(issued(kind)) == 1


def test_a_report_printed_again_after_its_data_changed_tells_the_older_paper_so(
        client, login_as, dinkes):
    login_as(Role.KABID)
    client.get("/admin/reports/annual/?year=2025")
    [older] = issued(DocumentKind.ANNUAL_REPORT)
    make_letter(agency=dinkes, number="000.8/90/DINKES/2025", subject="Permohonan baru")
    db.session.commit()
    client.get("/admin/reports/annual/?year=2025")  # a letter more: another document
    newer = [d for d in issued(DocumentKind.ANNUAL_REPORT) if d.code != older.code]
    assert len(newer) == 1 and newer[0].fingerprint != older.fingerprint
    client.logout()
    page = client.get(f"/verifikasi/{older.code}").get_data(as_text=True)
    assert "Ada versi yang lebih baru" in page
    assert "bukan versi terkini" in page
    current = client.get(f"/verifikasi/{newer[0].code}").get_data(as_text=True)
    assert "Ada versi yang lebih baru" not in current


@pytest.mark.parametrize("name, kind, year", [("annual", DocumentKind.ANNUAL_REPORT, 2025),
                                              ("budget", DocumentKind.BUDGET_DOCUMENT, 2026)])
def test_a_report_whose_data_changed_shows_changed_before_anyone_prints_it_again(
        client, login_as, dinkes, name, kind, year):
    login_as(Role.KABID)
    client.get(f"/admin/reports/{name}/?year={year}")
    [paper] = issued(kind)
    client.logout()
    page = client.get(f"/verifikasi/{paper.code}").get_data(as_text=True)
    assert "belum berubah" in page and "Diubah setelah diterbitkan" not in page
    letter = make_letter(agency=dinkes, number="000.8/91/DINKES/2025", subject="Permohonan baru")
    walk(letter, LetterStatus.IN_RKA)  # a letter more in 2025, budgeted for 2026
    db.session.commit()
    page = client.get(f"/verifikasi/{paper.code}").get_data(as_text=True)
    assert "Diubah setelah diterbitkan" in page and "laporan yang berbeda" in page
    assert issued(kind) == [paper]  # nobody printed it again
