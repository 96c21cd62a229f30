"""The letters a record's details page writes from it (models/papers.WRITERS): each issued
once per content, its PDF attached to it for everyone who may see the record, the DOCX made
on request for editing."""

from datetime import timedelta
from io import BytesIO

from flask import abort, flash, redirect, request, send_file
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import func, select

from models import Decision, DocumentKind, DomainError, IssuedDocument, Meeting, Outcome, db
from models.audit import AuditAction, AuditEntry
from models.documents import FILE_NAMES, issue
from models.papers import WRITERS, invitation, minutes, rejection

from . import printing
from .base import now
from .permissions import EDIT

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class WritesDocuments:
    """For a SecuredModelView: the details page lists the record's issued documents and,
    for those who may edit the record, offers its letters as PDF and DOCX."""

    details_template = "record_documents.html"

    @expose("/document/", methods=("POST",))
    def document_view(self):
        """Issue the chosen letter (or find it issued) and send it in the chosen format."""
        if not self.allowed(EDIT):
            abort(403)
        record = self.get_one(request.form.get("id"))
        writers = WRITERS[self.resource]
        kind = next((k for k in writers if k.value == request.form.get("kind")), None)
        file_format = request.form.get("format")
        if record is None or kind is None or file_format not in FORMATS:
            abort(404)
        at, user = now(), current_user._get_current_object()
        try:
            paper = writers[kind](db.session, record)
            document = issue(db.session, paper, at=at, by=user,
                             render=lambda issued: printing.pdf(paper, issued), announce=True)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(self.get_url(".details_view", id=record.id))
        data = document.pdf.data if file_format == "pdf" else printing.docx(paper, document)
        name = f"{FILE_NAMES[kind]}-{record.id}.{file_format}"
        return send_file(BytesIO(data), mimetype=FORMATS[file_format], as_attachment=True,
                         download_name=name)

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            table = self.model.__table__.name
            kwargs["documents"] = IssuedDocument.of_record(db.session, table,
                                                           kwargs["model"].id)
            kwargs["writers"] = list(WRITERS[self.resource]) if self.allowed(EDIT) else []
        return super().render(template, **kwargs)


#: How many of each letter the demo issues: the latest records' (`flask seed-demo`).
DEMO_LETTERS = 3


def issue_demo_documents(session, at, by) -> int:
    """Issue the latest meetings' invitations and minutes and the latest rejection letters,
    PDFs and all, as the Kasi would from the records' pages. Needs a request context (the QR
    code's link). Returns how many were issued."""
    latest = select(Meeting).order_by(Meeting.scheduled_at.desc()).limit(DEMO_LETTERS)
    held = latest.where(Meeting.held_at.is_not(None))
    rejected = select(Decision).where(Decision.outcome == Outcome.REJECTED).order_by(
        Decision.decided_at.desc()).limit(DEMO_LETTERS)
    papers = [*(invitation(session, m) for m in session.scalars(latest)),
              *(minutes(session, m) for m in session.scalars(held)),
              *(rejection(session, d) for d in session.scalars(rejected))]
    for paper in papers:
        issue(session, paper, at=_issued_in_the_demo(session, paper, at), by=by,
              render=lambda issued, paper=paper: printing.pdf(paper, issued))
    return len(papers)


def _issued_in_the_demo(session, paper, at):
    """When the Kasi would have issued `paper`: the invitation as the meeting was made, the
    others once their record was last written; a few minutes later, and never after `at`."""
    written = select(func.max(AuditEntry.at)).where(
        AuditEntry.table_name == paper.record_table, AuditEntry.row_id == paper.record_id)
    if paper.kind is DocumentKind.MEETING_INVITATION:
        written = written.where(AuditEntry.action == AuditAction.CREATE)
    return min(session.scalar(written) + timedelta(minutes=5), at)
