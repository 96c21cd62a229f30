"""Notices and emails: a real SMTP server on loopback receives what the panel sends."""

import asyncio
import email
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from models import Language, LetterStatus, Meeting, Notice, NoticeKind, OutgoingMail, Role, db
from models.addresses import InvalidEmail, clean_email
from models.mailer import retry_after, send_pending, sender
from models.timezone import to_local

from .builders import make_agency, make_letter, make_notice, make_user

#: Indonesian month names, written out here so the test does not trust the app's formatting.
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"]


def wib(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local.day} {BULAN[local.month - 1]} {local.year} {local:%H:%M} WIB"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1: every message it accepts lands in `inbox`; with `hold` set, only
    after that many seconds, or once `released` is set."""

    def __init__(self, port):
        self.port, self.inbox, self.controller = port, [], None
        self.hold, self.released = 0, threading.Event()

    async def handle_DATA(self, server, session, envelope):
        until = time.monotonic() + self.hold
        while time.monotonic() < until and not self.released.is_set():
            await asyncio.sleep(0.05)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.inbox.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address):
        return [message for recipients, message in self.inbox if address in recipients]


@pytest.fixture
def smtp(app):
    """The app's mail settings point at a loopback port; the server there is not started."""
    server = SmtpServer(free_port())
    settings = dict(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False,
                    MAIL_USERNAME="", MAIL_FROM="SOP Aplikasi <sop@diskominfo.example>",
                    MAIL_TIMEOUT=5)
    saved = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield server
    sender(app).stop(timeout=30)  # the app's mail thread ends before its server does
    server.stop()
    app.config.update(saved)


@pytest.fixture
def mail_server(smtp):
    smtp.start()
    return smtp


@pytest.fixture
def opd(app):
    """An agency with its own mailbox and two OPD staff: one with an address, one without."""
    agency = make_agency(name="Dinas Kesehatan", email="dinkes@pontianak.go.id.example")
    with_mail = make_user(Role.OPD, agency=agency, full_name="Fransiska",
                          email="fransiska@pontianak.go.id.example")
    without = make_user(Role.OPD, agency=agency, full_name="Rizki")
    make_user(Role.OPD, agency=agency, full_name="Pensiun", active=False,
              email="pensiun@pontianak.go.id.example")
    make_user(Role.OPD, full_name="Orang Lain", email="lain@pontianak.go.id.example")
    db.session.commit()
    return agency, with_mail, without


def notices(user):
    return db.session.scalars(select(Notice).where(Notice.recipient_id == user.id)).all()


