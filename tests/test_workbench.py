"""The letter's page as a workbench: the moves offered, the valid choices, the scan in place,
and the letter search."""

import re
from datetime import UTC, date, datetime

import pytest

from models import (
    ActingAssignment,
    Disposition,
    LetterStatus,
    RequestLetter,
    Role,
    db,
)
from models.attachments import Attachment, AttachmentKind
from models.dispositions import recipients
from models.timezone import to_local
from models.workbench import next_moves, step_moves

from .builders import make_agency, make_letter, make_notice, make_user, staff

S = LetterStatus
TODAY = date(2025, 3, 3)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def kinds(offers):
    return [(offer.kind, offer.enabled) for offer in offers]


def options(page: str, field: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [text.strip() for value, text in re.findall(
        r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select) if value != "__None"]


def now_typed() -> str:
    return to_local(datetime.now(UTC)).strftime("%d/%m/%Y %H:%M:%S")


# --- which moves, for whom ------------------------------------------------------------------

@pytest.mark.parametrize(("status", "role", "expected"), [
    (S.REGISTERED, Role.CLERK, [("forward", True)]),
    (S.AT_KADIS, Role.CLERK, []),
    (S.REGISTERED, Role.KADIS, [("dispose_kabid", False)]),
    (S.AT_KADIS, Role.KADIS, [("dispose_kabid", True)]),
    (S.AT_KABID, Role.KADIS, []),
    (S.AT_KABID, Role.KABID, [("dispose_kasi", True)]),
    (S.AT_KASI, Role.KASI, [("meeting", True), ("accept", False), ("reject", False),
                            ("rka", False)]),
    (S.IN_ANALYSIS, Role.KASI, [("meeting", True), ("accept", True), ("reject", True),
                                ("rka", False)]),
    (S.ACCEPTED, Role.KASI, [("rka", True)]),
    (S.REJECTED, Role.KASI, []),
    (S.IN_RKA, Role.KASI, []),
    (S.AT_KASI, Role.OPD, []),
    (S.AT_KASI, Role.SUPERVISOR, []),
])
def test_each_person_is_offered_their_own_moves_and_those_still_ahead(app, status, role,
                                                                      expected):
    letter = RequestLetter(status=status)
    assert kinds(next_moves(letter, [role], lambda resource: True)) == expected


def test_a_move_still_ahead_says_what_has_to_happen_first(app):
    offers = next_moves(RequestLetter(status=S.AT_KASI), [Role.KASI], lambda r: True)
    decision = next(offer for offer in offers if offer.kind == "accept")
    assert str(decision.reason) == "Catat rapat teknis dahulu."


def test_a_move_is_offered_only_to_who_may_write_its_record(app):
    letter = RequestLetter(status=S.IN_ANALYSIS)
    offers = next_moves(letter, [Role.KASI], lambda resource: resource != "decision")
    assert kinds(offers) == [("meeting", True), ("rka", False)]


def test_an_acting_official_is_offered_the_absent_officials_moves(app):
    letter = RequestLetter(status=S.AT_KABID)
    assert kinds(next_moves(letter, [Role.KASI, Role.KABID], lambda r: True)) == [
        ("dispose_kasi", True), ("meeting", False), ("accept", False), ("reject", False),
        ("rka", False)]


def test_only_the_steps_holder_may_pause_or_resume_it(app):
    letter = make_letter(status=S.AT_KASI)
    step = letter.open_step(2)
    assert kinds(step_moves(step, [staff(Role.KABID)])) == []
    assert kinds(step_moves(step, [staff(Role.KASI)])) == [("pause_opd", True),
                                                            ("pause_meeting", True)]
    step.paused_since = step.started_at
    assert kinds(step_moves(step, [staff(Role.KASI)])) == [("resume", True)]


# --- valid choices --------------------------------------------------------------------------

def test_a_disposition_goes_only_one_link_down_the_chain(app):
    kabid, kasi = staff(Role.KABID), staff(Role.KASI)
    make_user(Role.CLERK), make_user(Role.OPD)
    assert recipients(db.session, [Role.KADIS], TODAY) == [kabid]
    assert recipients(db.session, [Role.KABID], TODAY) == [kasi]
    assert recipients(db.session, [Role.CLERK], TODAY) == []
    assert recipients(db.session, [Role.KASI], TODAY) == []


def test_an_absent_officials_stand_in_comes_first(app):
    kabid, plh = staff(Role.KABID), make_user(Role.KASI, full_name="Plh Kabid")
    db.session.add(ActingAssignment(acting_user=plh, absent_user=kabid, first_day=TODAY,
                                    last_day=TODAY))
    db.session.flush()
    assert recipients(db.session, [Role.KADIS], TODAY) == [plh, kabid]
    assert recipients(db.session, [Role.KADIS], date(2025, 3, 4)) == [kabid]


def test_forwarded_to_lists_only_the_valid_recipient_and_picks_it(client, login_as):
    letter = make_letter(status=S.AT_KADIS)
    kabid = staff(Role.KABID)
    make_user(Role.CLERK, full_name="Petugas TU Lain"), make_user(Role.KASI)
    login_as(Role.KADIS)
    for path in (f"/admin/dispositions/new/?letter={letter.id}", "/admin/dispositions/new/"):
        page = client.get(path).get_data(as_text=True)
        assert options(page, "to_user") == [str(kabid)]
    page = client.get(f"/admin/dispositions/new/?letter={letter.id}").get_data(as_text=True)
    assert f'value="{kabid.id}" selected' in page or re.search(
        rf'<option selected[^>]*value="{kabid.id}"', page)
    assert 'id="letter"' not in page  # the letter is fixed, shown, not picked
    assert letter.number in page


def test_a_disposition_to_anyone_else_is_refused_and_nothing_saved(client, login_as):
    letter = make_letter(status=S.AT_KADIS)
    clerk = make_user(Role.CLERK)
    login_as(Role.KADIS)
    page = client.post(f"/admin/dispositions/new/?letter={letter.id}", {
        "to_user": clerk.id, "instructions": "process", "disposed_at": now_typed()},
        follow_redirects=True).get_data(as_text=True)
    assert "Gagal menambahkan data." in page  # the clerk is none of the choices
    assert db.session.query(Disposition).count() == 0
    db.session.refresh(letter)
    assert letter.status is S.AT_KADIS


def test_a_move_saved_from_the_letters_page_returns_to_it(client, login_as):
    letter = make_letter(status=S.AT_KADIS)
    kabid = staff(Role.KABID)
    login_as(Role.KADIS)
    back = f"/admin/letters/details/?id={letter.id}"
    response = client.post(f"/admin/dispositions/new/?letter={letter.id}&url={back}", {
        "to_user": kabid.id, "instructions": "process", "disposed_at": now_typed()})
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    db.session.refresh(letter)
    assert letter.status is S.AT_KABID


def test_a_form_opened_for_a_letter_out_of_scope_is_not_found(client, login_as):
    letter = make_letter(status=S.IN_ANALYSIS)
    login_as(Role.KASI)
    assert client.get("/admin/decisions/new/?letter=999999").status_code == 404
    assert client.get(f"/admin/decisions/new/?letter={letter.id}").status_code == 200


# --- the letter's page ----------------------------------------------------------------------

def test_the_letters_page_shows_the_scan_in_place_and_the_moves(client, login_as):
    letter = make_letter(status=S.AT_KASI)
    login_as(Role.KASI)
    page = client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert f'<iframe class="scan scan-frame" src="/berkas/{letter.scan_id}/lihat"' in page
    assert "Jadwalkan rapat teknis" in page and "Catat rapat teknis dahulu." in page
    assert 'class="pill pill-' in page  # the deadline pill of the running step


def test_opd_staff_see_their_letter_without_internal_moves(client, login_as):
    agency, other = make_agency(), make_agency()
    letter = make_letter(agency=agency, status=S.AT_KASI)
    theirs_not = make_letter(agency=other, status=S.AT_KASI)
    login_as(Role.OPD, agency=agency)
    page = client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert 'class="moves' not in page and "scan-frame" in page
    assert client.get(f"/berkas/{letter.scan_id}/lihat").status_code == 200
    assert client.get(f"/admin/letters/details/?id={theirs_not.id}").status_code in (302, 404)
    assert client.get(f"/berkas/{theirs_not.scan_id}/lihat").status_code == 404


def test_the_scan_is_served_in_place_framed_only_by_the_panel(client, login_as):
    image = Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "surat.png", PNG,
                                  datetime.now(UTC))
    letter = make_letter(status=S.AT_KADIS, scan=image)
    login_as(Role.KADIS)
    response = client.get(f"/berkas/{letter.scan_id}/lihat")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "default-src 'none'" in policy
    assert client.get(f"/berkas/{letter.scan_id}").headers["Content-Disposition"].startswith(
        "attachment")
    page = client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert f'<img class="scan scan-image" src="/berkas/{letter.scan_id}/lihat"' in page
    # the panel's own pages are still never framed
    assert client.get("/admin/").headers["X-Frame-Options"] == "DENY"


