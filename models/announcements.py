"""What a record saved through the screens tells whom: the OPD hears of its technical meeting
and of the decision, the official a disposition goes to hears of it, the clerk of a request
an OPD submits online, the Kepala Dinas of a letter the clerk forwards, a colleague of the
comment that "@"-mentions them; and a step that passed its due time is told to its holder
and their superior (models/escalation.py).

Records replayed from the paper register or the demo are history, and announce nothing.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import inspect, select

from . import documents  # a module, not its names: documents saves through recording
from .acting import ActingAssignment
from .comments import Comment
from .db import db
from .decisions import Decision, Outcome
from .dispositions import Disposition
from .letters import RequestLetter
from .meetings import Meeting
from .notifications import NoticeKind, notify_opd, notify_user
from .steps import StepRecord, step_label
from .timezone import local_date, local_datetime, to_local
from .users import Role, User
from .workflow import DESK, STEP_EXECUTOR, UNTIMED, LetterStatus

#: A letter that reaches a desk with no disposition to announce it: the notice it brings there.
ARRIVALS = {LetterStatus.REGISTERED: NoticeKind.SUBMITTED,
            LetterStatus.AT_KADIS: NoticeKind.FORWARDED}
#: The letters the office writes to the OPD, and the notice each comes with.
TO_THE_OPD = {"meeting_invitation": NoticeKind.MEETING_SCHEDULED,
              "minutes": NoticeKind.MEETING_SCHEDULED, "rejection_letter": NoticeKind.DECIDED}
#: Whom each official of the SOP answers to: the Kasi to the Kabid, the Kabid to the Kepala
#: Dinas. An overdue step is told to its holder and to the superior of the step's executor.
SUPERIOR = {Role.KASI: Role.KABID, Role.KABID: Role.KADIS}


def announce(record, at: datetime, by, created: bool) -> None:
    """Queue the notices and emails `record` brings, in the transaction that saves it."""
    if isinstance(record, Meeting) and _invites(record, at, created):
        notify_opd(record.letter, NoticeKind.MEETING_SCHEDULED,
                   lambda name: _meeting(record, by, name, created), at)
    elif isinstance(record, Decision) and created:
        notify_opd(record.letter, NoticeKind.DECIDED, lambda name: _decision(record, name), at)
    elif isinstance(record, Disposition) and created:
        notify_user(record.to_user, record.letter, NoticeKind.DISPOSED,
                    lambda name: _disposition(record, name), at)
    elif isinstance(record, RequestLetter) and (status := _arrived(record, at, by, created)):
        for official in officials_of(DESK[status], to_local(at).date()):
            notify_user(official, record, ARRIVALS[status],
                        lambda name: _arrival(record, status, by, at, name), at)
    elif isinstance(record, Comment) and created:
        for person in record.mentioned(db.session):
            notify_user(person, record.letter, NoticeKind.MENTIONED,
                        lambda name: _mention(record, name), at)
    elif (isinstance(record, documents.IssuedDocument) and created
          and record.kind.value in TO_THE_OPD):
        notify_opd(record.letter, TO_THE_OPD[record.kind.value],
                   lambda name: _issued(record, name), at)
    elif isinstance(record, StepRecord) and record.overdue_notified_at == at:
        for person in _escalation_recipients(record, to_local(at).date()):
            notify_user(person, record.letter, NoticeKind.OVERDUE,
                        lambda name: _overdue(record, name), at)


def officials_of(role: Role, day) -> list[User]:
    """The active officials of `role`, then whoever acts for one of them on `day`."""
    holders = db.session.scalars(select(User).where(User.role == role).order_by(User.id)).all()
    found = [user for user in holders if user.active]
    for holder in holders:
        found += ActingAssignment.stand_ins(holder, day)
    return list({user.id: user for user in found}.values())


def _arrived(letter, at, by, created) -> LetterStatus | None:
    """The desk `letter` has just reached from another role's hands without a disposition:
    a request an OPD submitted online, a letter the clerk forwarded; else None."""
    if created:
        status = letter.status or LetterStatus.REGISTERED  # the column's default, not yet set
    else:
        last = letter.history[-1] if letter.history else None
        if last is None or last.recorded_at != at:  # no move in this save
            return None
        status = last.to_status
    if status not in UNTIMED or (by is not None and by.role is DESK[status]):
        return None
    return status


def _escalation_recipients(step, day) -> list[User]:
    """The step's holder, and the officials above the step's executor (with stand-ins)."""
    people = [step.holder] if step.holder is not None and step.holder.active else []
    superior = SUPERIOR.get(STEP_EXECUTOR.get(step.number))
    if superior is not None:
        people += officials_of(superior, day)
    return list({person.id: person for person in people}.values())


def _invites(meeting: Meeting, at: datetime, created: bool) -> bool:
    """A meeting still ahead, new or moved: an invitation to a past one helps nobody."""
    if meeting.held_at is not None or meeting.scheduled_at <= at:
        return False
    attrs = inspect(meeting).attrs
    return (created or attrs.scheduled_at.history.has_changes()
            or attrs.place.history.has_changes())


def _letter_line(letter) -> str:
    return _("Your request letter no. %(number)s, “%(subject)s”,", number=letter.number,
             subject=letter.subject)


def _footer(letter) -> list[str]:
    agenda = f"{letter.agenda_number}/{letter.agenda_year}"
    return ["", "-- ", _("Agenda no. %(agenda)s · SOP Aplikasi, Diskominfo Kota Pontianak",
                         agenda=agenda),
            _("This message was sent by the panel automatically.")]


def _meeting(meeting: Meeting, by, name: str, created: bool) -> tuple[str, str]:
    letter = meeting.letter
    subject = (_("Technical meeting invitation: %(subject)s", subject=letter.subject) if created
               else _("Technical meeting moved: %(subject)s", subject=letter.subject))
    inviter = f"{by.full_name}, {by.position}" if by is not None else ""
    body = [_("Dear %(name)s,", name=name), "",
            _letter_line(letter),
            _("will be discussed with Diskominfo Kota Pontianak in a technical meeting:"), "",
            _("Time: %(when)s", when=local_datetime(meeting.scheduled_at)),
            _("Place: %(place)s", place=meeting.place),
            _("Invited by: %(who)s", who=inviter or "Diskominfo Kota Pontianak"), "",
            _("We look forward to your attendance."), *_footer(letter)]
    return subject, "\n".join(body)


def _decision(decision: Decision, name: str) -> tuple[str, str]:
    letter, outcome = decision.letter, str(decision.outcome.label)
    subject = _("Decision on your request: %(outcome)s, %(subject)s", outcome=outcome,
                subject=letter.subject)
    body = [_("Dear %(name)s,", name=name), "",
            _letter_line(letter), _("has been decided by Diskominfo Kota Pontianak."), "",
            _("Decision: %(outcome)s, on %(when)s", outcome=outcome,
              when=local_datetime(decision.decided_at))]
    if decision.outcome is Outcome.ACCEPTED:
        body.append(_("The application will be planned in the budget of %(year)s.",
                      year=decision.budget_year))
    if decision.reason:
        body.append(_("Reason: %(reason)s", reason=decision.reason))
    if decision.reply_number:
        body.append(_("Reply letter: no. %(number)s, dated %(date)s",
                      number=decision.reply_number, date=local_date(decision.reply_date)))
    return subject, "\n".join(body + _footer(letter))


def _issued(document, name: str) -> tuple[str, str]:
    letter, kind = document.letter, str(document.kind.label)
    subject = _("%(kind)s issued: %(subject)s", kind=kind, subject=letter.subject)
    body = [_("Dear %(name)s,", name=name), "", _letter_line(letter),
            _("has a letter from Diskominfo Kota Pontianak:"), "",
            _("%(kind)s no. %(number)s, dated %(date)s", kind=kind, number=document.number or "–",
              date=local_date(document.document_date)),
            _("Signed by: %(signer)s", signer=f"{document.signer_name}, "
                                               f"{document.signer_position}"),
            _("The PDF is on the letter's page in the panel, and its QR code leads to its "
              "verification page."), *_footer(letter)]
    return subject, "\n".join(body)


def _disposition(disposition: Disposition, name: str) -> tuple[str, str]:
    letter = disposition.letter
    subject = _("Disposition for you: %(subject)s", subject=letter.subject)
    body = [_("Dear %(name)s,", name=name), "",
            _("%(sender)s disposed a request letter to you on %(when)s.",
              sender=disposition.from_user.full_name, when=local_datetime(disposition.disposed_at)),
            "", _("Letter: no. %(number)s from %(agency)s, “%(subject)s”", number=letter.number,
                  agency=letter.agency.name, subject=letter.subject), *disposition.orders(),
            "", _("It waits for you in the panel, under Dispositions.")]
    return subject, "\n".join(body + _footer(letter))


def _letter_facts(letter) -> list[str]:
    return [_("Letter: no. %(number)s from %(agency)s, “%(subject)s”", number=letter.number,
              agency=letter.agency.name, subject=letter.subject),
            _("Urgency: %(urgency)s", urgency=letter.urgency.label)]


def _arrival(letter, status, by, at, name: str) -> tuple[str, str]:
    if status is LetterStatus.REGISTERED:
        subject = _("Request submitted online: %(subject)s", subject=letter.subject)
        opening = _("%(agency)s submitted a request letter online on %(when)s.",
                    agency=letter.agency.name, when=local_datetime(at))
        todo = _("It waits on your desk in the panel, to be forwarded to the Kepala Dinas.")
    else:
        subject = _("Letter for you: %(subject)s", subject=letter.subject)
        opening = _("%(sender)s forwarded a request letter to the Kepala Dinas on %(when)s.",
                    sender=by.full_name if by is not None else "", when=local_datetime(at))
        todo = _("It waits on your desk in the panel, to be disposed to the Kabid.")
    body = [_("Dear %(name)s,", name=name), "", opening, "", *_letter_facts(letter), "", todo]
    return subject, "\n".join(body + _footer(letter))


def _mention(comment, name: str) -> tuple[str, str]:
    letter = comment.letter
    subject = _("%(author)s mentioned you: %(subject)s", author=comment.author.full_name,
                subject=letter.subject)
    body = [_("Dear %(name)s,", name=name), "",
            _("%(author)s mentioned you in a comment on a request letter on %(when)s:",
              author=comment.author.full_name, when=local_datetime(comment.created_at)), "",
            comment.body, "", *_letter_facts(letter), "",
            _("The comment is on the letter's timeline in the panel.")]
    return subject, "\n".join(body + _footer(letter))


def _overdue(step, name: str) -> tuple[str, str]:
    letter = step.letter
    subject = _("Overdue: step %(step)s, %(subject)s", step=step_label(step.number),
                subject=letter.subject)
    holder = step.holder.full_name if step.holder is not None else ""
    body = [_("Dear %(name)s,", name=name), "",
            _("Step “%(step)s” of a request letter was due at %(when)s and is not finished.",
              step=step_label(step.number), when=local_datetime(step.due_at)),
            _("Held by: %(holder)s", holder=holder), "", *_letter_facts(letter), "",
            _("This notice is sent once for this step.")]
    return subject, "\n".join(body + _footer(letter))
