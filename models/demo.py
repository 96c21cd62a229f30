"""Demo data: Pontianak's agencies, Diskominfo staff, a year of requests walked through the SOP."""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from .agencies import Agency, AgencyKind
from .applications import Application, ApplicationStatus, Platform
from .attachments import Attachment, AttachmentKind
from .budget import FundingSource, RkaItem, RkaStatus
from .calendar import RAMADAN_WEEK
from .decisions import Decision, Outcome
from .dispositions import Disposition, Instruction
from .equipment import EquipmentFault
from .errors import InvalidNip
from .letters import LetterStatus, RequestKind, RequestLetter, SecurityClass, SpbeCategory, Urgency
from .meetings import DEFAULT_PLACE, Meeting
from .nip import parse_nip
from .office_calendar import WEEKDAYS, WorkSchedule, office_calendar
from .steps import PauseReason
from .timezone import from_local, local_year, to_local
from .users import Language, Role, User
from .workflow import Move

DEMO_PASSWORD = "demo-sop-2026"
#: Demo addresses read like the city's but end in .example (RFC 2606): no demo email can
#: reach a real mailbox, whatever mail server is configured.
DEMO_MAIL_DOMAIN = "pontianak.go.id.example"

#: The six kecamatan of Kota Pontianak and their kelurahan.
KECAMATAN = [
    ("Barat", ["Pal Lima", "Sungai Beliung", "Sungai Jawi Dalam", "Sungai Jawi Luar"]),
    ("Kota", ["Darat Sekip", "Mariana", "Sungai Bangkong", "Sungai Jawi", "Tengah"]),
    ("Selatan", ["Akcaya", "Benua Melayu Darat", "Benua Melayu Laut", "Kota Baru",
                 "Parit Tokaya"]),
    ("Tenggara", ["Bansir Darat", "Bansir Laut", "Bangka Belitung Darat",
                  "Bangka Belitung Laut"]),
    ("Timur", ["Banjar Serasan", "Dalam Bugis", "Parit Mayor", "Saigon", "Tambelan Sampit",
               "Tanjung Hilir", "Tanjung Hulu"]),
    ("Utara", ["Batu Layang", "Siantan Hilir", "Siantan Hulu", "Siantan Tengah"]),
]

#: Dinas, badan, sekretariat and RSUD: code, short name, name, kind.
OFFICES = [
    ("DISKOMINFO", "Diskominfo", "Dinas Komunikasi dan Informatika", AgencyKind.DINAS),
    ("DINKES", "Dinkes", "Dinas Kesehatan", AgencyKind.DINAS),
    ("DISDIKBUD", "Disdikbud", "Dinas Pendidikan dan Kebudayaan", AgencyKind.DINAS),
    ("DISDUKCAPIL", "Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", AgencyKind.DINAS),
    ("DPMPTSP", "DPMPTSP", "Dinas Penanaman Modal Tenaga Kerja dan Pelayanan Terpadu Satu Pintu",
     AgencyKind.DINAS),
    ("DISHUB", "Dishub", "Dinas Perhubungan", AgencyKind.DINAS),
    ("DINSOS", "Dinsos", "Dinas Sosial", AgencyKind.DINAS),
    ("DLH", "DLH", "Dinas Lingkungan Hidup", AgencyKind.DINAS),
    ("DPUPR", "DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", AgencyKind.DINAS),
    ("BAPPEDA", "Bappeda", "Badan Perencanaan Pembangunan Daerah", AgencyKind.BADAN),
    ("BKAD", "BKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", AgencyKind.BADAN),
    ("BKPSDM", "BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
     AgencyKind.BADAN),
    ("SETDA", "Setda", "Sekretariat Daerah", AgencyKind.SEKRETARIAT),
    ("RSUD", "RSUD SSMA", "RSUD Sultan Syarif Mohamad Alkadrie", AgencyKind.RSUD),
]

