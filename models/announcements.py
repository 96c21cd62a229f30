"""What a record saved through the screens tells whom: the OPD hears of its technical meeting
and of the decision, the official a disposition goes to hears of it.

Records replayed from the paper register or the demo are history, and announce nothing.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import inspect

from .decisions import Decision, Outcome
from .dispositions import Disposition
from .meetings import Meeting
from .notifications import NoticeKind, notify_opd, notify_user
from .timezone import local_date, local_datetime


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


def _disposition(disposition: Disposition, name: str) -> tuple[str, str]:
    letter = disposition.letter
    subject = _("Disposition for you: %(subject)s", subject=letter.subject)
    body = [_("Dear %(name)s,", name=name), "",
            _("%(sender)s disposed a request letter to you on %(when)s.",
              sender=disposition.from_user.full_name, when=local_datetime(disposition.disposed_at)),
            "", _("Letter: no. %(number)s from %(agency)s, “%(subject)s”", number=letter.number,
                  agency=letter.agency.name, subject=letter.subject)]
    if disposition.instructions:
        body.append(_("Instructions: %(items)s",
                      items=", ".join(str(item.label) for item in disposition.instructions)))
    if disposition.note:
        body.append(_("Note: %(note)s", note=disposition.note))
    if disposition.deadline:
        body.append(_("Deadline: %(when)s", when=local_datetime(disposition.deadline)))
    body += ["", _("It waits for you in the panel, under Dispositions.")]
    return subject, "\n".join(body + _footer(letter))