def outbox():
    return db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def office_time(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M:%S")


def post(client, path, data):
    """Post with the token from a light page (the leaders' home page draws charts), then wait
    for the mail thread to try the emails the request queued."""
    response = client.post(path, {**data, "csrf_token": client.token("/admin/notices/")})
    assert sender(client.app).idle(timeout=30)
    return response


def schedule_meeting(client, letter, when):
    return post(client, "/admin/meetings/new/", {
        "letter": letter.id, "scheduled_at": office_time(when),
        "place": "Ruang Rapat Pontive Center"})


def next_week_at_nine() -> datetime:
    day = to_local(datetime.now(UTC) + timedelta(days=7))
    return day.replace(hour=9, minute=0, second=0, microsecond=0).astimezone(UTC)


def test_a_scheduled_meeting_reaches_the_opd_by_email_and_in_the_panel(
        client, login_as, mail_server, opd):
    agency, with_mail, without = opd
    letter = make_letter(agency=agency, status=LetterStatus.AT_KASI, subject="Antrean Puskesmas")
    db.session.commit()
    kasi = login_as(Role.KASI)
    when = next_week_at_nine()

    assert schedule_meeting(client, letter, when).status_code == 302

    assert sorted(to for to, _ in mail_server.inbox) == [
        ["dinkes@pontianak.go.id.example"], ["fransiska@pontianak.go.id.example"]]
    message = mail_server.to("fransiska@pontianak.go.id.example")[0]
    assert message["Subject"] == "Undangan rapat teknis: Antrean Puskesmas"
    assert message["From"] == "SOP Aplikasi <sop@diskominfo.example>"
    body = message.get_content()
    assert "Yth. Fransiska," in body and letter.number in body
    assert f"Waktu: {wib(when)}" in body and "09:00 WIB" in body
    assert "Tempat: Ruang Rapat Pontive Center" in body
    assert f"Pengundang: {kasi.full_name}, {kasi.position}" in body
    agency_copy = mail_server.to("dinkes@pontianak.go.id.example")[0].get_content()
    assert "Yth. Dinas Kesehatan," in agency_copy
    for person in (with_mail, without):
        [notice] = notices(person)
        assert notice.kind is NoticeKind.MEETING_SCHEDULED and notice.read_at is None
        assert wib(when) in notice.body
    assert all(mail.sent_at and mail.attempts == 1 for mail in outbox())


def test_a_decision_tells_the_opd_the_outcome(client, login_as, mail_server, opd):
    agency, with_mail, _ = opd
    letter = make_letter(agency=agency, status=LetterStatus.IN_ANALYSIS)
    db.session.commit()
    login_as(Role.KASI)
    decided = datetime.now(UTC) - timedelta(minutes=1)

    response = post(client, "/admin/decisions/new/", {
        "letter": letter.id, "outcome": "accepted", "decided_at": office_time(decided)})

    assert response.status_code == 302
    [message] = mail_server.to("fransiska@pontianak.go.id.example")
    assert message["Subject"] == f"Keputusan atas permohonan: Diterima, {letter.subject}"
    body = message.get_content()
    assert f"Keputusan: Diterima, pada {wib(decided)}" in body
    assert f"anggaran tahun {to_local(decided).year + 1}" in body
    assert [n.kind for n in notices(with_mail)] == [NoticeKind.DECIDED]


def test_a_rejection_tells_the_opd_the_reason_and_the_reply_letter(
        client, login_as, mail_server, opd):
    agency, with_mail, without = opd
    letter = make_letter(agency=agency, status=LetterStatus.IN_ANALYSIS)
    db.session.commit()
    login_as(Role.KASI)
    decided = datetime.now(UTC) - timedelta(minutes=1)
    form = {"letter": letter.id, "outcome": "rejected", "decided_at": office_time(decided),
            "reply_number": "000.8/77/Diskominfo",
            "reply_date": to_local(decided).date().isoformat()}

    refused = post(client, "/admin/decisions/new/", form)  # no reason: the model refuses
    assert refused.status_code == 200 and mail_server.inbox == [] and outbox() == []

    form["reason"] = "Sudah ada aplikasi umum yang memenuhi kebutuhan."
    assert post(client, "/admin/decisions/new/", form).status_code == 302

    body = mail_server.to("fransiska@pontianak.go.id.example")[0].get_content()
    assert "Keputusan: Ditolak" in body
    assert "Alasan: Sudah ada aplikasi umum yang memenuhi kebutuhan." in body
    local = to_local(decided)
    assert (f"Surat balasan: nomor 000.8/77/Diskominfo tanggal "
            f"{local.day} {BULAN[local.month - 1]} {local.year}") in body
    assert len(mail_server.to("dinkes@pontianak.go.id.example")) == 1
    assert [n.kind for n in notices(without)] == [NoticeKind.DECIDED]


def test_a_disposition_tells_the_official_who_receives_it(client, login_as, mail_server):
    kabid = make_user(Role.KABID, full_name="Yuliana", email="kabid@pontianak.go.id.example")
    letter = make_letter(status=LetterStatus.AT_KADIS, subject="Presensi Guru")
    db.session.commit()
    kadis = login_as(Role.KADIS)

    response = post(client, "/admin/dispositions/new/", {
        "letter": letter.id, "to_user": kabid.id, "instructions": ["process", "review"],
        "note": "Mohon segera", "disposed_at": office_time(datetime.now(UTC))})

    assert response.status_code == 302
    [notice] = notices(kabid)
    assert notice.kind is NoticeKind.DISPOSED and notice.subject == (
        "Disposisi untuk Anda: Presensi Guru")
    [message] = mail_server.to("kabid@pontianak.go.id.example")
    body = message.get_content()
    assert f"{kadis.full_name} mendisposisikan surat permohonan kepada Anda" in body
    assert "Instruksi: Proses lebih lanjut, Telaah" in body and "Catatan: Mohon segera" in body
    assert notices(kadis) == []


def test_the_response_does_not_wait_for_the_mail_server(app, client, login_as, smtp):
    smtp.hold = 20  # the server takes this long to accept an email
    app.config["MAIL_TIMEOUT"] = 30  # and the app is ready to wait for it
    smtp.start()
    kabid = make_user(Role.KABID, email="kabid@pontianak.go.id.example")
    letter = make_letter(status=LetterStatus.AT_KADIS)
    db.session.commit()
    login_as(Role.KADIS)
    form = {"letter": letter.id, "to_user": kabid.id, "instructions": ["process"],
            "disposed_at": office_time(datetime.now(UTC)),
            "csrf_token": client.token("/admin/notices/")}

    started = time.monotonic()
    response = client.post("/admin/dispositions/new/", form)

    assert response.status_code == 302 and time.monotonic() - started < smtp.hold / 2
    assert smtp.inbox == []  # the page came back while the server still held the email
    smtp.released.set()
    assert sender(app).idle(timeout=30)
    assert len(smtp.to("kabid@pontianak.go.id.example")) == 1
    [mail] = outbox()
    assert mail.sent_at and mail.attempts == 1


def test_a_failed_send_is_kept_and_sent_exactly_once_when_the_server_is_back(
        app, client, login_as, smtp, opd):
    agency, with_mail, _ = opd
    letter = make_letter(agency=agency, status=LetterStatus.AT_KASI)
    db.session.commit()
    login_as(Role.KASI)

    assert schedule_meeting(client, letter, next_week_at_nine()).status_code == 302  # no server

    assert letter.status is LetterStatus.IN_ANALYSIS  # the meeting was saved all the same
    mails = outbox()
    assert len(mails) == 2 and len(notices(with_mail)) == 1
    for mail in mails:
        assert mail.sent_at is None and mail.attempts == 1
        assert "ConnectionRefusedError" in mail.last_error
        assert mail.next_attempt_at > datetime.now(UTC)
        mail.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)  # the wait is over
    db.session.commit()
    smtp.start()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["notifications", "send"])
    again = runner.invoke(args=["notifications", "send"])

    assert first.exit_code == 0 and "sent 2, failed 0" in first.output
    assert again.exit_code == 0 and "sent 0, failed 0" in again.output
    assert len(smtp.to("fransiska@pontianak.go.id.example")) == 1
    assert len(smtp.inbox) == 2
    db.session.expire_all()
    assert all(mail.sent_at and mail.attempts == 2 and not mail.last_error for mail in outbox())