#: Demo log-ins in role order: username, full name, role, agency code, position, NIP.
USERS = [
    ("admin", "Rudi Hartono, S.Kom.", Role.SYSADMIN, "DISKOMINFO", "Pranata Komputer Ahli Muda",
     "198505122010011003"),
    ("tu", "Siti Rahmawati", Role.CLERK, "DISKOMINFO", "Pengadministrasi Umum",
     "199003152014022001"),
    ("kadis", "Drs. Hendra Gunawan, M.Si.", Role.KADIS, "DISKOMINFO",
     "Kepala Dinas Komunikasi dan Informatika", "197108241996031002"),
    ("kabid", "Yuliana Sari, S.Kom., M.T.", Role.KABID, "DISKOMINFO", "Kepala Bidang TKPBET",
     "197812062003122004"),
    ("kasi", "Agus Salim, S.T.", Role.KASI, "DISKOMINFO", "Kepala Seksi PK&AI",
     "198201172006041005"),
    ("opd.dinkes", "Fransiska Natalia, S.Kom.", Role.OPD, "DINKES",
     "Pranata Komputer Ahli Pertama", "199207092019032006"),
    ("opd.disdukcapil", "Muhammad Rizki Pratama", Role.OPD, "DISDUKCAPIL",
     "Pengelola Data Kependudukan", "199502212022211004"),  # a PPPK number
    ("opd.palima", "Abdul Hamid", Role.OPD, "KEL-PAL-LIMA", "Sekretaris Kelurahan",
     "198811232015031002"),
    ("pengawas", "Dewi Lestari, S.E., M.M.", Role.SUPERVISOR, "DISKOMINFO",
     "Sekretaris Dinas Komunikasi dan Informatika", "197504302000032003"),
]

#: The inventory before the demo year: agency, name, SPBE category, platform, year built.
APPLICATIONS = [
    ("DINKES", "SIMPUS Kota Pontianak", SpbeCategory.SPECIFIC, Platform.WEB, 2019),
    ("DISDUKCAPIL", "Antrean Online Disdukcapil", SpbeCategory.SPECIFIC, Platform.MOBILE, 2020),
    ("BKPSDM", "SIMPEG", SpbeCategory.GENERAL, Platform.WEB, 2018),
    ("BKAD", "e-Pajak Daerah", SpbeCategory.SPECIFIC, Platform.WEB, 2019),
    ("DISHUB", "Sistem Informasi Parkir", SpbeCategory.SPECIFIC, Platform.WEB, 2021),
    ("DPMPTSP", "Perizinan Online", SpbeCategory.SPECIFIC, Platform.WEB, 2020),
    ("SETDA", "e-Office Pemkot Pontianak", SpbeCategory.GENERAL, Platform.WEB, 2018),
    ("DISDIKBUD", "PPDB Online", SpbeCategory.SPECIFIC, Platform.WEB, 2021),
    ("BAPPEDA", "e-Musrenbang", SpbeCategory.GENERAL, Platform.WEB, 2020),
    ("RSUD", "SIMRS", SpbeCategory.SPECIFIC, Platform.DESKTOP, 2019),
    ("DLH", "Bank Sampah Digital", SpbeCategory.SPECIFIC, Platform.MOBILE, 2024),
    ("KEC-PTK-BARAT", "Layanan Administrasi Kecamatan", SpbeCategory.GENERAL, Platform.WEB, 2023),
]

#: New applications the dinas and badan ask for.
NEW_REQUESTS = [
    ("DINKES", "Antrean Puskesmas"), ("DINKES", "Pemantauan Gizi Balita"),
    ("DINKES", "Pelaporan Penyakit Menular"), ("DISDIKBUD", "Rapor Digital Sekolah Dasar"),
    ("DISDIKBUD", "Presensi Guru"), ("DISDUKCAPIL", "Jemput Bola Adminduk"),
    ("DISDUKCAPIL", "Verifikasi Data Kependudukan"), ("DPMPTSP", "Bursa Kerja Kota Pontianak"),
    ("DISHUB", "Informasi Trayek Bus Kota"), ("DISHUB", "Uji Kendaraan Bermotor"),
    ("DINSOS", "Pengaduan Bantuan Sosial"), ("DLH", "Pelaporan Sampah Liar"),
    ("DLH", "Pemantauan Kualitas Air Sungai"), ("DPUPR", "Pengaduan Jalan Rusak"),
    ("BAPPEDA", "Sistem Informasi Pembangunan Daerah"), ("BKAD", "Inventarisasi Aset Daerah"),
    ("BKPSDM", "e-Kinerja Pegawai"), ("SETDA", "Agenda Pimpinan"), ("SETDA", "JDIH"),
    ("RSUD", "Pendaftaran Rawat Jalan"), ("RSUD", "Ketersediaan Tempat Tidur"),
]

