"""The documents the SOP produces, written from the records: what each paper says.

A paper is always in Indonesian (the language of naskah dinas), whatever the screen's
language: its values are the records' own, never a translated label. A field a paper needs
and the record lacks is refused with a message, never printed blank.
"""

from flask_babel import lazy_gettext as _l

from .decisions import Decision, Outcome
from .documents import DocumentKind, Paper, Signature
from .errors import DomainError
from .letters import RequestLetter, SecurityClass, Urgency
from .meetings import Meeting
from .signing import signing_official
from .timezone import to_local
from .users import Role

#: A letter's "sifat" as naskah dinas writes it.
NATURE = {Urgency.ORDINARY: "Biasa", Urgency.URGENT: "Segera",
          Urgency.VERY_URGENT: "Sangat Segera", SecurityClass.LIMITED: "Terbatas",
          SecurityClass.SECRET: "Rahasia", SecurityClass.TOP_SECRET: "Sangat Rahasia"}
REQUEST_KINDS = {"new": "pembuatan aplikasi baru", "upgrade": "peningkatan aplikasi"}
#: The Diskominfo official who signs each kind of letter (or their Plh/Plt that day).
SIGNERS = {DocumentKind.MEETING_INVITATION: Role.KADIS,
           DocumentKind.REJECTION_LETTER: Role.KADIS, DocumentKind.MINUTES: Role.KABID}


def nature(letter: RequestLetter) -> str:
    """The letter's sifat: its security class when not ordinary, then its urgency."""
    marks = [letter.security_class, letter.urgency]
    return ", ".join(NATURE[m] for m in marks if m in NATURE) or NATURE[Urgency.ORDINARY]


def _letter_values(letter: RequestLetter) -> dict:
    return {"agency": letter.agency.name, "letter_number": letter.number,
            "letter_date": letter.letter_date, "subject": letter.subject,
            "request_kind": REQUEST_KINDS[letter.request_kind.value],
            "application": letter.application_name or (
                letter.application.name if letter.application else "")}


def _missing(message, **values):
    raise DomainError(message, **values)


def invitation(session, meeting: Meeting) -> Paper:
    """The invitation to the technical meeting, to the requesting OPD and those attending."""
    if not (meeting.invitation_number or "").strip() or meeting.invitation_date is None:
        _missing(_l("Enter the invitation letter's number and date on the meeting before "
                    "printing the invitation."))
    letter, start = meeting.letter, to_local(meeting.scheduled_at)
    others = sorted(a.name for a in meeting.agencies if a.id != letter.agency_id)
    values = _letter_values(letter) | {
        "nature": nature(letter), "attachment": "-", "about": "Undangan Rapat Teknis",
        "addressees": [letter.agency.name, *others], "start": start,
        "place": meeting.place, "agenda": f"Pembahasan teknis: {letter.subject}",
        "staff": sorted(f"{u.full_name} ({u.position})" for u in meeting.staff)}
    return Paper(DocumentKind.MEETING_INVITATION, "meeting", meeting.id, letter,
                 meeting.invitation_number.strip(), meeting.invitation_date,
                 signing_official(session, SIGNERS[DocumentKind.MEETING_INVITATION],
                                  meeting.invitation_date), values)


def rejection(session, decision: Decision) -> Paper:
    """The reply letter that tells the OPD its request was rejected, and why."""
    if decision.outcome is not Outcome.REJECTED:
        _missing(_l("Only a rejected request is answered with a rejection letter."))
    if not (decision.reason or "").strip():
        _missing(_l("Enter the reason of the rejection before printing the reply letter."))
    if not (decision.reply_number or "").strip() or decision.reply_date is None:
        _missing(_l("Enter the reply letter's number and date on the decision before "
                    "printing it."))
    letter = decision.letter
    values = _letter_values(letter) | {
        "nature": nature(letter), "attachment": "-",
        "about": "Jawaban atas " + (letter.subject if letter.subject.lower().startswith(
            "permohonan") else f"Permohonan {letter.subject}"),
        "addressees": [letter.agency.name], "reason": decision.reason.strip()}
    return Paper(DocumentKind.REJECTION_LETTER, "decision", decision.id, letter,
                 decision.reply_number.strip(), decision.reply_date,
                 signing_official(session, SIGNERS[DocumentKind.REJECTION_LETTER],
                                  decision.reply_date), values)


def minutes(session, meeting: Meeting) -> Paper:
    """The minutes (notulen) of a technical meeting that was held."""
    if meeting.held_at is None or not (meeting.minutes or "").strip():
        _missing(_l("Record when the meeting was held and its minutes before printing "
                    "them."))
    letter, held = meeting.letter, to_local(meeting.held_at)
    values = _letter_values(letter) | {
        "start": held, "place": meeting.place,
        "agenda": f"Pembahasan teknis: {letter.subject}",
        "staff": sorted(f"{u.full_name} ({u.position})" for u in meeting.staff),
        "agencies": sorted(a.name for a in meeting.agencies),
        "minutes": meeting.minutes.strip(),
        "recommendation": (meeting.recommendation or "").strip()}
    return Paper(DocumentKind.MINUTES, "meeting", meeting.id, letter, None, held.date(),
                 signing_official(session, SIGNERS[DocumentKind.MINUTES], held.date()), values)


def disposition_sheet(letter: RequestLetter, dispositions: list) -> Paper:
    """The lembar disposisi as the reader's role sees it (dispositions only if shown)."""
    values = _letter_values(letter) | {
        "agenda": f"{letter.agenda_number}/{letter.agenda_year}",
        "received_at": to_local(letter.received_at), "nature": nature(letter),
        "dispositions": [[d.from_user.full_name, d.to_user.full_name,
                          [i.value for i in d.instructions], d.note or "",
                          to_local(d.disposed_at).date()] for d in dispositions]}
    first = dispositions[0] if dispositions else None
    signer = first and Signature(first.from_user.full_name,
                                 (f"{first.acting_kind.value.capitalize()}. "
                                  f"{first.acting_for.position}") if first.acting_kind
                                 else first.from_user.position,
                                 first.from_user.nip, first.from_user.id,
                                 first.from_user.rank)
    return Paper(DocumentKind.DISPOSITION_SHEET, "request_letter", letter.id, letter,
                 values["agenda"], to_local(letter.received_at).date(), signer, values)


#: The yearly reports that are printed as documents: report name -> kind.
YEARLY = {"budget": DocumentKind.BUDGET_DOCUMENT, "annual": DocumentKind.ANNUAL_REPORT}


def yearly_report(name: str, year: int, tables: dict, signer, day) -> Paper:
    """The budgeting document of fiscal `year` or the annual report of `year`, as printed on
    `day`: its tables are what it says (the office's whole report, never an OPD's part)."""
    values = {"year": year, "tables": {key: table.to_csv(index=False)
                                       for key, table in sorted(tables.items())}}
    signature = signer and Signature(signer.full_name, signer.position, signer.nip, signer.id,
                                     signer.rank)
    return Paper(YEARLY[name], "report", year, None, str(year), day, signature, values)


#: The letters a record's detail page offers: resource -> kind -> paper writer.
WRITERS = {"meeting": {DocumentKind.MEETING_INVITATION: invitation,
                       DocumentKind.MINUTES: minutes},
           "decision": {DocumentKind.REJECTION_LETTER: rejection}}