def test_a_second_sender_leaves_a_claimed_email_alone(app, mail_server, opd):
    _, with_mail, _ = opd
    notice = make_notice(recipient=with_mail)
    db.session.add(OutgoingMail(to_address=with_mail.email, subject="Uji", body="Isi",
                                letter=notice.letter, created_at=notice.created_at,
                                next_attempt_at=notice.created_at))
    db.session.commit()
    at = datetime.now(UTC)

    assert send_pending(db.session, app.config, at) == (1, 0)
    assert send_pending(db.session, app.config, at) == (0, 0)
    assert len(mail_server.inbox) == 1


def test_with_mail_off_the_emails_wait_in_the_outbox(app, client, login_as, opd):
    agency, *_ = opd
    letter = make_letter(agency=agency, status=LetterStatus.AT_KASI)
    db.session.commit()
    login_as(Role.KASI)

    assert schedule_meeting(client, letter, next_week_at_nine()).status_code == 302

    assert [(m.attempts, m.sent_at) for m in outbox()] == [(0, None), (0, None)]
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 1 and "2 email(s) wait in the outbox" in result.output


def test_a_meeting_moved_to_another_day_is_announced_again(client, login_as, mail_server, opd):
    agency, with_mail, _ = opd
    letter = make_letter(agency=agency, status=LetterStatus.AT_KASI)
    db.session.commit()
    login_as(Role.KASI)
    schedule_meeting(client, letter, next_week_at_nine())
    meeting = db.session.scalar(select(Meeting).where(Meeting.letter_id == letter.id))
    later = next_week_at_nine() + timedelta(days=1)

    response = post(client, f"/admin/meetings/edit/?id={meeting.id}", {
        "letter": letter.id, "scheduled_at": office_time(later), "edit_version": meeting.version,
        "place": "Ruang Rapat Pontive Center"})

    assert response.status_code == 302
    moved = mail_server.to("fransiska@pontianak.go.id.example")[-1]
    assert moved["Subject"].startswith("Perubahan jadwal rapat teknis")
    assert f"Waktu: {wib(later)}" in moved.get_content()
    assert len(notices(with_mail)) == 2