#: What kecamatan and kelurahan ask for (followed by their short name).
AREA_REQUESTS = ["Surat Pengantar Online", "Pendataan Warga Miskin", "Pengaduan Warga",
                 "Profil Wilayah", "Antrean Pelayanan"]

#: Where the newest letters stand, newest first; older ones are analysed, then decided.
RECENT_STAGES = [LetterStatus.REGISTERED] * 2 + [LetterStatus.AT_KADIS] * 2 + [
    LetterStatus.AT_KABID] * 2 + [LetterStatus.AT_KASI] * 2 + [LetterStatus.IN_ANALYSIS] * 2
#: A letter older than this many days has been decided.
DECIDED_AFTER_DAYS = 45
#: Letters from the month before the year, decided early enough to be built by now.
CARRIED_OVER = 6

KADIS_ORDERS = [[Instruction.PROCESS], [Instruction.PROCESS, Instruction.REVIEW],
                [Instruction.RESPOND]]
KABID_ORDERS = [[Instruction.REVIEW, Instruction.COORDINATE],
                [Instruction.COORDINATE, Instruction.SCHEDULE_MEETING], [Instruction.PROCESS]]
MEETING_TIMES = [time(9), time(10), time(13, 30), time(14)]
MINUTES = ("Rapat teknis membahas {subject}. Hadir Kabid TKPBET, Kasi PK&AI dan perwakilan "
           "{agency}. OPD memaparkan proses bisnis dan kebutuhan data; Diskominfo menelaah "
           "kesesuaiannya dengan arsitektur SPBE Kota Pontianak.")
REJECTION_REASONS = [
    "Kebutuhan sudah dapat dipenuhi aplikasi umum SPBE yang tersedia.",
    "Proses bisnis dan kebutuhan data belum dirumuskan oleh OPD pemohon.",
    "Fungsi yang diminta tumpang tindih dengan aplikasi OPD lain; disarankan integrasi.",
]
BUDGET_CODES = ["2.16.03.1.02.0005", "2.16.03.1.02.0001", "2.16.03.1.02.0003"]
UNIT_PRICES = [Decimal(p) for p in ("75000000.00", "120000000.00", "150000000.00",
                                    "250000000.00", "350000000.00")]
#: Letters arrive from the opening of the office, over 8.5 hours.
OPEN = time(7, 30)


def seed_demo(session, at: datetime) -> list[User]:
    """Fill an empty database with the demo; on a filled one return the demo log-ins."""
    names = [row[0] for row in USERS]
    if session.scalar(select(Agency.id).limit(1)) is not None:
        found = session.scalars(select(User).where(User.username.in_(names)))
        return sorted(found, key=lambda user: names.index(user.username))
    rng = random.Random(2020)
    _seed_calendar(session, at)
    agencies = _seed_agencies(session, at)
    users = _seed_users(session, at, agencies)
    apps = [_save(session, at, users["admin"], Application(
        agency=agencies[code], name=name, spbe_category=category, platform=platform,
        year_built=year, status=ApplicationStatus.ACTIVE))
        for code, name, category, platform, year in APPLICATIONS]
    _seed_letters(session, at, rng, agencies, apps, users)
    _seed_faults(session, at, users["kasi"])
    session.flush()
    return list(users.values())


#: Ramadan 1447 H as the government set office hours for it (an example the sysadmin can edit).
RAMADAN_1447 = (date(2026, 2, 19), date(2026, 3, 19))


def _seed_calendar(session, at) -> None:
    """The regular week and a Ramadan period as rows, so the sysadmin sees what is in force."""
    ramadan = WorkSchedule(name="Ramadan 1447 H", first_day=RAMADAN_1447[0],
                           last_day=RAMADAN_1447[1],
                           **{day: " ".join(str(w) for w in RAMADAN_WEEK[n])
                              for n, day in enumerate(WEEKDAYS)})
    for schedule in (WorkSchedule.regular(), ramadan):
        _save(session, at, None, schedule)
    session.flush()


