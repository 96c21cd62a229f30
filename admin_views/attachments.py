"""Attachment downloads, through the permissions and row scope of the records holding them."""

from io import BytesIO

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

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


@bp.route("/berkas/<int:attachment_id>")
@login_required
def download(attachment_id):
    if parse_id(attachment_id) is None or not may_see(current_user, attachment_id):
        abort(404)
    file = db.session.get(Attachment, attachment_id)
    if file is None:
        abort(404)
    response = send_file(BytesIO(file.data), mimetype=file.content_type, as_attachment=True,
                         download_name=file.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
