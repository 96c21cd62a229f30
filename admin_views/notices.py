"""Each person's notices (Pemberitahuan): meetings, decisions and dispositions that concern them."""

from flask import abort, flash, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from models import Notice, db
from models.write_turn import begin_write

from .base import ReadOnlyModelView, now
from .permissions import ROW_SCOPED, VIEW, can
from .workbench import buttons


def _letter_link(view, context, model, name):
    """The letter, linked to its page for those who may open it."""
    if not can(current_user.role, VIEW, "letter"):
        return str(model.letter)
    return Markup('<a href="{}">{}</a>').format(
        url_for("letters.details_view", id=model.letter_id), model.letter)


def _body(view, context, model, name):
    return Markup('<div class="notice-body">{}</div>').format(model.body).replace(
        "\n", Markup("<br>"))


class NoticeView(ReadOnlyModelView):
    """Only the logged-in person's own notices: scope() keeps them to their recipient."""

    resource = "notice"
    column_list = ("created_at", "kind", "subject", "letter", "read_at")
    column_details_list = ("created_at", "kind", "letter", "subject", "body", "read_at")
    column_default_sort = ("created_at", True)
    column_searchable_list = ("subject", "body")
    column_filters = ("kind", "created_at", "read_at")
    column_formatters = {"letter": _letter_link}
    column_formatters_detail = {"letter": _letter_link, "body": _body}
    column_labels = {"created_at": _l("Time"), "kind": _l("Kind"), "subject": _l("Subject"),
                     "letter": _l("Letter"), "body": _l("Message"), "read_at": _l("Read at")}

    details_template = "notice_details.html"

    def is_visible(self):
        return False  # reached from the count beside the user's name, not from the menu

    def render(self, template, **kwargs):
        """A notice about a letter offers the reader's moves on it, right where they read."""
        notice = kwargs.get("model")
        if template == self.details_template and notice is not None and \
                notice.letter is not None and current_user.role not in ROW_SCOPED:
            kwargs["moves"] = buttons(notice.letter, current_user._get_current_object(), now())
        return super().render(template, **kwargs)

    @expose("/details/")
    def details_view(self):
        """Opening one's notice marks it read; another person's is not there (404)."""
        db.session.rollback()  # end the request's read: the write turn starts a transaction
        begin_write(db.session)  # the read below decides the write
        notice = self.get_one(request.args.get("id"))
        if notice is None:
            db.session.rollback()
            abort(404)
        notice.mark_read(now())
        db.session.commit()
        return super().details_view()

    @action("mark_read", _l("Mark as read"))
    def action_mark_read(self, ids):
        at = now()
        count = self.act_on(ids, lambda notice: notice.mark_read(at))
        if count is not None:
            flash(gettext("%(count)s notice(s) marked as read.", count=count), "success")


def unread_notices() -> int:
    """The logged-in person's unread notices, for the count beside their name."""
    if not current_user.is_authenticated:
        return 0
    return Notice.unread_count(db.session, current_user)


def register(app) -> None:
    app.jinja_env.globals.update(unread_notices=unread_notices)
