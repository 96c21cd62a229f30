"""Attachment downloads, through the permissions and row scope of the records holding them."""

from io import BytesIO

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required
from flask_talisman import Talisman

from models import Attachment, IssuedDocument, Meeting, RequestLetter, db

from .paging import parse_id
from .permissions import VIEW, can, scope

bp = Blueprint("attachments", __name__)

#: Which records hold attachments: (resource, model, the attachment's key column).
HOLDERS = (("letter", RequestLetter, RequestLetter.scan_id),
           ("meeting", Meeting, Meeting.minutes_file_id),
           ("letter", IssuedDocument, IssuedDocument.pdf_id))


def may_see(user, attachment_id: int) -> bool:
    """True when a record the user may view holds this attachment."""
    for resource, model, key in HOLDERS:
        if can(user.role, VIEW, resource) and scope(
                db.session.query(model.id), model, user).filter(key == attachment_id).first():
            return True
    return False


#: Content types a page shows in place (the uploads accept nothing else), and how.
SHOWN = {"application/pdf": "frame", "image/jpeg": "image", "image/png": "image"}

#: A file shown in the letter's page: framed by the panel's own pages only, running nothing of
#: its own; object-src lets the browser's PDF viewer draw it.
IN_PLACE_CSP = {"default-src": "'none'", "object-src": "'self'", "img-src": "'self'",
                "style-src": "'unsafe-inline'", "frame-ancestors": "'self'"}


def _send(attachment_id, as_attachment: bool):
    if parse_id(attachment_id) is None or not may_see(current_user, attachment_id):
        abort(404)
    file = db.session.get(Attachment, attachment_id)
    if file is None or (not as_attachment and file.content_type not in SHOWN):
        abort(404)
    response = send_file(BytesIO(file.data), mimetype=file.content_type,
                         as_attachment=as_attachment, download_name=file.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/berkas/<int:attachment_id>")
@login_required
def download(attachment_id):
    return _send(attachment_id, as_attachment=True)


@bp.route("/berkas/<int:attachment_id>/lihat")
@login_required
@Talisman()(frame_options="SAMEORIGIN", content_security_policy=IN_PLACE_CSP)
def show(attachment_id):
    """The file in place (the letter's scan on its page), under the same permission check."""
    return _send(attachment_id, as_attachment=False)
