"""My desk: everything waiting on a person, most urgent first, complete and paged, new marked."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from admin_views import home
from models import (
    ActingAssignment,
    DeskVisit,
    LetterStatus,
    PauseReason,
    RequestLetter,
    Role,
    db,
)
from models.desk import VISIT_GAP, Desk
from models.office_calendar import office_calendar
from models.timezone import to_local

from .builders import NOW, RECEIVED, _save, make_agency, make_letter, make_meeting, staff

S = LetterStatus
#: The desk is looked at on Monday 10:00 WIB (03:00 UTC).
AT = NOW + timedelta(hours=2)


def desk_of(user, at=AT):
    return Desk(db.session, user, at, office_calendar())


def rows(user, at=AT, size=50, since=None):
    return desk_of(user, at).page(0, size, since)


def at_kasi(received, **overrides):
    """A letter the Kabid disposed to the Kasi 40 minutes after it was received."""
    return make_letter(status=S.AT_KASI, received_at=received, at=AT,
                       letter_date=to_local(received).date(), **overrides)


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_latest_overdue_step_comes_first_then_by_due_time_then_paused_ones(app):
    paused = at_kasi(RECEIVED - timedelta(days=7), subject="Dijeda")
    paused.open_step(2).pause(RECEIVED, PauseReason.WAITING_FOR_OPD)
    later = at_kasi(NOW + timedelta(minutes=60), subject="Masih lama")  # due 10:40
    latest = at_kasi(RECEIVED - timedelta(days=3), subject="Paling terlambat")
    soon = at_kasi(NOW + timedelta(minutes=30), subject="Hampir")  # due 10:10
    late = at_kasi(RECEIVED, subject="Terlambat")
    db.session.commit()

    desk = rows(staff(Role.KASI))

    assert [item.letter for item in desk] == [latest, late, soon, later, paused]
    assert [item.deadline.state for item in desk] == ["late", "late", "soon", "ok", "paused"]
    assert desk[0].deadline.minutes_left < desk[1].deadline.minutes_left < 0
    assert desk[2].deadline.minutes_left == pytest.approx(10)


def test_letters_without_a_step_wait_on_the_role_oldest_first_with_their_waiting_time(app):
    newer = make_letter(status=S.AT_KADIS, received_at=NOW, at=AT)
    older = make_letter(status=S.AT_KADIS, received_at=RECEIVED)
    make_letter(status=S.AT_KABID)  # the Kabid's, not the Kepala Dinas's
    db.session.commit()

    desk = rows(staff(Role.KADIS))

    assert [item.letter for item in desk] == [older, newer]
    assert [item.waiting.minutes for item in desk] == [
        pytest.approx(office_calendar().working_minutes(RECEIVED, AT)), pytest.approx(120)]
    assert [item.waiting.state for item in desk] == ["soon", "wait"]  # over a working day
    assert all(item.step is None for item in desk)


def test_an_acting_official_finds_the_absent_officials_work_after_their_own(app):
    kabid, kadis = staff(Role.KABID), staff(Role.KADIS)
    for_kadis = make_letter(status=S.AT_KADIS)
    own = make_letter(status=S.AT_KABID)
    _save(ActingAssignment(acting_user=kabid, absent_user=kadis, first_day=date(2025, 3, 3),
                           last_day=date(2025, 3, 7)))
    db.session.commit()

    desk = rows(kabid)

    assert [(item.letter, item.acting_for) for item in desk] == [(own, None),
                                                                 (for_kadis, kadis)]
    assert [item.letter for item in rows(kabid, at=AT + timedelta(days=7))] == [own]


def test_an_archived_letter_leaves_the_desk(app):
    kept, archived = make_letter(status=S.AT_KASI), make_letter(status=S.AT_KASI)
    archived.archive(at=NOW)
    db.session.commit()
    assert [item.letter for item in rows(staff(Role.KASI))] == [kept]
    assert desk_of(staff(Role.KASI)).count() == 1


def test_pages_hold_every_item_once(app):
    letters = [make_letter(status=S.AT_KADIS, received_at=RECEIVED - timedelta(hours=n))
               for n in range(7)]
    kabid_steps = [make_letter(status=S.AT_KABID, received_at=RECEIVED + timedelta(minutes=20 * n))
                   for n in range(4)]
    kabid, kadis = staff(Role.KABID), staff(Role.KADIS)
    _save(ActingAssignment(acting_user=kabid, absent_user=kadis, first_day=date(2025, 3, 1),
                           last_day=date(2025, 3, 7)))
    db.session.commit()
    desk = desk_of(kabid)

    pages = [desk.page(n, 3, None) for n in range(4)]

    assert desk.count() == 11 and [len(page) for page in pages] == [3, 3, 3, 2]
    assert [item.letter for page in pages for item in page] == (
        kabid_steps + list(reversed(letters)))


def test_new_is_what_someone_else_put_on_the_desk_after_the_previous_visit(app):
    kabid = staff(Role.KABID)
    seen = make_letter(status=S.AT_KABID, received_at=RECEIVED - timedelta(days=1))
    arrived = make_letter(status=S.AT_KABID)  # disposed Friday 08:30 WIB
    db.session.commit()
    since = RECEIVED + timedelta(minutes=10)

    desk = rows(kabid, since=since)

    assert {item.letter: item.new for item in desk} == {seen: False, arrived: True}
    assert all(item.new for item in rows(kabid, since=None))  # never looked: all new
    assert not any(item.new for item in rows(staff(Role.KADIS), since=None))  # own moves


def test_a_visit_keeps_its_new_marks_until_a_gap_between_looks(app):
    user, first = staff(Role.KADIS), NOW
    assert DeskVisit.record(db.session, user, first) is None
    assert DeskVisit.record(db.session, user, first + timedelta(minutes=20)) is None
    later = first + timedelta(minutes=20) + VISIT_GAP + timedelta(minutes=1)
    assert DeskVisit.record(db.session, user, later) == first + timedelta(minutes=20)
    assert DeskVisit.record(db.session, user, later + timedelta(minutes=5)) == (
        first + timedelta(minutes=20))


@pytest.fixture
def kadis_client(client):
    kadis = staff(Role.KADIS)
    db.session.commit()
    assert client.login(kadis.username).status_code == 302
    return client


def forwarded_ago(minutes, **overrides):
    """A letter the clerk forwarded to the Kepala Dinas `minutes` ago (real time)."""
    now = datetime.now(UTC)
    return make_letter(status=S.AT_KADIS, at=now,
                       received_at=now - timedelta(minutes=minutes + 5), **overrides)


def test_the_desk_page_marks_new_letters_and_keeps_them_marked_within_the_visit(kadis_client):
    forwarded_ago(180, subject="Sudah dilihat")
    forwarded_ago(60, subject="Baru tiba")
    kadis = staff(Role.KADIS)
    db.session.add(DeskVisit(user_id=kadis.id, last_seen_at=datetime.now(UTC)
                             - timedelta(hours=2), previous_seen_at=None))
    db.session.commit()

    for _ in range(2):  # a reload within the visit keeps the marks
        page = text(kadis_client.get("/admin/desk/").get_data(as_text=True))
        assert "Baru tiba baru" in page and "Sudah dilihat baru" not in page

    db.session.execute(update(DeskVisit).values(
        last_seen_at=datetime.now(UTC) - VISIT_GAP - timedelta(minutes=5)))
    forwarded_ago(10, subject="Paling baru")
    db.session.commit()
    page = text(kadis_client.get("/admin/desk/").get_data(as_text=True))
    assert "Paling baru baru" in page and "Baru tiba baru" not in page


def test_the_kepala_dinas_home_shows_each_waiting_letter_with_its_time(kadis_client):
    forwarded_ago(30, subject="Menunggu Kadis")
    db.session.commit()
    page = text(kadis_client.get("/admin/").get_data(as_text=True))
    assert re.search(r"menunggu (\d+ (hari|jam|menit) ?)+ diterima \d+ \w+ \d{4} \d\d:\d\d WIB "
                     r"\d+/\d{4} · Menunggu Kadis", page), page


def test_the_home_page_shows_ten_and_links_to_all(kadis_client):
    for n in range(12):
        make_letter(status=S.AT_KADIS, received_at=RECEIVED - timedelta(hours=n))
    db.session.commit()
    page = kadis_client.get("/admin/").get_data(as_text=True)
    assert page.count('class="desk-item') == home.DESK_SHOWN
    assert "lihat semua 12" in page and 'href="/admin/desk/"' in page
    first = kadis_client.get("/admin/desk/").get_data(as_text=True)
    second = kadis_client.get("/admin/desk/?page=2").get_data(as_text=True)
    assert first.count('class="desk-item') == 12 and second.count('class="desk-item') == 12
    assert kadis_client.get("/admin/desk/?page=-4").status_code == 200


def test_the_desk_page_pages_twenty_at_a_time(kadis_client):
    subjects = [f"Surat ke-{n:02d}" for n in range(23)]
    for n, subject in enumerate(subjects):
        make_letter(status=S.AT_KADIS, received_at=RECEIVED + timedelta(minutes=n),
                    subject=subject)
    db.session.commit()
    first = text(kadis_client.get("/admin/desk/").get_data(as_text=True))
    second = text(kadis_client.get("/admin/desk/?page=2").get_data(as_text=True))
    assert [s for s in subjects if s in first] == subjects[:20]
    assert [s for s in subjects if s in second] == subjects[20:]
    assert "Pekerjaan 21–23 dari 23" in second


def test_status_counts_link_to_the_list_of_that_status(client, login_as):
    make_letter(status=S.AT_KADIS, number="KADIS/1")
    make_letter(status=S.AT_KASI, number="KASI/1")
    db.session.commit()
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/").get_data(as_text=True)
    links = dict((label, href.replace("&amp;", "&")) for href, label in re.findall(
        r'<a class="d-flex[^"]*" href="([^"]+)"><span>([^<]+)</span>', page))
    assert len(links) == len(LetterStatus)
    listed = client.get(links["Di Kepala Dinas"]).get_data(as_text=True)
    assert "KADIS/1" in listed and "KASI/1" not in listed


def test_status_counts_stop_at_the_cap(client, login_as, monkeypatch):
    monkeypatch.setattr(home, "COUNT_CAP", 2)
    for _ in range(3):
        make_letter(status=S.AT_KADIS)
    make_letter(status=S.REGISTERED)
    db.session.commit()
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'Di Kepala Dinas</span><span class="badge badge-secondary badge-pill">2+<' in page
    assert 'Terdaftar</span><span class="badge badge-secondary badge-pill">1<' in page


def test_an_agency_follows_its_requests_under_way_on_its_home_page(client, login_as):
    ours, theirs = make_agency(), make_agency()
    registered = make_letter(agency=ours, subject="Baru terdaftar")
    analysed = make_letter(agency=ours, status=S.AT_KASI, subject="Dianalisis Kasi")
    make_meeting(analysed, place="Ruang Rapat Pontive Center")
    make_letter(agency=ours, status=S.REJECTED, subject="Sudah ditolak")
    make_letter(agency=theirs, status=S.AT_KADIS, subject="Instansi lain")
    db.session.commit()
    login_as(Role.OPD, agency=ours)
    page = text(client.get("/admin/").get_data(as_text=True))
    assert "Permohonan instansi Anda yang sedang diproses 2" in page
    assert (f"{registered.agenda_number}/{registered.agenda_year} · Baru terdaftar "
            "Terdaftar · di meja Petugas Tata Usaha") in page
    # the running analysis' pill and due time, then the letter
    assert re.search(rf"(sisa|terlambat) [^·]+ tenggat \d+ \w+ \d{{4}} \d\d:\d\d WIB "
                     rf"{analysed.agenda_number}/{analysed.agenda_year} · Dianalisis", page), page
    assert re.search(rf"{analysed.agenda_number}/{analysed.agenda_year} · Dianalisis Kasi "
                     r"Analisis dan koordinasi teknis · di meja Kasi PK&AI · rapat teknis "
                     r"\d+ \w+ \d{4} \d\d:\d\d WIB, Ruang Rapat Pontive Center", page), page
    assert "Sudah ditolak" not in page and "Instansi lain" not in page


def test_only_those_who_hold_work_see_the_desk(client, login_as):
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/desk/"' not in page and 'id="desk-title"' not in page
    desk = client.get("/admin/desk/").get_data(as_text=True)
    assert "tidak menerima pekerjaan SOP" in desk


def test_an_empty_desk_says_so(client, login_as):
    login_as(Role.KASI)
    assert "Saat ini tidak ada yang menunggu tindakan Anda." in client.get("/admin/").get_data(
        as_text=True)


def test_the_desk_counts_what_the_desk_page_lists(app):
    for n in range(3):
        at_kasi(RECEIVED - timedelta(days=n))
    db.session.commit()
    desk = desk_of(staff(Role.KASI))
    assert desk.count() == len(desk.page(0, 100, None)) == 3
    assert db.session.query(RequestLetter).count() == 3


def test_the_demo_gives_each_desk_a_believable_mix(app):
    from models.demo import seed_demo
    at = datetime(2025, 3, 5, 4, 0, tzinfo=UTC)  # a Wednesday, 11:00 WIB
    users = {user.username: user for user in seed_demo(db.session, at=at)}
    db.session.commit()

    def desk(name):
        since = DeskVisit.boundary(*DeskVisit.since(db.session, users[name]), at)
        return Desk(db.session, users[name], at, office_calendar()).page(0, 50, since)

    kasi, kabid, kadis, clerk = desk("kasi"), desk("kabid"), desk("kadis"), desk("tu")
    assert all(3 <= len(items) <= 10 for items in (kasi, kabid)), (len(kasi), len(kabid))
    assert {"late", "soon", "ok", "paused"} <= {item.deadline.state for item in kasi}
    assert {"late", "soon", "ok"} <= {item.deadline.state for item in kabid}
    assert all(item.deadline.minutes_left is None or item.deadline.minutes_left > -10 * 450
               for item in kasi + kabid)  # overdue by days, not a year of untouched steps
    just_disposed = [item for item in kasi if item.letter.status is S.AT_KASI and item.new]
    assert just_disposed and at - just_disposed[0].arrived_at < timedelta(minutes=15)
    assert [item.waiting.state for item in kadis].count("soon") >= 1 and any(
        item.new for item in kadis) and not all(item.new for item in kadis)
    online = [item for item in clerk if item.letter.registered_by.role is Role.OPD]
    assert len(online) == 1 and online[0].new and len(clerk) == 2


def test_the_pager_links_the_ends_and_the_pages_around_the_one_shown():
    from admin_views.desk import page_links
    assert page_links(0, 1) == [0]
    assert page_links(3, 8) == list(range(8))
    assert page_links(10, 900) == [0, 1, None, 8, 9, 10, 11, 12, None, 898, 899]
    assert page_links(899, 900) == [0, 1, None, 897, 898, 899]
