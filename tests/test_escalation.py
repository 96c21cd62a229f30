"""Notices for every hand-off and escalation: the Kepala Dinas hears of a forwarded letter, the
clerk of an online request, and an overdue step's holder and their superior hear of it once."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import (
    ActingAssignment,
    LetterStatus,
    NoticeKind,
    OutgoingMail,
    PauseReason,
    Role,
    db,
)
from models.escalation import escalate_overdue

from .builders import NOW, RECEIVED, _save, make_agency, make_letter, make_user, staff
from .test_notifications import mail_server, notices, outbox, post, smtp  # noqa: F401

S = LetterStatus
#: Step 1 of a letter the Kepala Dinas disposed at RECEIVED + 30 minutes (Friday 08:30 WIB)
#: is due 15 working minutes later, at 08:45 WIB.
DUE = RECEIVED + timedelta(minutes=45)


def _days_ago(days):
    """A letter date the form takes without asking: a few days before today."""
    return (date.today() - timedelta(days=days)).strftime("%d/%m/%Y")


def official(role, **overrides):
    user = staff(role)
    user.email = overrides.get("email", f"{role.value}@pontianak.go.id.example")
    return user


def kinds(user):
    return [notice.kind for notice in notices(user)]


def test_the_kepala_dinas_is_told_of_a_letter_the_clerk_forwards(client, login_as,
                                                                    mail_server):  # noqa: F811
    kadis = official(Role.KADIS)
    letter = make_letter(subject="Presensi Guru", agency=make_agency(name="Dinas Pendidikan"))
    db.session.commit()
    clerk = login_as(Role.CLERK)

    post(client, "/admin/letters/action/", {"action": "send_to_kadis", "rowid": letter.id})

    [notice] = notices(kadis)
    assert notice.kind is NoticeKind.FORWARDED and notice.letter_id == letter.id
    assert notice.subject == "Surat untuk Anda: Presensi Guru"
    [message] = mail_server.to("kadis@pontianak.go.id.example")
    body = message.get_content()
    assert f"{clerk.full_name} meneruskan surat permohonan kepada Kepala Dinas" in body
    assert "dari Dinas Pendidikan" in body and "didisposisikan ke Kabid" in body
    assert notices(clerk) == []


def test_the_clerk_is_told_of_a_request_an_opd_submits_online(client, login_as):
    clerk, other_clerk = official(Role.CLERK), make_user(Role.CLERK, active=False)
    agency = make_agency(name="Dinas Kesehatan")
    db.session.commit()
    login_as(Role.OPD, agency=agency)

    response = post(client, "/admin/letters/new/", {
        "number": "000.8/77/Dinkes/2025", "letter_date": _days_ago(3), "subject": "Antrean",
        "agency": agency.id,
        "request_kind": "new", "application_name": "Antrean Puskesmas",
        "spbe_category": "specific", "security_class": "biasa", "urgency": "biasa"})

    assert response.status_code == 302, response.get_data(as_text=True)
    assert kinds(clerk) == [NoticeKind.SUBMITTED] and notices(other_clerk) == []
    assert notices(clerk)[0].subject == "Permohonan diajukan daring: Antrean"
    [mail] = outbox()
    assert mail.to_address == clerk.email and "Dinas Kesehatan mengajukan" in mail.body


def test_a_letter_the_clerk_registers_tells_nobody(client, login_as):
    official(Role.CLERK)
    agency = make_agency()
    db.session.commit()
    login_as(Role.CLERK)
    response = post(client, "/admin/letters/new/", {
        "number": "000.8/78/X/2025", "letter_date": "2025-02-27",
        "received_at": "2025-02-28 08:00:00", "agency": agency.id, "subject": "Antrean",
        "request_kind": "new", "application_name": "Antrean", "spbe_category": "specific",
        "security_class": "biasa", "urgency": "biasa", "archive_code": "500.12"})
    assert response.status_code == 302
    assert outbox() == [] and db.session.scalar(select(OutgoingMail.id)) is None


def test_an_overdue_step_is_told_to_its_holder_and_their_superior_once(app):
    kabid, kadis, kasi = official(Role.KABID), official(Role.KADIS), official(Role.KASI)
    letter = make_letter(status=S.AT_KABID, subject="Pengaduan Jalan Rusak")
    db.session.commit()

    assert escalate_overdue(db.session, DUE - timedelta(minutes=1)) == 0
    assert escalate_overdue(db.session, DUE + timedelta(minutes=1)) == 1
    db.session.commit()
    assert escalate_overdue(db.session, DUE + timedelta(days=3)) == 0  # once, not every run
    db.session.commit()

    assert kinds(kabid) == kinds(kadis) == [NoticeKind.OVERDUE] and notices(kasi) == []
    notice = notices(kabid)[0]
    assert notice.letter_id == letter.id and notice.subject == (
        "Terlambat: langkah 1 · Kabid mendisposisikan ke Kasi, Pengaduan Jalan Rusak")
    assert "bertenggat 28 Februari 2025 08:45 WIB" in notice.body
    assert sorted(mail.to_address for mail in outbox()) == [kabid.email, kadis.email]
    assert letter.open_step(1).overdue_notified_at == DUE + timedelta(minutes=1)


def test_the_kasis_overdue_step_goes_up_to_the_kabid_and_to_whoever_acts_for_them(app):
    kabid, kadis, kasi = official(Role.KABID), official(Role.KADIS), official(Role.KASI)
    plh = make_user(Role.KASI, email="plh@pontianak.go.id.example")
    _save(ActingAssignment(acting_user=plh, absent_user=kabid, first_day=date(2025, 2, 24),
                           last_day=date(2025, 3, 7)))
    make_letter(status=S.AT_KASI)  # step 2 due at 09:40 WIB
    db.session.commit()

    assert escalate_overdue(db.session, NOW) == 1
    db.session.commit()

    assert kinds(kasi) == kinds(kabid) == kinds(plh) == [NoticeKind.OVERDUE]
    assert notices(kadis) == []


def test_a_paused_step_an_archived_letter_and_a_step_on_time_are_not_escalated(app):
    official(Role.KABID)
    paused = make_letter(status=S.AT_KABID)
    paused.open_step(1).pause(DUE - timedelta(minutes=5), PauseReason.WAITING_FOR_OPD)
    make_letter(status=S.AT_KABID).archive(at=NOW)
    make_letter(status=S.AT_KABID, received_at=NOW, at=NOW + timedelta(hours=1))  # due 08:45
    db.session.commit()
    assert escalate_overdue(db.session, NOW + timedelta(minutes=10)) == 0


def test_the_cron_command_escalates_even_with_mail_off(app):
    kabid, _ = official(Role.KABID), official(Role.KADIS)
    make_letter(status=S.AT_KABID)  # overdue since 2025: the command reads the real clock
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["notifications", "send"])

    assert "overdue steps announced: 1" in result.output
    assert result.exit_code == 1 and "MAIL_SERVER is empty" in result.output
    db.session.commit()
    assert kinds(kabid) == [NoticeKind.OVERDUE]
    db.session.commit()
    again = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert "overdue steps announced: 0" in again.output
    assert len(outbox()) == 2  # the Kabid's and the Kepala Dinas's, queued once


def test_the_cron_command_sends_the_escalation_emails(app, mail_server):  # noqa: F811
    official(Role.KABID)
    official(Role.KADIS)
    make_letter(status=S.AT_KABID)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["notifications", "send"])

    assert result.exit_code == 0, result.output
    assert "sent 2, failed 0" in result.output
    [to_kadis] = mail_server.to("kadis@pontianak.go.id.example")
    assert to_kadis["Subject"].startswith("Terlambat: langkah 1")
    assert datetime.now(UTC) > DUE
