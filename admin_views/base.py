"""The secured base view: every screen reads the permission table and the row scope here."""

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_text
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from models import Attachment, DomainError, db
from models.audit import stamp
from models.recording import save

from .export import stream_csv
from .fields import FilterConverter, ModelConverter
from .formatting import TYPE_FORMATTERS
from .forms import AdminForm, scope_choices
from .paging import CappedLists, parse_id
from .permissions import ARCHIVE, CREATE, EDIT, EXPORT, VIEW, can, scope
from .versions import VersionedForms


def now() -> datetime:
    """The request's moment: read once at the edge, passed into the models."""
    return datetime.now(UTC)


class PageView(BaseView):
    """A page that is not a generated screen, open to the roles that may view `resource`;
    anyone not logged in is sent to the log-in page, anyone else without the right gets 403."""

    resource: str = ""

    def is_accessible(self):
        return current_user.is_authenticated and can(current_user.role, VIEW, self.resource)

    def inaccessible_callback(self, name, **kwargs):
        return SecuredModelView.inaccessible_callback(self, name, **kwargs)


class SecuredModelView(CappedLists, VersionedForms, ModelView):
    """A generated screen whose buttons, rows and dropdowns follow the permission table."""

    #: The resource's name in the permission table.
    resource: str = ""

    form_base_class = AdminForm
    model_form_converter = ModelConverter
    filter_converter = FilterConverter()
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    #: Exports type their cells themselves (export_columns); the list's formatters write HTML,
    #: so a column's export formatter is only one the view declares for the file.
    column_formatters_export: dict = {}
    #: Export titles that differ from the screen's (when the file's cells carry no unit).
    column_export_labels: dict = {}
    column_exclude_list = ("version", "archived_at")
    column_details_exclude_list = ("version", "archived_at")
    form_excluded_columns = ("version", "archived_at")
    can_view_details = True
    can_set_page_size = True
    page_size = 20
    #: Flask-Admin's count of every matching row gives way to capped_count() in get_list.
    simple_list_pager = True
    export_types = ["csv"]
    #: The relationship that records who made a new row (the logged-in user).
    author_field: str | None = None
    #: Extra upload fields: form field name -> (relationship on the model, AttachmentKind).
    upload_fields: dict = {}

    def preload(self, records) -> list:
        """Load at once what naming `records` row by row would read (a page of the list, a
        batch of its export); the caller keeps what it returns. Nothing by default."""
        return []

    def allowed(self, action: str) -> bool:
        # not is_authenticated: that reads `active`, which the form being saved may just change
        return not current_user.is_anonymous and can(current_user.role, action, self.resource)

    @property
    def can_create(self):
        return self.allowed(CREATE)

    @property
    def can_edit(self):
        return self.allowed(EDIT)

    @property
    def can_delete(self):
        return self.allowed(ARCHIVE)

    @property
    def can_export(self):
        return self.allowed(EXPORT)

    def is_accessible(self):
        return self.allowed(VIEW)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login_view", next=request.full_path))
        abort(403)

    # Rows: every path that loads rows goes through scope().
    def get_query(self):
        return scope(super().get_query(), self.model, current_user)

    def get_one(self, id):
        key = parse_id(id)
        return None if key is None else self.get_query().filter(
            self.model.id == key).one_or_none()

    @action("delete", admin_text("Delete"),
            admin_text("Are you sure you want to delete selected records?"))
    def action_delete(self, ids):
        # keys as integers: Flask-Admin passes the browser's strings, which PostgreSQL will
        # not compare with an integer key (and which may be no key at all)
        super().action_delete([key for key in map(parse_id, ids) if key is not None])

    def act_on(self, ids, change) -> int | None:
        """A bulk action: `change` each chosen row in the user's scope, all or nothing.
        Returns how many changed, or None when the model refused (the message is flashed)."""
        keys = [key for key in map(parse_id, ids) if key is not None]
        rows = self.get_query().filter(self.model.id.in_(keys)).all()
        try:
            for row in rows:
                change(row)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return None
        return len(rows)

    def create_form(self, obj=None):
        return scope_choices(super().create_form(obj), current_user)

    def edit_form(self, obj=None):
        return scope_choices(super().edit_form(obj), current_user)

    # Saving: the model decides, the view turns its refusal into a message.
    def on_model_change(self, form, model, is_created):
        if not self.allowed(CREATE if is_created else EDIT):
            raise DomainError(_l("You may not change this data."))
        at, user = now(), current_user._get_current_object()
        if is_created and self.author_field:
            setattr(model, self.author_field, user)
        for field_name, (relation, kind) in self.upload_fields.items():
            upload = form[field_name].data if field_name in form else None
            if upload and upload.filename:
                setattr(model, relation, Attachment.from_bytes(
                    kind, upload.filename, upload.read(), at, user))
        save(db.session, model, at=at, by=user, created=is_created, announce=True)

    def delete_model(self, model):
        """Archive instead of delete: business records are never removed."""
        if not self.can_delete:
            flash(gettext("This data cannot be archived."), "error")
            return False
        try:
            at, user = now(), current_user._get_current_object()
            stamp(db.session, at=at, by=user)
            model.archive(at=at, by=user)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            if not self.handle_view_exception(exc):
                raise
            return False
        return True

    def handle_view_exception(self, exc):
        db.session.rollback()  # nothing half-saved; and the message below may read the user
        if isinstance(exc, DomainError):
            flash(str(exc), "error")
            return True
        if isinstance(exc, StaleDataError):
            flash(gettext("Someone else changed this data in the meantime; nothing was saved. "
                          "Open it again to see their change."), "error")
            return True
        if isinstance(exc, IntegrityError):
            flash(gettext("The data clashes with data already saved (for example a duplicate "
                          "number); nothing was saved."), "error")
            return True
        if isinstance(exc, SQLAlchemyError) and not current_app.config.get(
                "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION"):
            # Flask-Admin would show the error's text, SQL included; the log keeps it
            current_app.logger.exception("database error on %s", request.path)
            flash(gettext("The database could not save this; nothing was saved. Try again, "
                          "and tell the system administrator if it happens again."), "error")
            return True
        return super().handle_view_exception(exc)

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self):
        """Inline list editing, which Flask-Admin checks against the editable columns only."""
        if not self.can_edit:
            abort(403)
        return super().ajax_update()

    @expose("/ajax/lookup/")
    def ajax_lookup(self):
        """The search-as-you-type dropdowns: for those who fill in this screen's forms."""
        if not (self.can_create or self.can_edit):
            abort(403)
        return super().ajax_lookup()

    def _export_csv(self, return_url):
        return stream_csv(self)

    def get_export_columns(self):
        return [(name, self.column_export_labels.get(name, title))
                for name, title in super().get_export_columns()]

    def get_export_name(self, export_type="csv"):
        return f"{self.endpoint}_{now().strftime('%Y%m%d_%H%M')}.{export_type}"



class ReadOnlyModelView(SecuredModelView):
    """Records the workflow writes: listed, exported and read here, never created or edited."""

    can_create = can_edit = can_delete = property(lambda self: False)
