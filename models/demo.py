"""Demo data: Pontianak's agencies, Diskominfo staff, a year of requests walked through the SOP."""

import random
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from .agencies import Agency, AgencyKind
from .applications import Application, ApplicationStatus, Platform
from .attachments import Attachment, AttachmentKind
from .budget import FundingSource, RkaItem, RkaStatus
from .comments import Comment
from .decisions import Decision, Outcome
from .demo_letter import letter_pdf
from .desk import DeskVisit
from .dispositions import Disposition, Instruction
from .equipment import EquipmentFault
from .errors import InvalidNip
from .letters import LetterStatus, RequestKind, RequestLetter, SecurityClass, SpbeCategory, Urgency
from .meetings import DEFAULT_PLACE, LENGTH, USUAL_STARTS, Meeting
from .nip import parse_nip
from .office_calendar import office_calendar
from .recording import save
from .reference import DATA, load_reference
from .steps import PauseReason
from .timezone import from_local, local_year, to_local
from .users import Language, Role, User
from .workflow import Move

DEMO_PASSWORD = "demo-sop-2026"
#: Demo addresses read like the city's but end in .example (RFC 2606): no demo email can
#: reach a real mailbox, whatever mail server is configured.
DEMO_MAIL_DOMAIN = "pontianak.go.id.example"

#: The demo's own tables (log-ins, inventory, requests), kept as data beside the code.
DEMO = tomllib.loads((DATA / "demo.toml").read_text(encoding="utf-8"))
#: Demo log-ins in role order.
USERS = DEMO["users"]
#: The inventory before the demo year.
APPLICATIONS = DEMO["applications"]
#: New applications the dinas and badan ask for: (agency code, name).
NEW_REQUESTS = [tuple(row) for row in DEMO["new_requests"]]
#: What kecamatan and kelurahan ask for (followed by their short name).
AREA_REQUESTS = DEMO["area_requests"]
REJECTION_REASONS = DEMO["rejection_reasons"]
BUDGET_CODES = DEMO["budget_codes"]
UNIT_PRICES = [Decimal(price) for price in DEMO["unit_prices"]]
MINUTES = DEMO["meeting_minutes"]

S = LetterStatus


@dataclass(frozen=True)
class Recent:
    """One of the newest letters: the status it waits in, and how many working minutes before
    the demo's moment it reached that desk."""

    status: LetterStatus
    ago: int
    #: In analysis: waiting for its technical meeting (the step's clock stopped), else held.
    paused: bool = False
    #: Registered: submitted online by the OPD's own staff.
    online: bool = False


#: The newest letters, so that each desk holds a believable mix: a few fresh items (some new
#: since the official's last visit), some due soon, a couple overdue, and meetings ahead. The
#: Kasi's standard is 60 working minutes a step, the Kabid's 15; the clerk and the Kepala
#: Dinas have none (their letters show how long since received).
RECENT = [
    Recent(S.AT_KASI, 4),  # just disposed by the Kabid
    Recent(S.AT_KABID, 6),  # just disposed by the Kepala Dinas
    Recent(S.AT_KABID, 12),  # due in three minutes
    Recent(S.REGISTERED, 20, online=True),
    Recent(S.AT_KADIS, 35),
    Recent(S.ACCEPTED, 40),  # decided: twenty minutes left to plan it in the RKA
    Recent(S.AT_KASI, 50),  # ten minutes left
    Recent(S.AT_KABID, 120),  # overdue
    Recent(S.AT_KADIS, 150),
    Recent(S.REGISTERED, 200),
    Recent(S.IN_ANALYSIS, 900, paused=True),  # meeting in the coming days
    Recent(S.AT_KADIS, 700),  # waiting more than a working day
    Recent(S.IN_ANALYSIS, 1300),  # meeting held, no decision yet: overdue
    Recent(S.ACCEPTED, 2000),  # decided last week, not planned in the RKA yet: overdue
    Recent(S.IN_ANALYSIS, 2600, paused=True),
]
#: The officials' last look at their desk, this many working minutes before the demo's moment:
#: what reached them since is new ("baru").
LAST_VISIT_AGO = 45
#: Letters from the month before the year, decided early enough to be built by now.
CARRIED_OVER = 6

KADIS_ORDERS = [[Instruction.PROCESS], [Instruction.PROCESS, Instruction.REVIEW],
                [Instruction.RESPOND]]
KABID_ORDERS = [[Instruction.REVIEW, Instruction.COORDINATE],
                [Instruction.COORDINATE, Instruction.SCHEDULE_MEETING], [Instruction.PROCESS]]
