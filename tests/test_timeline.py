"""One timeline per letter: everything that happened to it, in time order and in WIB; staff
comments with "@" mentions; an OPD reads its request's path, never the office's notes."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from models import (
    AuditAction,
    AuditEntry,
    Comment,
    Notice,
    NoticeKind,
    OutgoingMail,
    PauseReason,
    Role,
    StepRecord,
    db,
)
from models.comments import COMMENT_LIMIT, mentioned_names
from models.office_calendar import office_calendar
from models.recording import save
from models.timeline import Timeline

from .builders import (
    NOW,
    RECEIVED,
    S,
    make_agency,
    make_disposition,
    make_letter,
    make_meeting,
    make_notice,
    make_user,
    staff,
    walk,
)
from .test_scale import statements

#: Each letter's meeting its own time in the room.
SLOTS = itertools.count()
NOTE = "Catatan internal: anggaran belum pasti"
MINUTES = "Notulen internal: server belum siap"
COMMENT = "Sudah saya telaah, lanjut @staf.kasi"


def budgeted_letter(agency=None, comments=1, pauses=1, reads=0):
    """A letter from reception to the RKA: both dispositions (the Kasi's with a note, read),
    `pauses` pauses of step 2, a held meeting with minutes, the decision, an RKA item, and
    `comments` staff comments; `reads` notices about it read."""
    kabid, kasi = staff(Role.KABID), staff(Role.KASI)
    letter = make_letter(agency=agency, status=S.AT_KABID)
    make_disposition(letter=letter, from_user=kabid, to_user=kasi, note=NOTE,
                     disposed_at=RECEIVED + timedelta(minutes=40),
                     read_at=RECEIVED + timedelta(minutes=45))
    step, calendar = letter.open_step(2), office_calendar()
    for n in range(pauses):
        paused = RECEIVED + timedelta(minutes=50 + 10 * n)
        step.pause(paused, PauseReason.WAITING_FOR_OPD)
        save(db.session, step, at=paused, by=kasi, created=False)
        step.resume(paused + timedelta(minutes=5), calendar)
        save(db.session, step, at=paused + timedelta(minutes=5), by=kasi, created=False)
    meeting = make_meeting(letter=letter, at=RECEIVED + timedelta(hours=2),  # invited then,
                           scheduled_at=RECEIVED + timedelta(days=1, hours=3 * next(SLOTS)))
    meeting.held_at, meeting.minutes = meeting.scheduled_at, MINUTES
    save(db.session, meeting, at=NOW, by=kasi, created=False)
    walk(letter, S.IN_RKA)
    for n in range(comments):  # the first by the Kabid, the others each by someone else
        save(db.session, Comment(letter=letter, body=f"{COMMENT} ({n})"),
             at=NOW + timedelta(hours=1, minutes=n), by=make_user(Role.KASI) if n else kabid)
    for _ in range(reads):
        make_notice(recipient=make_user(Role.KASI), letter=letter,
                    read_at=NOW + timedelta(hours=2))
    db.session.commit()
    return letter


def test_the_timeline_tells_the_staff_everything_in_time_order(app):
    letter = budgeted_letter()
    timeline = Timeline.of(letter, db.session, viewer=staff(Role.KADIS))
    kinds = [entry.kind for entry in timeline.entries]
    # each disposition told once, with the status it brought
    assert kinds == ["received", "status", "disposition", "disposition",
                     "read", "pause", "resume", "status", "meeting", "held", "file", "status",
                     "status", "decision", "rka", "comment"], kinds
    moments = [entry.at for entry in timeline.entries]
    assert moments == sorted(moments)
    words = {entry.kind: entry for entry in timeline.entries}
    kasi = staff(Role.KASI)
    assert words["disposition"].what == f"Didisposisikan kepada {kasi.full_name}"
    assert words["disposition"].who == staff(Role.KABID)
    assert f"Catatan: {NOTE}" in words["disposition"].details
    assert "Instruksi: Proses lebih lanjut" in words["disposition"].details
    assert words["read"].who == kasi and words["read"].what == "Disposisi dibaca"
    assert words["pause"].what == "Langkah dijeda: 2 · Kasi menganalisis dan berkoordinasi"
    assert words["pause"].details == ["Alasan: Menunggu OPD"] and words["pause"].who == kasi
    assert words["held"].details == [f"Notulen: {MINUTES}"] and words["held"].who == kasi
    assert words["decision"].what == "Keputusan: Diterima"
    assert words["comment"].text == f"{COMMENT} (0)"
    assert timeline.entries[2].what == f"Didisposisikan kepada {staff(Role.KABID).full_name}"
    assert timeline.entries[2].details == [
        "Instruksi: Proses lebih lanjut",
        "Langkah 1 · Kabid mendisposisikan ke Kasi, tenggat 28 Februari 2025 08:45 WIB",
        "dicatat kemudian, pada 3 Maret 2025 08:00 WIB"]


def test_the_timeline_tells_an_opd_only_its_requests_path(app):
    letter = budgeted_letter()
    opd = make_user(Role.OPD, agency=letter.agency)
    timeline = Timeline.of(letter, db.session, viewer=opd)
    kinds = [entry.kind for entry in timeline.entries]
    assert kinds == ["received", "status", "status", "status", "status", "meeting", "held",
                     "file", "status", "status", "decision"], kinds
    assert not timeline.internal
    assert all(entry.who is None for entry in timeline.entries)  # no official's name
    shown = " ".join(line for entry in timeline.entries for line in [entry.what, *entry.details])
    assert "Tenggat 28 Februari 2025 08:45 WIB" in shown
    assert NOTE not in shown and MINUTES not in shown and "Langkah" not in shown


def test_an_opd_page_never_shows_notes_comments_or_the_step_table(client, login_as):
    letter = budgeted_letter()
    other = budgeted_letter(agency=make_agency())
    login_as(Role.OPD, agency=letter.agency)
    page = client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert "Undangan rapat teknis" in page and "Keputusan: Diterima" in page
    assert "Tenggat 28 Februari 2025 08:45 WIB" in page
    for internal in (NOTE, MINUTES, COMMENT, "Proses lebih lanjut", "Langkah SOP",
                     "Riwayat Status", "Tambah komentar", "Langkah dijeda", "Disposisi dibaca",
                     staff(Role.KASI).full_name):
        assert internal not in page, internal
    # another agency's letter is not there: as for any id not found, back to the list
    guessed = client.get(f"/admin/letters/details/?id={other.id}")
    assert guessed.status_code == 302
    shown = client.get(f"/admin/letters/details/?id={other.id}", follow_redirects=True)
    assert other.subject not in shown.get_data(as_text=True)
    before = db.session.query(Comment).count()
    assert client.post("/admin/letters/comment/", {"id": letter.id, "body": "Halo"}
                       ).status_code == 403
    assert client.post("/admin/letters/comment/", {"id": other.id, "body": "Halo"}
                       ).status_code == 404
    assert db.session.query(Comment).count() == before


def test_a_mention_tells_an_active_colleague_in_the_panel_and_by_email(client, login_as):
    letter = make_letter(status=S.AT_KASI)
    kasi = staff(Role.KASI)
    kasi.email = "kasi@pontianak.go.id.example"
    opd = make_user(Role.OPD, agency=letter.agency, username="opd.dinkes")
    gone = make_user(Role.KABID, username="pensiun", active=False)
    db.session.commit()
    author = login_as(Role.KABID)
    body = (f"Mohon dicek @{kasi.username.upper()}. Tembusan @opd.dinkes, @pensiun, "
            f"@tidak.ada dan @{author.username}; surel a@b.example bukan sebutan.")
    response = client.post("/admin/letters/comment/", {"id": letter.id, "body": body})
    assert response.status_code == 302 and "#timeline-title" in response.headers["Location"]
    comment = db.session.scalar(select(Comment))
    assert comment.body == body and comment.author_id == author.id
    notices = db.session.scalars(select(Notice)).all()
    assert [(n.recipient_id, n.kind) for n in notices] == [(kasi.id, NoticeKind.MENTIONED)]
    assert body in notices[0].body and author.full_name in notices[0].subject
    mails = db.session.scalars(select(OutgoingMail)).all()
    assert [mail.to_address for mail in mails] == [kasi.email]
    assert {opd.id, gone.id}.isdisjoint(n.recipient_id for n in notices)
    page = client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert "@tidak.ada" in page  # left as text


def test_mentions_are_names_after_an_at_that_starts_a_word():
    assert mentioned_names("@Staf.Kasi, tolong. Juga @staf.kasi. dan a@b.c @x-y_z!") == [
        "staf.kasi", "x-y_z"]


def test_a_comment_is_audited_and_shown_as_text(client, login_as):
    letter = make_letter(status=S.AT_KADIS)
    db.session.commit()
    author = login_as(Role.CLERK)
    hostile = '<script>alert("x")</script><b>tebal</b>'
    client.post("/admin/letters/comment/", {"id": letter.id, "body": hostile})
    comment = db.session.scalar(select(Comment))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.table_name == "letter_comment"))
    assert entry.action is AuditAction.CREATE and entry.row_id == comment.id
    assert entry.user_id == author.id and entry.changed_fields["body"] == [None, hostile]
    page = client.get(f"/admin/letters/details/?id={letter.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
    assert "<b>tebal</b>" not in page
    client.logout()
    login_as(Role.SUPERVISOR)
    trail = client.get("/admin/audit/").get_data(as_text=True)
    assert f"Komentar pada surat · {letter}" in trail and "<script>alert(" not in trail


@pytest.mark.parametrize("body, message", [
    ("x" * (COMMENT_LIMIT + 1), f"Paling banyak {COMMENT_LIMIT} karakter"),
    ("halo\x07dunia", "karakter tak terlihat"),
    ("   \n ", "Tulis komentarnya terlebih dahulu"),
])
def test_a_bad_comment_is_refused_with_a_message_and_nothing_saved(client, login_as, body,
                                                                   message):
    letter = make_letter(status=S.AT_KADIS)
    db.session.commit()
    login_as(Role.KADIS)
    response = client.post("/admin/letters/comment/", {"id": letter.id, "body": body},
                           follow_redirects=True)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.query(Comment).count() == 0


def test_a_comment_without_the_csrf_token_is_refused(client, login_as):
    letter = make_letter(status=S.AT_KADIS)
    db.session.commit()
    login_as(Role.KADIS)
    response = client.post("/admin/letters/comment/", {"id": letter.id, "body": "Halo"},
                           csrf=False)
    assert response.status_code == 400 and db.session.query(Comment).count() == 0


def test_a_comment_cannot_be_changed_once_written(app):
    letter = budgeted_letter()
    comment = db.session.scalar(select(Comment).where(Comment.letter_id == letter.id))
    comment.body = "diubah"
    with pytest.raises(Exception, match="tidak dapat diubah"):
        save(db.session, comment, at=NOW + timedelta(days=1), by=staff(Role.KABID),
             created=False)
    db.session.rollback()


def test_a_timeline_page_costs_the_same_statements_however_long(client, login_as):
    short = budgeted_letter(comments=1, pauses=1, reads=0)
    long = budgeted_letter(comments=12, pauses=4, reads=5)
    login_as(Role.KABID)
    counts = []
    for letter in (short, long, short):
        with statements() as sent:
            assert client.get(f"/admin/letters/details/?id={letter.id}").status_code == 200
        counts.append(len(sent))
    assert counts[1] == counts[2], counts


def test_a_pause_the_trail_holds_no_change_for_still_shows(app):
    """As a step written already paused (a register replayed): its pause is on the timeline."""
    letter = make_letter(status=S.AT_KASI)
    step = letter.open_step(2)
    db.session.execute(update(StepRecord).where(StepRecord.id == step.id).values(
        paused_since=RECEIVED + timedelta(hours=1), pause_reason=PauseReason.OTHER))
    db.session.commit()
    db.session.expire_all()
    timeline = Timeline.of(letter, db.session, viewer=staff(Role.KASI))
    pauses = [entry for entry in timeline.entries if entry.kind == "pause"]
    assert [(entry.at, entry.what, entry.details) for entry in pauses] == [
        (RECEIVED + timedelta(hours=1), "Langkah dijeda: 2 · Kasi menganalisis dan berkoordinasi",
         ["Alasan: Lainnya"])]


def test_a_step_paused_now_shows_one_pause(app):
    letter, kasi = make_letter(status=S.AT_KASI), staff(Role.KASI)
    step = letter.open_step(2)
    paused = NOW + timedelta(seconds=1, microseconds=250)  # the trail keeps whole seconds
    step.pause(paused, PauseReason.WAITING_FOR_OPD)
    save(db.session, step, at=paused, by=kasi, created=False)
    db.session.commit()
    timeline = Timeline.of(letter, db.session, viewer=kasi)
    assert [entry.who for entry in timeline.entries if entry.kind == "pause"] == [kasi]