def _save(session, at, by, record):
    """Check a record by its model's own rules, then add it to the session."""
    with session.no_autoflush:
        record.before_save(at=at, by=by)
        session.add(record)
    return record


def _seed_agencies(session, at) -> dict[str, Agency]:
    """The offices, then each kecamatan with its kelurahan (codes of at most 20 characters)."""
    rows = [Agency(code=code, short_name=short, name=name, kind=kind)
            for code, short, name, kind in OFFICES]
    for suffix, kelurahan in KECAMATAN:
        kecamatan = Agency(code=f"KEC-PTK-{suffix.upper()}", name=f"Kecamatan Pontianak {suffix}",
                           short_name=f"Kec. Pontianak {suffix}", kind=AgencyKind.KECAMATAN)
        rows.append(kecamatan)
        for name in kelurahan:
            words = name.upper().split()
            code = "-".join(["KEL", *words])
            if len(code) > 20:  # KEL-BENUA-MELAYU-DARAT becomes KEL-BM-DARAT
                code = f"KEL-{''.join(w[0] for w in words[:-1])}-{words[-1]}"
            rows.append(Agency(code=code, name=f"Kelurahan {name}", short_name=f"Kel. {name}",
                               kind=AgencyKind.KELURAHAN, parent=kecamatan))
    for agency in rows:
        agency.email = f"{agency.code.lower()}@{DEMO_MAIL_DOMAIN}"
    return {_save(session, at, None, agency).code: agency for agency in rows}


def _seed_users(session, at, agencies) -> dict[str, User]:
    """The demo log-ins, each NIP parsed and appointed at 18 or older."""
    users = {}
    for username, full_name, role, code, position, nip in USERS:
        parsed = parse_nip(nip)
        if parsed.appointed_year < parsed.birth_date.year + 18:
            raise InvalidNip()
        user = User(username=username, full_name=full_name, role=role, agency=agencies[code],
                    position=position, nip=nip, language=Language.ID, active=True,
                    email=f"{username}@{DEMO_MAIL_DOMAIN}")
        user.set_password(DEMO_PASSWORD)
        users[username] = _save(session, at, None, user)
    session.flush()
    return users


def _office_after(start: datetime, minutes: int) -> datetime:
    """The moment `minutes` of office time after `start`, on the office's own calendar."""
    return office_calendar().add_working_minutes(start, minutes)


def _received_moments(rng, at, count: int) -> list[datetime]:
    """Office-hour arrivals over the past year, the newest few within the last weeks."""
    today = to_local(at).date()
    workdays = [day for day in (today - timedelta(days=n) for n in range(1, 396))
                if day.weekday() < 5]
    recent = [day for day in workdays if (today - day).days <= 25]
    year = [day for day in workdays if 25 < (today - day).days <= 365]
    before = [day for day in workdays if (today - day).days > 365]
    days = (rng.sample(recent, len(RECENT_STAGES)) + rng.sample(before, CARRIED_OVER)
            + rng.sample(year, count - len(RECENT_STAGES) - CARRIED_OVER))
    return sorted(from_local(datetime.combine(day, OPEN) + timedelta(minutes=rng.randint(0, 510)))
                  for day in days)


def _request_pool(rng, agencies, apps, count=60) -> list[tuple[Agency, Application | None, str]]:
    """Who asks for what: new applications, upgrades of the inventory, and area services."""
    pool = [(agencies[code], None, name) for code, name in NEW_REQUESTS]
    pool += [(app.agency, app, app.name) for app in apps]
    areas = [a for a in agencies.values() if a.kind in (AgencyKind.KECAMATAN, AgencyKind.KELURAHAN)]
    pool += [(area, None, f"{rng.choice(AREA_REQUESTS)} {area.short_name}")
             for area in rng.sample(areas, count - len(pool))]
    rng.shuffle(pool)
    return pool