#: Letters arrive from the opening of the office, over 8.5 hours.
OPEN = time(7, 30)
#: A funded application is built from this many office minutes into its budget year (40
#: working days), one after another.
BUILT_AFTER = 40 * 450
#: How far back the demo's history goes: before its oldest letter (see _past_moments).
HISTORY = timedelta(days=400)


def seed_demo(session, at: datetime) -> list[User]:
    """Fill an empty database with the demo; on a filled one return the demo log-ins."""
    names = [row["username"] for row in USERS]
    found = session.scalars(select(User).where(User.username.in_(names))).all()
    if found:
        return sorted(found, key=lambda user: names.index(user.username))
    rng = random.Random(2020)
    opened = at - HISTORY  # the office started using the panel before its oldest letter
    agencies = _seed_agencies(session, opened)
    users = _seed_users(session, opened, agencies)
    apps = [save(session, Application(
        agency=agencies[row["agency"]], name=row["name"],
        spbe_category=SpbeCategory(row["spbe_category"]), platform=Platform(row["platform"]),
        year_built=row["year_built"], status=ApplicationStatus.ACTIVE), at=opened,
        by=users["admin"]) for row in APPLICATIONS]
    _seed_letters(session, at, rng, agencies, apps, users)
    _seed_faults(session, at, users["kasi"])
    _seed_comments(session, at, users)
    _seed_visits(session, at, users)
    session.flush()
    return list(users.values())


def _seed_agencies(session, at) -> dict[str, Agency]:
    """The reference data (standards, hours, Pontianak's agencies), each agency with a demo
    address."""
    load_reference(session, at)
    agencies = {agency.code: agency for agency in session.scalars(select(Agency))}
    for agency in agencies.values():
        agency.email = agency.email or f"{agency.code.lower()}@{DEMO_MAIL_DOMAIN}"
    session.flush()
    return agencies


def _seed_users(session, at, agencies) -> dict[str, User]:
    """The demo log-ins, each NIP parsed and appointed at 18 or older."""
    users = {}
    for row in USERS:
        parsed = parse_nip(row["nip"])
        if parsed.appointed_year < parsed.birth_date.year + 18:
            raise InvalidNip()
        user = User(username=row["username"], full_name=row["full_name"], role=Role(row["role"]),
                    agency=agencies[row["agency"]], position=row["position"], nip=row["nip"],
                    rank=row.get("rank"),
                    language=Language.ID, active=True,
                    email=f"{row['username']}@{DEMO_MAIL_DOMAIN}")
        user.set_password(DEMO_PASSWORD)
        users[user.username] = save(session, user, at=at, by=None)
    session.flush()
    return users


def _office_after(start: datetime, minutes: int) -> datetime:
    """The moment `minutes` of office time after `start`, on the office's own calendar."""
    return office_calendar().add_working_minutes(start, minutes)