# --- the search -----------------------------------------------------------------------------

def found(client, text) -> str:
    return client.get("/admin/letters/", query_string={"search": text}).get_data(as_text=True)


def test_the_letter_search_finds_the_agenda_number_as_shown(client, login_as):
    letters = [make_letter() for _ in range(3)]
    login_as(Role.CLERK)
    target = letters[1]
    page = found(client, f"{target.agenda_number}/{target.agenda_year}")
    assert target.number in page
    assert all(other.number not in page for other in letters if other is not target)
    assert target.number in found(client, f"{target.agenda_number} / {target.agenda_year}")
    assert letters[0].number not in found(client, f"{target.agenda_number}/1999")


def test_the_letter_search_finds_the_letter_number_and_the_agency(client, login_as):
    dinkes = make_agency(name="Dinas Kesehatan", short_name="Dinkes")
    health = make_letter(agency=dinkes, number="440/77/DINKES/2025")
    other = make_letter(number="500/12/DISHUB/2025")
    login_as(Role.CLERK)
    for text in ("kesehatan", "Dinkes", "dinas kesehatan", "440/77", "77/dinkes"):
        page = found(client, text)
        assert health.number in page and other.number not in page, text
    assert other.number not in found(client, "%") and health.number not in found(client, "_")


def test_opd_staff_search_only_their_own_agencys_letters(client, login_as):
    dinkes = make_agency(name="Dinas Kesehatan", short_name="Dinkes")
    own = make_letter(agency=dinkes)
    others = make_letter(subject="Permohonan aplikasi kesehatan hewan")
    login_as(Role.OPD, agency=dinkes)
    page = found(client, "kesehatan")
    assert own.number in page and others.number not in page