def _seed_letters(session, at, rng, agencies, apps, users) -> None:
    """About sixty letters, numbered in the order received, each taken as far as its age allows."""
    requests = _request_pool(rng, agencies, apps)
    moments = _received_moments(rng, at, len(requests))
    agenda, numbers = Counter(), {}
    for rank, (received, (agency, app, name)) in enumerate(zip(moments, requests, strict=True)):
        local = to_local(received)
        agenda[local.year] += 1
        letter_date = local.date() - timedelta(days=rng.randint(0, 5))
        key = (agency.code, letter_date.year)
        numbers[key] = numbers.get(key, rng.randint(20, 300)) + rng.randint(1, 40)
        tag = agency.short_name.replace(". ", "-").replace(" ", "-")
        verb = "Peningkatan" if app else "Pembuatan"
        letter = _save(session, at, users["tu"], RequestLetter(
            agenda_year=local.year, agenda_number=agenda[local.year], received_at=received,
            agency=agency, number=f"000.8/{numbers[key]}/{tag}/{letter_date.year}",
            letter_date=letter_date, subject=f"Permohonan {verb} Aplikasi {name}",
            summary=f"{agency.name} memohon {verb.lower()} aplikasi {name}.",
            request_kind=RequestKind.UPGRADE if app else RequestKind.NEW, application=app,
            application_name=None if app else name,
            spbe_category=app.spbe_category if app else rng.choice(list(SpbeCategory)),
            security_class=rng.choice([SecurityClass.ORDINARY] * 4 + [SecurityClass.LIMITED]),
            urgency=rng.choice([Urgency.ORDINARY] * 3 + [Urgency.URGENT, Urgency.VERY_URGENT]),
            archive_code="500.12", registered_by=users["tu"], scan=_scan(name, at),
            registered_at=received + timedelta(minutes=rng.randint(2, 12))))
        session.flush()
        newest = len(moments) - 1 - rank
        young = (at - received).days <= DECIDED_AFTER_DAYS
        target = (RECENT_STAGES[newest] if newest < len(RECENT_STAGES)
                  else LetterStatus.IN_ANALYSIS if young else None)
        _follow_up(session, at, rng, letter, users, target)


def _dispose(session, at, rng, letter, giver, taker, moment, unread: bool) -> Disposition:
    """A disposition from `giver` to `taker`, read a minute or two later unless `unread`."""
    return _save(session, at, giver, Disposition(
        letter=letter, from_user=giver, to_user=taker, disposed_at=moment,
        instructions=rng.choice(KADIS_ORDERS if giver.role is Role.KADIS else KABID_ORDERS),
        note=None if letter.urgency is Urgency.ORDINARY else "Mohon segera ditindaklanjuti.",
        read_at=None if unread else moment + timedelta(minutes=rng.randint(1, 2))))


def _scan(name, at) -> Attachment:
    """A one-page PDF standing in for the scanned request letter."""
    content = f"%PDF-1.4\n% Surat permohonan: {name}\n%%EOF\n".encode()
    return Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "surat-permohonan.pdf", content, at)


def _follow_up(session, at, rng, letter, users, target) -> None:
    """Walk a letter through the SOP, by the same model methods as the screens, up to `target`
    (None: decided)."""
    if target is LetterStatus.REGISTERED:
        return
    letter.move(Move.SEND_TO_KADIS, by=users["tu"], at=at,
                happened_at=letter.registered_at + timedelta(minutes=rng.randint(5, 60)))
    if target is LetterStatus.AT_KADIS:
        return
    kadis, kabid, kasi = users["kadis"], users["kabid"], users["kasi"]
    first = _dispose(session, at, rng, letter, kadis, kabid,
                     _office_after(letter.history[-1].happened_at, rng.randint(20, 600)),
                     unread=target is LetterStatus.AT_KABID and rng.random() < 0.5)
    if target is LetterStatus.AT_KABID:
        return
    late = rng.random() < 0.25  # the SOP allows the Kabid 15 minutes
    moment = (_office_after(first.disposed_at, rng.randint(40, 1000)) if late
              else first.disposed_at + timedelta(minutes=rng.randint(3, 14)))
    second = _dispose(session, at, rng, letter, kabid, kasi, moment,
                      unread=target is LetterStatus.AT_KASI and rng.random() < 0.5)
    if target is LetterStatus.AT_KASI:
        return
    after = at if target is LetterStatus.IN_ANALYSIS and rng.random() < 0.4 else second.disposed_at
    day = to_local(after).date() + timedelta(days=rng.randint(1, 7))
    while day.weekday() >= 5:  # no meetings at the weekend
        day += timedelta(days=1)
    scheduled = from_local(datetime.combine(day, rng.choice(MEETING_TIMES)))
    meeting = Meeting(letter=letter, scheduled_at=scheduled, place=DEFAULT_PLACE,
                      staff=[kabid, kasi], agencies=[letter.agency],
                      held_at=scheduled if scheduled <= at else None)
    if meeting.held_at:
        meeting.minutes = MINUTES.format(subject=letter.subject, agency=letter.agency.name)
    _save(session, at, kasi, meeting)  # starts the analysis
    analysis = letter.open_step(2)  # the Kasi stops its clock until the meeting is held
    analysis.pause(_office_after(analysis.started_at, rng.choice([20, 35, 50, 90])),
                   PauseReason.MEETING_SCHEDULED)
    if meeting.held_at:
        analysis.resume(meeting.held_at, office_calendar())
    if target is not LetterStatus.IN_ANALYSIS:
        _decide(session, at, rng, letter, meeting, kasi)