def test_a_meeting_already_held_invites_nobody(client, login_as, mail_server, opd):
    agency, with_mail, _ = opd
    letter = make_letter(agency=agency, status=LetterStatus.AT_KASI)
    db.session.commit()
    login_as(Role.KASI)
    yesterday = datetime.now(UTC) - timedelta(days=1)

    assert schedule_meeting(client, letter, yesterday).status_code == 302

    assert notices(with_mail) == [] and mail_server.inbox == []


def test_a_person_sees_only_their_own_notices(client, login_as):
    reader = login_as(Role.KABID)
    mine = make_notice(recipient=reader, subject="Disposisi MILIK SAYA")
    theirs = make_notice(subject="Disposisi ORANG LAIN")
    db.session.commit()

    listing = client.get("/admin/notices/").get_data(as_text=True)
    assert "MILIK SAYA" in listing and "ORANG LAIN" not in listing
    assert "1 belum dibaca" in listing
    assert "MILIK SAYA" in client.get("/admin/").get_data(as_text=True)  # the home page
    assert client.get(f"/admin/notices/details/?id={theirs.id}").status_code == 404
    post(client, "/admin/notices/action/", {"action": "mark_read", "rowid": theirs.id})
    db.session.commit()
    assert db.session.get(Notice, theirs.id).read_at is None

    details = client.get(f"/admin/notices/details/?id={mine.id}")

    assert details.status_code == 200 and "Mohon ditelaah." in details.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(Notice, mine.id).read_at is not None
    assert "belum dibaca" not in client.get("/admin/notices/").get_data(as_text=True)


def test_mark_as_read_marks_the_chosen_notices(client, login_as):
    reader = login_as(Role.OPD)
    first, second = (make_notice(recipient=reader, letter=make_letter(agency=reader.agency))
                     for _ in range(2))
    db.session.commit()

    post(client, "/admin/notices/action/", {"action": "mark_read", "rowid": [first.id]})

    db.session.commit()
    assert db.session.get(Notice, first.id).read_at is not None
    assert db.session.get(Notice, second.id).read_at is None


def test_each_person_reads_a_notice_in_their_own_language(client, login_as, mail_server):
    kabid = make_user(Role.KABID, language=Language.EN, email="kabid@pontianak.go.id.example")
    letter = make_letter(status=LetterStatus.AT_KADIS, subject="Presensi Guru")
    db.session.commit()
    login_as(Role.KADIS)

    post(client, "/admin/dispositions/new/", {
        "letter": letter.id, "to_user": kabid.id, "instructions": ["process"],
        "disposed_at": office_time(datetime.now(UTC))})

    assert notices(kabid)[0].subject == "Disposition for you: Presensi Guru"
    assert "Instructions: Proses lebih lanjut" in mail_server.inbox[0][1].get_content()


def test_the_wait_between_tries_doubles_up_to_six_hours():
    assert [retry_after(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (5, 10, 20)]
    assert retry_after(30) == timedelta(hours=6)


@pytest.mark.parametrize("typed,stored", [
    ("  Nama.Pegawai@Dinkes.Pontianak.go.id ", "Nama.Pegawai@dinkes.pontianak.go.id"),
    ("", None), (None, None)])
def test_an_email_address_is_stored_trimmed(typed, stored):
    assert clean_email(typed) == stored


@pytest.mark.parametrize("typed", ["pegawai", "pegawai@localhost", "a b@dinkes.go.id",
                                   "a@dinkes.go.id\nBcc: x@y.id", "x" * 250 + "@a.id"])
def test_an_email_address_that_cannot_be_one_is_refused(typed):
    with pytest.raises(InvalidEmail):
        clean_email(typed)
