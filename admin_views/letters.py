"""Screens for request letters and their dispositions."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from models import (
    ActingAssignment,
    Application,
    AttachmentKind,
    Disposition,
    DomainError,
    Instruction,
    LetterStatus,
    Move,
    RequestLetter,
    Role,
    SecurityClass,
    Urgency,
    db,
    papers,
)
from models.comments import COMMENT_LIMIT, Comment, sees_internals
from models.dispositions import CHAIN, USUAL_INSTRUCTIONS, recipients
from models.documents import issue
from models.office_calendar import office_calendar
from models.recording import save
from models.steps import step_label
from models.timeline import Timeline
from models.timezone import to_local
from models.workflow import TRANSITIONS
from models.write_turn import begin_write

from . import printing
from .attachments import SHOWN
from .base import SecuredModelView, now
from .fields import UploadField
from .formatting import local_datetime
from .letter_dates import CONFIRM, confirm_field, letter_date_checked, offer_confirmation
from .letter_list import FORMATTERS as LIST_FORMATTERS
from .letter_list import remember_deadlines, status_pill, urgency_mark
from .lookups import ScopedLookup, letter_lookup
from .permissions import ROW_SCOPED, VIEW, can, scope
from .workbench import LABELS as MOVE_LABELS
from .workbench import OpenedFromLetter, buttons
from .workflow import DeadlineFilter


def attachment_link(relation):
    """A list/details column that links to the attachment's permission-checked download."""
    def formatter(view, context, model, name):
        file = getattr(model, relation)
        if file is None:
            return ""
        return Markup('<a href="{}">{}</a>').format(
            url_for("attachments.download", attachment_id=file.id), file.filename)
    return formatter


def _steps_table(letter):
    """The letter's SOP steps: who holds each, since when, due when, done when."""
    rows = Markup("").join(Markup(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>").format(
        step_label(step.number), step.holder.full_name if step.holder else "",
        local_datetime(step.started_at), local_datetime(step.due_at),
        local_datetime(step.finished_at) or gettext("open"))
        for step in letter.steps)
    head = Markup("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>").format(
        gettext("Step"), gettext("Held by"), gettext("Started at"), gettext("Due at"),
        gettext("Finished at"))
    return Markup('<table class="table table-sm mb-0">{}{}</table>').format(head, rows)


#: Disposition rows on a lembar disposisi: the blank ones are for dispositions written by hand.
SHEET_ROWS = 3


def _nature(letter) -> list:
    """The letter's "sifat" on the sheet: its urgency and security class, or just ordinary."""
    marks = [mark for mark in (letter.urgency, letter.security_class)
             if mark not in (Urgency.ORDINARY, SecurityClass.ORDINARY)]
    return marks or [letter.urgency]


def _history_list(letter):
    return Markup("<ol class='mb-0 pl-3'>{}</ol>").format(Markup("").join(
        Markup("<li>{} · {} · {}</li>").format(local_datetime(change.happened_at), change,
                                               change.by.full_name if change.by else "")
        for change in letter.history))


