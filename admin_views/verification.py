"""The public verification page a printed document's QR code links to: no log-in needed.

It shows what the paper itself shows (kind, number, date, signer, fingerprint) and whether
the records the paper was written from changed after it was issued; nothing else. The code
is unguessable; an address that keeps asking for unknown codes is paused, as log-ins are.
"""

import math

from flask import Blueprint, current_app, render_template
from werkzeug.exceptions import TooManyRequests

from models import IssuedDocument, User, db, papers
from models.documents import Signature
from models.login_counters import Limit, counter_key, take
from reports.catalogue import ReportScope, yearly

from .base import now
from .caching import per_write
from .login_limits import counters, visitor_address

bp = Blueprint("verification", __name__)

#: How many later changes the page lists (the first ones: when the paper stopped being true).
CHANGES_SHOWN = 5
#: The yearly reports' kinds, and the report each is printed from.
REPORTS = {kind: name for name, kind in papers.YEARLY.items()}


class VerificationPaused(TooManyRequests):
    def __init__(self, seconds: int):
        super().__init__(retry_after=seconds)
        self.minutes = math.ceil(seconds / 60)


def _count_miss() -> None:
    """An unknown code, counted against the visitor's address; over the limit, a pause."""
    at, limit = now(), Limit.parse(current_app.config["VERIFICATION_MISSES_PER_ADDRESS"])
    with counters().connect() as conn:
        count = take(conn, counter_key("verification", visitor_address()), limit, at)
    if not count.counted:
        raise VerificationPaused(max(1, math.ceil((count.ends_at - at).total_seconds())))


@bp.route("/verifikasi/<code>")
def show(code):
    document = IssuedDocument.by_code(db.session, code)
    if document is None:
        _count_miss()
        return render_template("verification.html", document=None), 404
    changes = document.changes_after_issue(db.session)
    return render_template("verification.html", document=document,
                           changes=changes[:CHANGES_SHOWN], more=len(changes) > CHANGES_SHOWN,
                           newer=document.newer_version(db.session),
                           report_differs=_report_differs(document))


def _report_differs(document: IssuedDocument) -> bool:
    """A yearly report: whether the office's data would now print it otherwise (its day and
    signer as printed); worked out once per write to the database."""
    name = REPORTS.get(document.kind)
    if name is None:
        return False

    def differs():
        year, signer = int(document.number), db.session.get(User, document.signer_id or 0)
        paper = papers.yearly_report(name, year, yearly(name, year, ReportScope(None)), None,
                                     document.document_date)
        if document.signer_name:
            paper.signature = Signature(document.signer_name, document.signer_position,
                                        signer.nip if signer else None)
        return paper.fingerprint() != document.fingerprint
    return per_write(f"verified/{document.code}", differs)


def _paused(exc: VerificationPaused):
    return (render_template("verification.html", document=None, paused=exc.minutes), 429,
            {"Retry-After": str(exc.minutes * 60)})


def register(app) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(VerificationPaused, _paused)