def office_before(end: datetime, minutes: int) -> datetime:
    """The moment `minutes` of office time before `end`."""
    calendar = office_calendar()
    start = end - timedelta(days=14 + minutes // 100)  # a working day is 450 minutes
    return calendar.add_working_minutes(start, calendar.working_minutes(start, end) - minutes)


def _past_moments(rng, at, count: int) -> list[datetime]:
    """Office-hour arrivals over the past year, before the recent weeks; a few before it."""
    today = to_local(at).date()
    workdays = [day for day in (today - timedelta(days=n) for n in range(26, 396))
                if day.weekday() < 5]
    year = [day for day in workdays if (today - day).days <= 365]
    before = [day for day in workdays if (today - day).days > 365]
    days = rng.sample(before, CARRIED_OVER) + rng.sample(year, count - CARRIED_OVER)
    return [from_local(datetime.combine(day, OPEN) + timedelta(minutes=rng.randint(0, 510)))
            for day in days]


#: The SOP's events in order, each named by the status it brings (and the meeting held).
EVENTS = [S.REGISTERED, S.AT_KADIS, S.AT_KABID, S.AT_KASI, S.IN_ANALYSIS, "held", S.ACCEPTED]
#: Working minutes a recent letter spent after each event before the next one.
LEAD = {S.REGISTERED: (10, 40), S.AT_KADIS: (30, 300), S.AT_KABID: (3, 14),
        S.AT_KASI: (10, 50), S.IN_ANALYSIS: (300, 1500), "held": (5, 60)}


def _taken(booked: list, start: datetime) -> bool:
    return any(abs(start - other) < LENGTH for other in booked)


def _book(rng, booked: list, day) -> datetime:
    """A slot when the Pontive Center is free, on `day` or the first working day after it."""
    while True:
        while day.weekday() >= 5:  # no meetings at the weekend
            day += timedelta(days=1)
        free = [start for start in (from_local(datetime.combine(day, t)) for t in USUAL_STARTS)
                if not _taken(booked, start)]
        if free:
            booked.append(start := rng.choice(free))
            return start
        day += timedelta(days=1)


def _recent_moments(rng, at, recent: Recent, booked: list) -> dict:
    """When each event of a recent letter happened, walked back from when it reached its desk."""
    last = "held" if recent.status is S.IN_ANALYSIS and not recent.paused else recent.status
    events = EVENTS[:EVENTS.index(last) + 1]
    when = {last: office_before(at, recent.ago)}
    while last == "held" and _taken(booked, when[last]):  # the room was taken: held earlier
        when[last] = office_before(when[last], 2 * LENGTH.seconds // 60)
    if last == "held":
        booked.append(when[last])
    for event, following in zip(events[-2::-1], events[:0:-1], strict=True):
        when[event] = office_before(when[following], rng.randint(*LEAD[event]))
    return when


def _past_follow_up(rng, received: datetime, booked: list) -> dict:
    """When each event of a decided letter happened, walked forward from its arrival."""
    when = {S.REGISTERED: received}
    when[S.AT_KADIS] = received + timedelta(minutes=rng.randint(15, 70))
    when[S.AT_KABID] = _office_after(when[S.AT_KADIS], rng.randint(20, 600))
    late = rng.random() < 0.25  # the SOP allows the Kabid 15 minutes
    when[S.AT_KASI] = (_office_after(when[S.AT_KABID], rng.randint(40, 1000)) if late
                       else when[S.AT_KABID] + timedelta(minutes=rng.randint(3, 14)))
    when[S.IN_ANALYSIS] = _office_after(when[S.AT_KASI], rng.choice([20, 35, 50, 90]))
    when["held"] = _book(rng, booked, to_local(when[S.IN_ANALYSIS]).date()
                         + timedelta(days=rng.randint(1, 7)))
    when[S.ACCEPTED] = _office_after(when["held"], rng.choice([5, 10, 15, 20, 30, 240, 900]))
    return when


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
    """About sixty letters, numbered in the order received: the recent ones as RECENT sets
    them, the older ones decided (and, when accepted, planned in the RKA)."""
    requests = _request_pool(rng, agencies, apps)
    online = next(opd for opd in users.values() if opd.role is Role.OPD)
    mine = next(i for i, (agency, _, _) in enumerate(requests) if agency is online.agency)
    requests.insert(0, requests.pop(mine))  # the OPD's own request is the one sent online
    booked = []  # the Pontive Center's meetings so far
    plans = [(_recent_moments(rng, at, recent, booked), recent) for recent in
             sorted(RECENT, key=lambda recent: not recent.online)]
    plans += [(_past_follow_up(rng, received, booked), None)
              for received in _past_moments(rng, at, len(requests) - len(RECENT))]
    agenda, numbers = Counter(), {}
    ordered = sorted(zip(plans, requests, strict=True), key=lambda pair: pair[0][0][S.REGISTERED])
    for (when, recent), (agency, app, name) in ordered:
        received = when[S.REGISTERED]
        local = to_local(received)
        agenda[local.year] += 1
        letter_date = local.date() - timedelta(days=rng.randint(0, 5))
        key = (agency.code, letter_date.year)
        numbers[key] = numbers.get(key, rng.randint(20, 300)) + rng.randint(1, 40)
        tag = agency.short_name.replace(". ", "-").replace(" ", "-")
        verb = "Peningkatan" if app else "Pembuatan"
        sent_online = recent is not None and recent.online
        number, subject = (f"000.8/{numbers[key]}/{tag}/{letter_date.year}",
                           f"Permohonan {verb} Aplikasi {name}")
        summary = f"{agency.name} memohon {verb.lower()} aplikasi {name}."
        registered = received if sent_online else received + timedelta(minutes=2)
        letter = save(session, RequestLetter(
            agenda_year=local.year, agenda_number=agenda[local.year], received_at=received,
            agency=agency, number=number, letter_date=letter_date, subject=subject,
            summary=summary,
            request_kind=RequestKind.UPGRADE if app else RequestKind.NEW, application=app,
            application_name=None if app else name,
            spbe_category=app.spbe_category if app else rng.choice(list(SpbeCategory)),
            security_class=rng.choice([SecurityClass.ORDINARY] * 4 + [SecurityClass.LIMITED]),
            urgency=rng.choice([Urgency.ORDINARY] * 3 + [Urgency.URGENT, Urgency.VERY_URGENT]),
            archive_code="500.12", registered_by=online if sent_online else users["tu"],
            scan=_scan(registered, agency, number, letter_date, subject, summary),
            registered_at=registered), at=registered, by=online if sent_online else users["tu"])
        session.flush()
        _follow_up(session, at, rng, letter, users, when, recent, booked)


def _dispose(session, at, rng, letter, giver, taker, moment, unread: bool) -> Disposition:
    """A disposition from `giver` to `taker`, read a minute or two later unless `unread`."""
    return save(session, Disposition(
        letter=letter, from_user=giver, to_user=taker, disposed_at=moment,
        instructions=rng.choice(KADIS_ORDERS if giver.role is Role.KADIS else KABID_ORDERS),
        note=None if letter.urgency is Urgency.ORDINARY else "Mohon segera ditindaklanjuti.",
        read_at=None if unread else moment + timedelta(minutes=rng.randint(1, 2))), at=moment,
        by=giver)


def _scan(at, agency, number, letter_date, subject, summary) -> Attachment:
    """A one-page PDF standing in for the scanned request letter."""
    content = letter_pdf(
        ["PEMERINTAH KOTA PONTIANAK", agency.name.upper()],
        [f"Pontianak, {letter_date:%d-%m-%Y}", f"Nomor: {number}",
         f"Perihal: {subject}", "Yth. Kepala Dinas Komunikasi dan Informatika Kota Pontianak",
         f"Dengan hormat, {summary} Aplikasi ini diperlukan untuk mendukung pelayanan publik "
         "dan penyelenggaraan SPBE di lingkungan Pemerintah Kota Pontianak. Bersama ini kami "
         "lampirkan gambaran proses bisnis dan kebutuhan data yang diperlukan.",
         "Demikian permohonan ini kami sampaikan. Atas perhatian dan kerja samanya diucapkan "
         "terima kasih.", f"Kepala {agency.name}"])
    return Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "surat-permohonan.pdf", content, at)


def _follow_up(session, at, rng, letter, users, when: dict, recent: Recent | None,
               booked: list) -> None:
    """Walk a letter through the SOP's events in `when`, by the same model methods as the
    screens: a recent letter as far as RECENT says, an older one decided."""
    if S.AT_KADIS not in when:
        return
    letter.move(Move.SEND_TO_KADIS, by=users["tu"], at=when[S.AT_KADIS])
    kadis, kabid, kasi = users["kadis"], users["kabid"], users["kasi"]
    fresh = recent is not None and recent.ago < LAST_VISIT_AGO  # not opened yet
    if S.AT_KABID in when:
        _dispose(session, at, rng, letter, kadis, kabid, when[S.AT_KABID],
                 unread=fresh and S.AT_KASI not in when)
    if S.AT_KASI in when:
        _dispose(session, at, rng, letter, kabid, kasi, when[S.AT_KASI],
                 unread=fresh and S.IN_ANALYSIS not in when)
    if S.IN_ANALYSIS not in when:
        return
    held, invited = when.get("held"), when[S.IN_ANALYSIS]
    meeting = Meeting(letter=letter, scheduled_at=held or _book(
                          rng, booked, to_local(at).date() + timedelta(days=rng.randint(1, 4))),
                      place=DEFAULT_PLACE, staff=[kabid, kasi], agencies=[letter.agency])
    meeting.invitation_date = to_local(invited).date()
    meeting.invitation_number = (f"005/{letter.agenda_number}/Diskominfo-B/"
                                 f"{meeting.invitation_date:%Y}")
    save(session, meeting, at=invited, by=kasi)  # starts the analysis
    analysis = letter.open_step(2)  # the Kasi stops its clock until the meeting is held
    analysis.pause(invited, PauseReason.MEETING_SCHEDULED)
    save(session, analysis, at=invited, by=kasi, created=False)
    if held:
        meeting.held_at = held
        meeting.minutes = MINUTES.format(subject=letter.subject, agency=letter.agency.name)
        save(session, meeting, at=held, by=kasi, created=False)
        analysis.resume(held, office_calendar())
        save(session, analysis, at=held, by=kasi, created=False)
    if S.ACCEPTED in when:
        _decide(session, at, rng, letter, meeting, kasi, when[S.ACCEPTED], plan=recent is None)


def _decide(session, at, rng, letter, meeting, kasi, decided_at, plan: bool) -> None:
    """The Kasi decides after the meeting; an older accepted request is planned in the RKA
    (and built, once its budget year has come); a recent one waits for its RKA item."""
    outcome = Outcome.REJECTED if plan and rng.random() < 0.25 else Outcome.ACCEPTED
    decision = Decision(letter=letter, decided_by=kasi, decided_at=decided_at, outcome=outcome)
    if decision.outcome is Outcome.REJECTED:
        decision.reason = rng.choice(REJECTION_REASONS)
        decision.notified_at = _office_after(decision.decided_at, rng.randint(60, 900))
        decision.reply_date = to_local(decision.notified_at).date()
        decision.reply_number = f"000.8/{rng.randint(100, 999)}/Diskominfo/{decision.reply_date:%Y}"
    save(session, decision, at=decided_at, by=kasi)  # accepts or rejects; the budget year
    meeting.recommendation = decision.reason or (
        f"Diterima; dianggarkan pada tahun anggaran {decision.budget_year}.")
    save(session, meeting, at=decided_at, by=kasi, created=False)
    if decision.outcome is Outcome.REJECTED or not plan:
        return
    funded = decision.budget_year <= local_year(at)  # its budget year has come
    late = rng.random() < 0.2  # the SOP allows 60 minutes to plan it in the RKA
    planned = _office_after(decision.decided_at, rng.randint(70, 400) if late
                            else rng.randint(10, 55))
    rka = save(session, RkaItem(
        planned_at=planned,
        decision=decision, nomenclature_code=rng.choice(BUDGET_CODES), volume=Decimal("1"),
        description=f"{letter.subject.removeprefix('Permohonan ')} ({letter.agency.short_name})",
        unit="Paket", unit_price=rng.choice(UNIT_PRICES),
        funding_source=rng.choice([FundingSource.DAU, FundingSource.PAD]),
        status=RkaStatus.DPA if funded else rng.choice([RkaStatus.PROPOSED, RkaStatus.RKA])),
        at=planned, by=kasi)
    if not funded or rng.random() < 0.2:
        return
    app = letter.application or Application(
        name=letter.application_name, agency=letter.agency, spbe_category=letter.spbe_category,
        platform=Platform.WEB, year_built=decision.budget_year, status=ApplicationStatus.ACTIVE)
    app.letter, app.rka_item = letter, rka
    built = _office_after(from_local(datetime(decision.budget_year, 1, 2, 7, 30)),
                          BUILT_AFTER + 2 * 450 * (letter.agenda_number % 20))
    save(session, app, at=min(built, at), by=kasi)
    session.flush()  # now: the letter and the application point at each other


def _seed_visits(session, at, users) -> None:
    """The officials last looked at their desks LAST_VISIT_AGO working minutes ago."""
    seen = office_before(at, LAST_VISIT_AGO)
    for name in ("tu", "kadis", "kabid", "kasi"):
        DeskVisit.record(session, users[name], seen)


#: Staff talking on letters' timelines: (status of the letter, author, comment).
COMMENTS = [(S.AT_KASI, "kabid", "@kasi mohon rapat teknis dijadwalkan minggu ini; OPD sudah "
             "menanyakan lewat telepon."),
            (S.IN_ANALYSIS, "kasi", "Sudah dicek dengan pengelola pusat data: kapasitas server "
             "cukup. @kabid mohon arahan apakah masuk RKA tahun depan."),
            (S.IN_ANALYSIS, "kabid", "Setuju, siapkan rinciannya setelah rapat teknis.")]


def _seed_comments(session, at, users) -> None:
    """A few comments on the latest letters still in the office's hands, in office hours after
    their latest move."""
    session.flush()
    for n, (status, author, body) in enumerate(COMMENTS):
        for letter in session.scalars(select(RequestLetter).where(RequestLetter.status == status)
                                      .order_by(RequestLetter.id.desc())):
            moved = max(change.happened_at for change in letter.history)
            written = _office_after(moved, 20 + 25 * n)
            if written <= at:
                save(session, Comment(letter=letter, author=users[author], body=body,
                                      created_at=written), at=written, by=users[author])
                break


def _seed_faults(session, at, reporter) -> None:
    """The SOP's warning in practice: a projector repaired at once, a microphone still broken."""
    reported = _office_after(at - timedelta(days=60), 45)
    projector = save(session, EquipmentFault(
        item="Proyektor Ruang Rapat Pontive Center", reported_at=reported, reported_by=reporter,
        note="Lampu proyektor putus."), at=reported, by=reporter)
    projector.repaired_at = _office_after(reported, 300)
    projector.note = "Lampu proyektor putus; sudah diganti."
    save(session, projector, at=projector.repaired_at, by=reporter, created=False)
    reported = _office_after(at - timedelta(days=4), 30)
    save(session, EquipmentFault(
        item="Mikrofon Ruang Rapat Pontive Center", reported_by=reporter, reported_at=reported,
        note="Suara putus-putus; menunggu teknisi."), at=reported, by=reporter)