class RequestLetterView(SecuredModelView):
    resource = "letter"
    # one line a letter at 1366 px: the date, kind and urgency are in the details (urgency
    # also marks the subject), the agenda number shows its year
    column_list = ("agenda_number", "number", "received_at", "agency", "subject", "status",
                   "due")
    column_details_list = ("agenda_number", "agenda_year", "number", "letter_date",
                           "received_at", "agency", "subject", "summary", "request_kind",
                           "application_name", "application", "spbe_category",
                           "security_class", "urgency", "archive_code", "scan", "status",
                           "registered_at", "registered_by", "steps", "history")
    column_export_list = column_details_list[:-2]
    column_default_sort = ("received_at", True)
    details_template = "letter_details.html"
    list_template = "admin/letter_list.html"
    column_extra_row_actions = [EndpointLinkRowAction("fa fa-print", ".sheet_view",
                                                      _l("Disposition sheet"))]
    #: Searched by RequestLetter.matching, which adds the agenda number and the agency.
    column_searchable_list = ("number", "subject", "application_name")
    column_filters = (DeadlineFilter(RequestLetter.id, _l("Deadline")), "status",
                      "request_kind", "urgency", "security_class", "spbe_category",
                      "letter_date", "received_at", "agency.name", "agenda_year")
    column_formatters = {"scan": attachment_link("scan"), **LIST_FORMATTERS}
    column_formatters_detail = {"scan": attachment_link("scan"),
                                "steps": lambda v, c, m, n: _steps_table(m),
                                "history": lambda v, c, m, n: _history_list(m)}
    form_columns = ("number", "letter_date", CONFIRM, "received_at", "agency", "subject",
                    "summary", "request_kind", "application_name", "application",
                    "spbe_category", "security_class", "urgency", "archive_code", "scan_file")
    form_extra_fields = {"scan_file": UploadField(_l("Scanned letter (PDF, JPEG or PNG)")),
                        CONFIRM: confirm_field()}
    form_ajax_refs = {"application": ScopedLookup("application", Application, ["name"],
                                                  Application.name)}
    upload_fields = {"scan_file": ("scan", AttachmentKind.LETTER_SCAN)}
    form_args = {"received_at": {"default": now}}
    column_labels = {
        "agenda_number": _l("Agenda no."), "agenda_year": _l("Year"),
        "number": _l("Letter no."), "letter_date": _l("Letter date"),
        "received_at": _l("Received at"), "agency": _l("From (OPD)"),
        "agency.name": _l("OPD"), "subject": _l("Subject"), "summary": _l("Summary"),
        "request_kind": _l("Request kind"), "application_name": _l("Application name (new)"),
        "application": _l("Application (upgrade)"), "spbe_category": _l("SPBE category"),
        "security_class": _l("Security class"), "urgency": _l("Urgency"),
        "archive_code": _l("Classification code"), "scan": _l("Scanned letter"),
        "status": _l("Status"), "registered_at": _l("Registered at"),
        "registered_by": _l("Registered by"), "steps": _l("SOP steps"),
        "history": _l("Status history"), "due": _l("Due (running step)"),
    }

    #: Filled in by the office, not by an OPD submitting its own request (received: now).
    OFFICE_FIELDS = ("received_at", "archive_code")

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """The agenda number as shown (54/2026), the letter number, subject, application name
        and the agency's name or short name: RequestLetter.matching."""
        clause = RequestLetter.matching(search)
        return (query.filter(clause),
                count_query.filter(clause) if count_query is not None else None, joins,
                count_joins)

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):  # the page's deadlines, in one query
            remember_deadlines(db.session, rows, now())
        return count, rows

    def create_form(self, obj=None):
        form = offer_confirmation(super().create_form(obj), request.method == "POST")
        if current_user.role in ROW_SCOPED:
            for name in self.OFFICE_FIELDS:
                del form[name]
            if request.method != "POST":
                form.agency.data = current_user.agency  # their own, the one choice offered
        return form

    def edit_form(self, obj=None):
        return offer_confirmation(super().edit_form(obj), request.method == "POST")

    def validate_form(self, form):
        valid = super().validate_form(form)
        return letter_date_checked(form, now()) and valid

    def on_model_change(self, form, model, is_created):
        if is_created and model.agency is None and current_user.agency is not None:
            model.agency = current_user.agency
        if is_created and model.received_at is None:
            model.received_at = now()
        super().on_model_change(form, model, is_created)

    #: Details an OPD does not read: the officials' own step table (the timeline shows the
    #: OPD its request's path and due times).
    INTERNAL_DETAILS = ("steps", "history")

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            letter, at = kwargs["model"], now()
            user = current_user._get_current_object()
            kwargs["timeline"] = Timeline.of(letter, db.session, viewer=user)
            if not sees_internals(user.role):
                kwargs["details_columns"] = [(name, label) for name, label
                                             in kwargs.get("details_columns", ())
                                             if name not in self.INTERNAL_DETAILS]
            kwargs["comment_limit"] = COMMENT_LIMIT
            step = next((s for s in letter.steps if s.is_open), None)
            kwargs.update(
                # an OPD follows its letter, not the office's inner work (None: no moves, nor
                # who holds the step)
                moves=None if current_user.role in ROW_SCOPED else buttons(letter, user, at),
                open_step=step, status_mark=status_pill(letter.status),
                urgency=urgency_mark(letter.urgency), scan_shown=SHOWN.get(letter.scan.content_type)
                if letter.scan else None,
                deadline=step.deadline(at, office_calendar()) if step else None)
        return super().render(template, **kwargs)

    @expose("/comment/", methods=("POST",))
    def comment_view(self):
        """A staff member's comment on the letter's timeline ("@username" tells that
        colleague); an OPD's letter page has no comments."""
        letter = self.get_one(request.form.get("id"))
        if letter is None:
            abort(404)
        if not sees_internals(current_user.role):
            abort(403)
        at, user = now(), current_user._get_current_object()
        back = url_for(".details_view", id=letter.id, _anchor="timeline-title")
        try:
            save(db.session, Comment(letter=letter, author=user,
                                     body=request.form.get("body", "")),
                 at=at, by=user, announce=True)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(back)
        flash(gettext("Comment added."), "success")
        return redirect(back)

    def is_action_allowed(self, name):
        if name == "send_to_kadis":  # offered to the role the transition table names
            forward = TRANSITIONS[(LetterStatus.REGISTERED, Move.SEND_TO_KADIS)]
            return current_user.is_authenticated and current_user.role is forward.role
        return super().is_action_allowed(name)

    @action("send_to_kadis", _l("Forward to the Kepala Dinas"))
    def action_send_to_kadis(self, ids):
        """The clerk hands registered letters to the Kepala Dinas (who is told); all or
        nothing."""
        at, user = now(), current_user._get_current_object()

        def forward(letter):
            letter.move(Move.SEND_TO_KADIS, by=user, at=at)
            save(db.session, letter, at=at, by=user, created=False, announce=True)
        count = self.act_on(ids, forward)
        if count is not None:
            flash(gettext("%(count)s letter(s) forwarded.", count=count), "success")

    @expose("/sheet/")
    def sheet_view(self):
        """The letter's lembar disposisi, printable on one A5 page. Issued, with its QR code,
        to the roles that read the dispositions; the OPD's copy, without them, is a plain
        print of its letter's facts, never an official document of its own."""
        db.session.commit()  # issuing the sheet writes: the write turn, before reading
        begin_write(db.session)
        letter = self.get_one(request.args.get("id"))
        if letter is None:
            abort(404)
        shown = can(current_user.role, VIEW, "disposition")
        dispositions = scope(db.session.query(Disposition), Disposition, current_user).filter(
            Disposition.letter_id == letter.id).order_by(
            Disposition.disposed_at, Disposition.id).all() if shown else []
        document = link = None
        if shown:
            document = issue(db.session, papers.disposition_sheet(letter, dispositions),
                             at=now(), by=current_user._get_current_object())
            db.session.commit()
            link = printing.verification_url(document)
        return self.render("disposition_sheet.html", letter=letter, nature=_nature(letter),
                           dispositions=dispositions, dispositions_shown=shown,
                           blank_rows=max(0, SHEET_ROWS - len(dispositions)),
                           instructions=list(Instruction), document=document,
                           verification_url=link, qr=link and printing.qr_data_uri(link))