def test_the_letter_dropdowns_find_a_letter_as_the_list_does(client, login_as):
    dinkes = make_agency(name="Dinas Kesehatan", short_name="Dinkes")
    letter = make_letter(agency=dinkes, status=S.IN_ANALYSIS)
    other = make_letter(status=S.IN_ANALYSIS)
    login_as(Role.KASI)
    for text in (f"{letter.agenda_number}/{letter.agenda_year}", "kesehatan"):
        answer = client.get("/admin/decisions/ajax/lookup/",
                            query_string={"name": "letter", "query": text}).get_json()
        assert [row[0] for row in answer] == [letter.id], text
    assert other.id not in [row[0] for row in client.get(
        "/admin/decisions/ajax/lookup/", query_string={"name": "letter", "query": "kesehatan"}
    ).get_json()]


def test_a_meeting_lists_only_the_offices_staff_as_attending(client, login_as):
    letter = make_letter(status=S.AT_KASI)
    opd = make_user(Role.OPD, full_name="Staf Dinkes")
    kabid = staff(Role.KABID)
    kasi = login_as(Role.KASI)
    page = client.get(f"/admin/meetings/new/?letter={letter.id}").get_data(as_text=True)
    offered = options(page, "staff")
    assert str(kabid) in offered and str(kasi) in offered and str(opd) not in offered
    assert "held_at" not in page and "Ruang Rapat Pontive Center" in page


def test_a_notice_about_a_letter_offers_its_readers_moves(client, login_as):
    letter = make_letter(status=S.AT_KADIS)
    kadis = login_as(Role.KADIS)
    notice = make_notice(recipient=kadis, letter=letter)
    page = client.get(f"/admin/notices/details/?id={notice.id}").get_data(as_text=True)
    assert "Disposisikan ke Kabid" in page
    assert f"/admin/dispositions/new/?letter={letter.id}" in page
