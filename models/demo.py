"""Demo data: Pontianak's agencies, Diskominfo staff, a year of requests walked through the SOP."""

import random
import tomllib
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from .agencies import Agency, AgencyKind
from .applications import Application, ApplicationStatus, Platform
from .attachments import Attachment, AttachmentKind
from .budget import FundingSource, RkaItem, RkaStatus
from .decisions import Decision, Outcome
from .dispositions import Disposition, Instruction
from .equipment import EquipmentFault
from .errors import InvalidNip
from .letters import LetterStatus, RequestKind, RequestLetter, SecurityClass, SpbeCategory, Urgency
from .meetings import DEFAULT_PLACE, Meeting
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
#: Letters arrive from the opening of the office, over 8.5 hours.
OPEN = time(7, 30)


def seed_demo(session, at: datetime) -> list[User]:
    """Fill an empty database with the demo; on a filled one return the demo log-ins."""
    names = [row["username"] for row in USERS]
    found = session.scalars(select(User).where(User.username.in_(names))).all()
    if found:
        return sorted(found, key=lambda user: names.index(user.username))
    rng = random.Random(2020)
    agencies = _seed_agencies(session, at)
    users = _seed_users(session, at, agencies)
    apps = [save(session, Application(
        agency=agencies[row["agency"]], name=row["name"],
        spbe_category=SpbeCategory(row["spbe_category"]), platform=Platform(row["platform"]),
        year_built=row["year_built"], status=ApplicationStatus.ACTIVE), at=at, by=users["admin"])
        for row in APPLICATIONS]
    _seed_letters(session, at, rng, agencies, apps, users)
    _seed_faults(session, at, users["kasi"])
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
                    language=Language.ID, active=True,
                    email=f"{row['username']}@{DEMO_MAIL_DOMAIN}")
        user.set_password(DEMO_PASSWORD)
        users[user.username] = save(session, user, at=at, by=None)
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
        letter = save(session, RequestLetter(
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
            registered_at=received + timedelta(minutes=rng.randint(2, 12))), at=at, by=users["tu"])
        session.flush()
        newest = len(moments) - 1 - rank
        young = (at - received).days <= DECIDED_AFTER_DAYS
        target = (RECENT_STAGES[newest] if newest < len(RECENT_STAGES)
                  else LetterStatus.IN_ANALYSIS if young else None)
        _follow_up(session, at, rng, letter, users, target)


def _dispose(session, at, rng, letter, giver, taker, moment, unread: bool) -> Disposition:
    """A disposition from `giver` to `taker`, read a minute or two later unless `unread`."""
    return save(session, Disposition(
        letter=letter, from_user=giver, to_user=taker, disposed_at=moment,
        instructions=rng.choice(KADIS_ORDERS if giver.role is Role.KADIS else KABID_ORDERS),
        note=None if letter.urgency is Urgency.ORDINARY else "Mohon segera ditindaklanjuti.",
        read_at=None if unread else moment + timedelta(minutes=rng.randint(1, 2))), at=at, by=giver)


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
    save(session, meeting, at=at, by=kasi)  # starts the analysis
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
    save(session, decision, at=at, by=kasi)  # accepts or rejects; computes the budget year
    meeting.recommendation = decision.reason or (
        f"Diterima; dianggarkan pada tahun anggaran {decision.budget_year}.")
    save(session, meeting, at=at, by=kasi)
    if decision.outcome is Outcome.REJECTED:
        return
    funded = decision.budget_year <= local_year(at)  # its budget year has come
    if rng.random() < (0.1 if funded else 0.4):
        return
    late = rng.random() < 0.2  # the SOP allows 60 minutes to plan it in the RKA
    rka = save(session, RkaItem(
        planned_at=_office_after(decision.decided_at, rng.randint(70, 400) if late
                                 else rng.randint(10, 55)),
        decision=decision, nomenclature_code=rng.choice(BUDGET_CODES), volume=Decimal("1"),
        description=f"{letter.subject.removeprefix('Permohonan ')} ({letter.agency.short_name})",
        unit="Paket", unit_price=rng.choice(UNIT_PRICES),
        funding_source=rng.choice([FundingSource.DAU, FundingSource.PAD]),
        status=RkaStatus.DPA if funded else rng.choice([RkaStatus.PROPOSED, RkaStatus.RKA])),
        at=at, by=kasi)
    if not funded or rng.random() < 0.2:
        return
    app = letter.application or Application(
        name=letter.application_name, agency=letter.agency, spbe_category=letter.spbe_category,
        platform=Platform.WEB, year_built=decision.budget_year, status=ApplicationStatus.ACTIVE)
    app.letter, app.rka_item = letter, rka
    save(session, app, at=at, by=kasi)
    session.flush()  # now: the letter and the application point at each other


def _seed_faults(session, at, reporter) -> None:
    """The SOP's warning in practice: a projector repaired at once, a microphone still broken."""
    reported = _office_after(at - timedelta(days=60), 45)
    save(session, EquipmentFault(
        item="Proyektor Ruang Rapat Pontive Center", reported_at=reported, reported_by=reporter,
        repaired_at=_office_after(reported, 300), note="Lampu proyektor putus; sudah diganti."),
        at=at, by=reporter)
    save(session, EquipmentFault(
        item="Mikrofon Ruang Rapat Pontive Center", reported_by=reporter,
        reported_at=_office_after(at - timedelta(days=4), 30),
        note="Suara putus-putus; menunggu teknisi."), at=at, by=reporter)
