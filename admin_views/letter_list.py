"""The letter list as it fits a 1366-pixel screen: one line a letter, the agenda number with its
year, long texts cut with the whole in a tooltip, urgency marked, status and deadline as
coloured pills."""

from datetime import datetime

from flask import g
from flask_babel import format_datetime, gettext
from markupsafe import Markup
from sqlalchemy import select

from models import LetterStatus, StepRecord, Urgency
from models.office_calendar import office_calendar
from models.steps import step_label
from models.timezone import local_datetime, to_local

from .formatting import deadline_pill

S = LetterStatus
#: Each status's colour: waiting to start, on its way, accepted, budgeted or built, refused.
STATUS_TONES = {S.REGISTERED: "new", S.AT_KADIS: "open", S.AT_KABID: "open",
                S.AT_KASI: "open", S.IN_ANALYSIS: "open", S.ACCEPTED: "good", S.IN_RKA: "good",
                S.BUILT: "done", S.REJECTED: "refused"}
#: How urgent letters are marked; an ordinary one is not.
URGENCY_MARKS = {Urgency.URGENT: "urgent", Urgency.VERY_URGENT: "very-urgent"}


def status_pill(status) -> Markup:
    return Markup('<span class="pill status-{}">{}</span>').format(
        STATUS_TONES.get(status, "new"), status.label)


def urgency_mark(urgency) -> Markup:
    tone = URGENCY_MARKS.get(urgency)
    if tone is None:
        return Markup("")
    short = {"urgent": gettext("Urgent"), "very-urgent": gettext("Very urgent")}[tone]
    return Markup('<span class="mark mark-{}">{}</span>').format(tone, short)


def striptags(markup: Markup) -> str:
    return Markup(markup).striptags()


def _cut(text, before: Markup | str = "") -> Markup:
    """A text cut to its cell's width by the style sheet, the whole of it in a tooltip; `before`
    (a mark) stays whole."""
    return Markup('<span class="cut-line">{0}<span class="cut" title="{1}">{1}</span></span>'
                  ).format(before, text or "")


def short_moment(moment: datetime | None) -> str:
    """"2 Des 2026 11:37": a list's time, in WIB like every time on the screens."""
    if moment is None:
        return ""
    return format_datetime(to_local(moment), "d MMM y HH:mm", rebase=False)


def open_steps(session, letter_ids) -> dict:
    """The open step of each letter (the running one before a paused one), in one query; the
    letters' few steps are sifted here, as StepRecord.running_due does."""
    found = {}
    for step in session.scalars(select(StepRecord).where(StepRecord.letter_id.in_(letter_ids))):
        if step.finished_at is not None:
            continue
        held = found.get(step.letter_id)
        if held is None or (held.paused_since is not None and step.paused_since is None):
            found[step.letter_id] = step
    return found


def remember_deadlines(session, rows, at: datetime) -> None:
    """The page's deadlines, for the deadline column: one query and one calendar."""
    steps = open_steps(session, [row.id for row in rows])
    calendar = office_calendar(session) if steps else None
    g.letter_deadlines = {letter_id: (step, step.deadline(at, calendar))
                          for letter_id, step in steps.items()}


def deadline_cell(view, context, model, name):
    """The running step's time left or lateness as a short pill; the due time and the whole
    of the time left in the tooltip."""
    held = g.get("letter_deadlines", {}).get(model.id)
    if held is None:
        return ""
    step, deadline = held
    whole = striptags(deadline_pill(deadline))
    return Markup('<span title="{} · {} · {}">{}</span>').format(
        step_label(step.number), gettext("Due %(when)s", when=local_datetime(step.due_at)),
        whole, deadline_pill(deadline, units=2))


#: The list's formatters, by column.
FORMATTERS = {
    "agenda_number": lambda v, c, m, n: f"{m.agenda_number}/{m.agenda_year}",
    "number": lambda v, c, m, n: _cut(m.number),
    "received_at": lambda v, c, m, n: short_moment(m.received_at),
    "agency": lambda v, c, m, n: _cut(m.agency),
    "subject": lambda v, c, m, n: _cut(m.subject, before=urgency_mark(m.urgency)),
    "status": lambda v, c, m, n: status_pill(m.status),
    "due": deadline_cell,
}