def _decide(session, at, rng, letter, meeting, kasi) -> None:
    """The Kasi decides after the meeting; accepted requests are budgeted, then built."""
    decision = Decision(letter=letter, decided_by=kasi,
                        decided_at=_office_after(meeting.held_at, rng.choice(
                            [5, 10, 15, 20, 30, 240, 900])),
                        outcome=Outcome.REJECTED if rng.random() < 0.25 else Outcome.ACCEPTED)
    if decision.outcome is Outcome.REJECTED:
        decision.reason = rng.choice(REJECTION_REASONS)
        decision.notified_at = _office_after(decision.decided_at, rng.randint(60, 900))
        decision.reply_date = to_local(decision.notified_at).date()
        decision.reply_number = f"000.8/{rng.randint(100, 999)}/Diskominfo/{decision.reply_date:%Y}"
    _save(session, at, kasi, decision)  # accepts or rejects; computes the budget year
    meeting.recommendation = decision.reason or (
        f"Diterima; dianggarkan pada tahun anggaran {decision.budget_year}.")
    _save(session, at, kasi, meeting)
    if decision.outcome is Outcome.REJECTED:
        return
    funded = decision.budget_year <= local_year(at)  # its budget year has come
    if rng.random() < (0.1 if funded else 0.4):
        return
    late = rng.random() < 0.2  # the SOP allows 60 minutes to plan it in the RKA
    rka = _save(session, at, kasi, RkaItem(
        planned_at=_office_after(decision.decided_at, rng.randint(70, 400) if late
                                 else rng.randint(10, 55)),
        decision=decision, nomenclature_code=rng.choice(BUDGET_CODES), volume=Decimal("1"),
        description=f"{letter.subject.removeprefix('Permohonan ')} ({letter.agency.short_name})",
        unit="Paket", unit_price=rng.choice(UNIT_PRICES),
        funding_source=rng.choice([FundingSource.DAU, FundingSource.PAD]),
        status=RkaStatus.DPA if funded else rng.choice([RkaStatus.PROPOSED, RkaStatus.RKA])))
    if not funded or rng.random() < 0.2:
        return
    app = letter.application or Application(
        name=letter.application_name, agency=letter.agency, spbe_category=letter.spbe_category,
        platform=Platform.WEB, year_built=decision.budget_year, status=ApplicationStatus.ACTIVE)
    app.letter, app.rka_item = letter, rka
    _save(session, at, kasi, app)
    session.flush()  # now: the letter and the application point at each other


def _seed_faults(session, at, reporter) -> None:
    """The SOP's warning in practice: a projector repaired at once, a microphone still broken."""
    reported = _office_after(at - timedelta(days=60), 45)
    _save(session, at, reporter, EquipmentFault(
        item="Proyektor Ruang Rapat Pontive Center", reported_at=reported, reported_by=reporter,
        repaired_at=_office_after(reported, 300), note="Lampu proyektor putus; sudah diganti."))
    _save(session, at, reporter, EquipmentFault(
        item="Mikrofon Ruang Rapat Pontive Center", reported_by=reporter,
        reported_at=_office_after(at - timedelta(days=4), 30),
        note="Suara putus-putus; menunggu teknisi."))
