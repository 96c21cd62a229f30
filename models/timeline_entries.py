"""A letter's timeline entries, worded: each kind of its record read in one statement (the
office's internal record only for a reader who sees it), and said in the reader's language."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from .audit import AuditAction, AuditEntry
from .budget import RkaItem
from .comments import Comment
from .decisions import Outcome
from .dispositions import Disposition
from .documents import IssuedDocument
from .notifications import Notice
from .steps import PauseReason, step_label
from .timezone import local_date, local_datetime
from .users import User
from .workflow import TRANSITIONS


@dataclass
class Entry:
    """One thing that happened: when, who, what in words, and its details line by line."""

    at: datetime
    kind: str
    who: User | None
    what: str
    details: list[str] = field(default_factory=list)
    #: A link that goes with it: (text, endpoint, arguments), as a file to download.
    link: tuple | None = None
    #: A comment's own words: shown as text, kept apart from the office's wording.
    text: str | None = None


#: Order of entries at the same moment: the move first, then what made or followed it.
RANK = {"received": 0, "file": 1, "status": 2, "disposition": 3, "meeting": 4, "held": 5,
        "decision": 6, "document": 7, "rka": 8, "pause": 9, "resume": 10, "read": 11,
        "comment": 12}


class Entries:
    """Reads the rest of the letter's record, a statement per kind, and words each entry."""

    def __init__(self, session, letter, internal):
        self.session, self.letter, self.internal = session, letter, internal

    def entries(self, history, steps, meetings, decision) -> list[Entry]:
        rka = self._rka(decision)
        trail = self._trail(steps, meetings, rka)
        found = [self._received(), *self._moves(history, steps),
                 *self._meetings(meetings, trail), *self._decision(decision)]
        files = [self.letter.scan] + [m.minutes_file for m in meetings if self.internal]
        found += self._files([file for file in files if file is not None])
        found += self._documents()
        if self.internal:
            found += [*self._dispositions(), *self._notice_reads(), *self._rka_entries(rka, trail),
                      *self._pauses(steps, trail), *self._comments()]
        return _one_entry_per_disposition(found)

    # what everyone reads
    def _received(self) -> Entry:
        letter = self.letter
        agenda = f"{letter.agenda_number}/{letter.agenda_year}"
        return Entry(letter.received_at, "received",
                     letter.registered_by if self.internal else None,
                     _("Letter received from %(agency)s", agency=letter.agency.name),
                     [_("Agenda no. %(agenda)s, letter no. %(number)s", agenda=agenda,
                        number=letter.number)])

    def _moves(self, history, steps) -> list[Entry]:
        started = {(s.number, s.started_at): s for s in steps}
        entries = []
        for change in history:
            details = []
            transition = TRANSITIONS.get((change.from_status, change.move))
            step = started.get((transition.starts, change.happened_at)) if transition else None
            if step is not None:
                details.append(_("Step %(step)s, due by %(when)s", step=step_label(step.number),
                                 when=local_datetime(step.due_at)) if self.internal
                               else _("Due by %(when)s", when=local_datetime(step.due_at)))
            if self.internal and change.backdated:
                details.append(_("entered afterwards, on %(when)s",
                                 when=local_datetime(change.recorded_at)))
            entries.append(Entry(change.happened_at, "status",
                                 change.by if self.internal else None,
                                 _("Status: %(status)s", status=change.to_status.label), details))
        return entries

    def _meetings(self, meetings, trail) -> list[Entry]:
        entries = []
        for meeting in meetings:
            made = trail.get(("meeting", meeting.id))
            invited = Entry(made.at if made else meeting.scheduled_at, "meeting",
                            made.user if made and self.internal else None,
                            _("Technical meeting invitation"),
                            [_("Time: %(when)s", when=local_datetime(meeting.scheduled_at)),
                             _("Place: %(place)s", place=meeting.place)])
            entries.append(invited)
            if meeting.held_at:
                marked = trail.get(("meeting held", meeting.id), made)  # or made held
                held = Entry(meeting.held_at, "held",
                             marked.user if marked and self.internal else None,
                             _("Technical meeting held"))
                if self.internal and meeting.minutes:
                    held.details.append(_("Minutes: %(text)s", text=meeting.minutes))
                if self.internal and meeting.recommendation:
                    held.details.append(_("Recommendation: %(text)s",
                                          text=meeting.recommendation))
                entries.append(held)
        return entries

    def _decision(self, decision) -> list[Entry]:
        if decision is None:
            return []
        details = []
        if decision.outcome is Outcome.ACCEPTED and decision.budget_year:
            details.append(_("Budget year: %(year)s", year=decision.budget_year))
        if decision.reason:
            details.append(_("Reason: %(reason)s", reason=decision.reason))
        if decision.reply_number:
            details.append(_("Reply letter: no. %(number)s, dated %(date)s",
                             number=decision.reply_number, date=local_date(decision.reply_date)))
        return [Entry(decision.decided_at, "decision",
                      decision.decided_by if self.internal else None,
                      _("Decision: %(outcome)s", outcome=decision.outcome.label), details)]

    def _files(self, files) -> list[Entry]:
        uploaders = self._users({file.uploaded_by_id for file in files} - {None})
        return [Entry(file.uploaded_at, "file",
                      uploaders.get(file.uploaded_by_id) if self.internal else None,
                      _("File attached: %(kind)s", kind=file.kind.label),
                      link=(file.filename, "attachments.download", {"attachment_id": file.id}))
                for file in files]

    def _documents(self) -> list[Entry]:
        """The letters issued from the request's records, each with its PDF."""
        rows = self.session.scalars(select(IssuedDocument).where(
            IssuedDocument.letter_id == self.letter.id, IssuedDocument.pdf_id.is_not(None))
            .options(joinedload(IssuedDocument.pdf), joinedload(IssuedDocument.issued_by))
            .order_by(IssuedDocument.issued_at, IssuedDocument.id)).all()
        return [Entry(document.issued_at, "document",
                      document.issued_by if self.internal else None,
                      _("Document issued: %(kind)s", kind=document.kind.label),
                      [" · ".join(filter(None, (document.number,
                                                local_date(document.document_date))))],
                      link=(document.pdf.filename, "attachments.download",
                            {"attachment_id": document.pdf_id}))
                for document in rows]

    # the office's own record
    def _dispositions(self) -> list[Entry]:
        rows = self.session.scalars(select(Disposition).where(
            Disposition.letter_id == self.letter.id, Disposition.archived_at.is_(None))
            .options(joinedload(Disposition.from_user), joinedload(Disposition.to_user))).all()
        entries = []
        for row in rows:
            entries.append(Entry(row.disposed_at, "disposition", row.from_user,
                                 _("Disposed to %(person)s", person=row.to_user.full_name),
                                 row.orders()))
            if row.read_at:
                entries.append(Entry(row.read_at, "read", row.to_user,
                                     _("Disposition read")))
        return entries

    def _notice_reads(self) -> list[Entry]:
        rows = self.session.scalars(select(Notice).where(
            Notice.letter_id == self.letter.id, Notice.read_at.is_not(None))
            .options(joinedload(Notice.recipient))).all()
        return [Entry(row.read_at, "read", row.recipient,
                      _("Notice read: %(kind)s", kind=row.kind.label)) for row in rows]

    def _rka(self, decision) -> list[RkaItem]:
        if decision is None or not self.internal:
            return []
        return self.session.scalars(select(RkaItem).where(
            RkaItem.decision_id == decision.id, RkaItem.archived_at.is_(None))
            .order_by(RkaItem.id)).all()

    def _rka_entries(self, items, trail) -> list[Entry]:
        entries = []
        for item in items:
            made = trail.get(("rka_item", item.id))
            entries.append(Entry(item.planned_at or (made.at if made else self.letter.received_at),
                                 "rka", made.user if made else None,
                                 _("RKA item planned: %(code)s", code=item.nomenclature_code),
                                 [item.description, _("%(status)s, budget year %(year)s",
                                                      status=item.status.label,
                                                      year=item.fiscal_year)]))
        return entries

    def _pauses(self, steps, trail) -> list[Entry]:
        by_id = {step.id: step for step in steps}
        entries = []
        for entry in trail.get("step_record", []):
            paused = entry.changed_fields.get("paused_since")
            step = by_id.get(entry.row_id)
            if not paused or step is None:
                continue
            label = step_label(step.number)
            if paused[1]:
                reason = (entry.changed_fields.get("pause_reason") or [None, None])[1]
                details = [_("Reason: %(reason)s", reason=PauseReason(reason).label)] if (
                    reason) else []
                entries.append(Entry(datetime.fromisoformat(paused[1]), "pause", entry.user,
                                     _("Step paused: %(step)s", step=label), details))
            else:
                entries.append(Entry(entry.at, "resume", entry.user,
                                     _("Step resumed: %(step)s", step=label),
                                     [_("Due by %(when)s", when=local_datetime(step.due_at))]
                                     if step.is_open else []))
        told = {(e.what, e.at) for e in entries if e.kind == "pause"}
        for step in steps:  # a pause the trail does not hold as a change (written with the step)
            what = _("Step paused: %(step)s", step=step_label(step.number))
            if step.paused_since and (what, step.paused_since.replace(microsecond=0)) not in told:
                entries.append(Entry(step.paused_since, "pause", None, what, [
                    _("Reason: %(reason)s", reason=step.pause_reason.label)]
                    if step.pause_reason else []))
        return entries

    def _comments(self) -> list[Entry]:
        rows = self.session.scalars(select(Comment).where(Comment.letter_id == self.letter.id)
                                    .options(joinedload(Comment.author))).all()
        return [Entry(row.created_at, "comment", row.author, _("Comment"), text=row.body)
                for row in rows]

    # what the rest is read with
    def _trail(self, steps, meetings, rka) -> dict:
        """Who made the letter's meetings (and marked them held) and RKA items, and its steps'
        pauses, from the audit trail (the records themselves keep no author): one statement."""
        wanted = [and_(AuditEntry.table_name == "meeting",
                       AuditEntry.action.in_([AuditAction.CREATE, AuditAction.UPDATE]),
                       AuditEntry.row_id.in_([m.id for m in meetings]))]
        if self.internal:
            wanted += [and_(AuditEntry.table_name == "rka_item",
                            AuditEntry.action == AuditAction.CREATE,
                            AuditEntry.row_id.in_([item.id for item in rka])),
                       and_(AuditEntry.table_name == "step_record",
                            AuditEntry.action == AuditAction.UPDATE,
                            AuditEntry.row_id.in_([step.id for step in steps]))]
        found = {}
        rows = self.session.scalars(select(AuditEntry).where(or_(*wanted))
                                    .options(joinedload(AuditEntry.user)).order_by(AuditEntry.id))
        for row in rows:
            if row.table_name == "step_record":
                found.setdefault("step_record", []).append(row)
            elif row.action == AuditAction.UPDATE:  # a meeting's: who marked it held, last
                if (row.changed_fields.get("held_at") or [None, None])[1]:
                    found[("meeting held", row.row_id)] = row
            else:
                found.setdefault((row.table_name, row.row_id), row)
        return found

    def _users(self, ids) -> dict:
        if not ids:
            return {}
        return {user.id: user for user in self.session.scalars(
            select(User).where(User.id.in_(ids)))}


def _one_entry_per_disposition(entries: list[Entry]) -> list[Entry]:
    """A disposition and the status it brought, told once: the disposition, with the step it
    started and its due time."""
    moves = {(entry.at.replace(microsecond=0), entry.who): entry
             for entry in entries if entry.kind == "status"}
    told = set()
    for entry in entries:
        move = moves.get((entry.at.replace(microsecond=0), entry.who))
        if entry.kind == "disposition" and move is not None and id(move) not in told:
            entry.details += move.details
            told.add(id(move))
    return [entry for entry in entries if id(entry) not in told]