def _chain_roles(letter, user, day):
    """Who disposes `letter` now (the role its next link down the chain is made by), or, with
    no letter fixed, the roles the user holds on `day`."""
    if letter is not None:
        made = [TRANSITIONS[(letter.status, move)].role for move in CHAIN.values()
                if (letter.status, move) in TRANSITIONS]
        if made:
            return made
    return ActingAssignment.roles_on(user, day)


class DispositionView(OpenedFromLetter, SecuredModelView):
    resource = "disposition"
    author_field = "from_user"
    column_list = ("letter", "from_user", "to_user", "instructions", "disposed_at",
                   "read_at", "deadline")
    column_details_list = column_list + ("note",)
    column_export_list = column_details_list
    column_default_sort = ("disposed_at", True)
    column_searchable_list = ("note",)
    column_filters = ("disposed_at", "read_at", "deadline", "to_user.full_name")
    form_columns = ("letter", "to_user", "instructions", "note", "disposed_at", "deadline")
    form_ajax_refs = {"letter": letter_lookup()}
    form_args = {"disposed_at": {"default": now}}
    column_labels = {
        "letter": _l("Letter"), "from_user": _l("From"), "to_user": _l("Forwarded to"),
        "to_user.full_name": _l("Forwarded to"), "instructions": _l("Instructions"),
        "note": _l("Note"), "disposed_at": _l("Disposed at"), "read_at": _l("Read at"),
        "deadline": _l("Deadline"),
    }

    def create_form(self, obj=None):
        """"Forwarded to" offers only the valid recipients: one link down the chain, an
        absent official's stand-in first (and picked)."""
        form = super().create_form(obj)
        day = to_local(now()).date()
        user = current_user._get_current_object()
        chosen = recipients(db.session, _chain_roles(self.fixed_letter(), user, day), day)
        form.to_user.query_factory = lambda: chosen
        if request.method != "POST" and chosen and form.to_user.data is None:
            form.to_user.data = chosen[0]
            roles = ActingAssignment.roles_on(chosen[0], day)
            form.instructions.process_data(next(
                (USUAL_INSTRUCTIONS[role] for role in roles if role in USUAL_INSTRUCTIONS), []))
        return form

    def move_title(self, letter):
        move = next((move for move in CHAIN.values() if (letter.status, move) in TRANSITIONS),
                    None)
        return MOVE_LABELS["dispose_kabid" if move is CHAIN[Role.KABID] else "dispose_kasi"] \
            if move else gettext("Dispose")

    @expose("/details/")
    def details_view(self):
        """Opening a disposition addressed to oneself marks it read (a write: it takes the
        write turn before reading, as every POST does)."""
        db.session.commit()  # end the read the log-in check began, then take the turn
        begin_write(db.session)
        record = self.get_one(request.args.get("id"))
        if record is not None and record.to_user_id == current_user.id and not record.read_at:
            record.read_at = now()
            db.session.commit()
        return super().details_view()
