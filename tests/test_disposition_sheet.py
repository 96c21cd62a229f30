"""The lembar disposisi: every letter's printable disposition sheet, in the user's row scope."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from admin_views.permissions import TABLE, VIEW, can
from models import (
    ActingAssignment,
    ActingKind,
    Instruction,
    IssuedDocument,
    LetterStatus,
    Role,
    Urgency,
    db,
)

from .builders import (
    _save,
    make_agency,
    make_disposition,
    make_letter,
    make_user,
    staff,
)

S = LetterStatus


def _sheet(client, letter_id):
    return client.get(f"/admin/letters/sheet/?id={letter_id}")


def _sections(page):
    """The sheet's disposition rows, in order."""
    return re.findall(r'<section class="sheet-disposition".*?</section>', page, re.S)


def _ticked(section):
    return re.findall(r'<li class="ticked">.*?</span> (.+?)</li>', section)


@pytest.fixture
def letter(app):
    """A letter disposed down the whole chain, the second time by an acting Kabid (Plh)."""
    agency = make_agency(name="Dinas Kesehatan", short_name="Dinkes")
    letter = make_letter(agency=agency, status=S.AT_KADIS, number="000.8/77/DINKES/2025",
                         subject="Permohonan Aplikasi Posyandu", urgency=Urgency.URGENT)
    make_disposition(letter=letter, from_user=staff(Role.KADIS), to_user=staff(Role.KABID),
                     instructions=[Instruction.RESPOND, Instruction.COORDINATE],
                     note="Segera koordinasikan dengan OPD")
    plh = make_user(Role.KASI, full_name="Plh Kabid Sementara", agency=staff(Role.KABID).agency)
    _save(ActingAssignment(kind=ActingKind.PLH, acting_user=plh, absent_user=staff(Role.KABID),
                           first_day=date(2025, 2, 27), last_day=date(2025, 3, 1)))
    make_disposition(letter=letter, from_user=plh, to_user=staff(Role.KASI),
                     instructions=[Instruction.PROCESS, Instruction.REVIEW],
                     note="Mohon ditelaah",
                     disposed_at=letter.received_at + timedelta(minutes=40))
    db.session.commit()
    return letter


def test_the_sheet_shows_the_letter_and_each_disposition_in_time_order(client, login_as,
                                                                        letter):
    login_as(Role.CLERK)
    response = _sheet(client, letter.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("PEMERINTAH KOTA PONTIANAK", "Lembar disposisi", "Surat dari",
                 "Dinas Kesehatan", "No. Surat", "000.8/77/DINKES/2025", "Tgl. Surat",
                 "27 Februari 2025", "Diterima Tgl.", "28 Februari 2025", "No. Agenda",
                 f"{letter.agenda_number}/2025", "Sifat", "Segera", "Perihal",
                 "Permohonan Aplikasi Posyandu", 'print-button"'):
        assert text in page, text
    first, second, blank = _sections(page)
    assert staff(Role.KABID).full_name in first and "Segera koordinasikan" in first
    assert _ticked(first) == ["Tanggapan dan saran", "Koordinasi/konfirmasikan"]
    assert staff(Role.KADIS).full_name in first and "28 Februari 2025" in first
    assert staff(Role.KASI).full_name in second and "Mohon ditelaah" in second
    assert _ticked(second) == ["Proses lebih lanjut", "Telaah"]
    assert "Plh Kabid Sementara" in second and f"Plh. {staff(Role.KABID).position}" in second
    assert _ticked(blank) == []  # a third row left for a disposition written by hand


def test_every_instruction_is_a_box_and_its_state_is_written_for_screen_readers(
        client, login_as, letter):
    login_as(Role.KADIS)
    first = _sections(_sheet(client, letter.id).get_data(as_text=True))[0]
    assert first.count('class="sheet-box"') == len(Instruction)
    assert first.count(">dicentang:<") == 2 and first.count(">tidak dicentang:<") == 3


def test_a_letter_without_dispositions_gets_three_empty_rows(client, login_as):
    letter = make_letter()
    db.session.commit()
    login_as(Role.KASI)
    sections = _sections(_sheet(client, letter.id).get_data(as_text=True))
    assert len(sections) == 3 and not any(_ticked(s) for s in sections)


def test_the_details_page_and_the_list_link_to_the_sheet(client, login_as, letter):
    login_as(Role.CLERK)
    link = f"/admin/letters/sheet/?id={letter.id}"
    assert link in client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert link in client.get("/admin/letters/").get_data(as_text=True)


def test_the_owner_opd_opens_its_sheet_without_the_internal_dispositions(client, login_as,
                                                                          letter):
    assert can(Role.OPD, VIEW, "letter") and not can(Role.OPD, VIEW, "disposition")
    login_as(Role.OPD, agency=letter.agency)
    response = _sheet(client, letter.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Permohonan Aplikasi Posyandu" in page
    assert "Segera koordinasikan" not in page and _sections(page) == []
    # a print of its own letter, not an official document: no QR code, nothing issued
    assert "sheet-qr" not in page and db.session.scalar(select(IssuedDocument)) is None


def test_an_opd_user_of_another_agency_gets_not_found(client, login_as, letter):
    login_as(Role.OPD, agency=make_agency())
    response = _sheet(client, letter.id)
    assert response.status_code == 404
    assert "Posyandu" not in response.get_data(as_text=True)


def test_an_archived_letter_has_no_sheet(client, login_as, letter):
    letter.archive(at=letter.received_at + timedelta(days=1))
    db.session.commit()
    login_as(Role.CLERK)
    assert _sheet(client, letter.id).status_code == 404


@pytest.mark.parametrize("bad", ["", "abc", "0", "-1", "1 OR 1=1", "99999999999999999999",
                                 "2147483647"])
def test_a_bad_or_unknown_id_gives_not_found(client, login_as, bad):
    login_as(Role.CLERK)
    assert client.get(f"/admin/letters/sheet/?id={bad}").status_code == 404


def test_a_role_without_letter_view_is_refused(client, login_as, letter, monkeypatch):
    monkeypatch.setitem(TABLE, Role.SUPERVISOR, {**TABLE[Role.SUPERVISOR], "letter": ""})
    login_as(Role.SUPERVISOR)
    assert _sheet(client, letter.id).status_code == 403


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.OPD])
def test_every_role_that_views_letters_opens_the_sheet(client, login_as, letter, role):
    login_as(role)
    assert _sheet(client, letter.id).status_code == (200 if can(role, VIEW, "letter") else 403)


def test_no_one_logged_out_sees_the_sheet(client, letter):
    response = _sheet(client, letter.id)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
