"""The secured base view: every screen reads the permission table and the row scope here."""

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_text
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.fields import QuerySelectField, QuerySelectMultipleField
from flask_admin.form import BaseForm
from flask_admin.model.fields import AjaxSelectField
from flask_babel import Domain, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, validators

from models import Attachment, AuditEntry, DomainError, db
from models.announcements import announce
from models.errors import AgencyScopeViolation
from reports.export import neutralize_formula

from .export import stream_csv
from .fields import FilterConverter, ModelConverter, known_choice
from .formatting import EXPORT_FORMATTERS, TYPE_FORMATTERS, local_datetime
from .limits import searchable
from .permissions import ARCHIVE, CREATE, EDIT, EXPORT, VIEW, can, may_own, scope

#: WTForms' own messages, from the project's catalog (WTForms ships no Indonesian one).
wtforms_domain = Domain(domain="wtforms")


class _Translations:
    """Raw catalog look-ups: WTForms fills the %(placeholders)s itself."""

    def gettext(self, string):
        return wtforms_domain.get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return wtforms_domain.get_translations().ungettext(singular, plural, n)


class AdminForm(BaseForm):
    """Every generated form: Flask-WTF's CSRF token and messages in the user's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _Translations()


#: Primary keys are 32-bit integers on every backend.
MAX_ID = 2**31
#: List pages go up to here: far past any real list, and an OFFSET every database takes.
MAX_PAGE = 10**6
#: A list counts its rows this far past the page shown, not to the end of the table.
COUNT_AHEAD = 1_000


class AtLeast(int):
    """A row count that stopped counting: shown as "1.020+"."""

    def __str__(self):
        return f"{format_decimal(int(self))}+"


def capped_count(query, limit: int) -> int:
    """How many rows a query has, counted up to `limit` (an AtLeast when it stops there): at a
    million rows, counting them all would cost more than the page that shows them."""
    count = db.session.scalar(select(func.count()).select_from(query.limit(limit).subquery()))
    return AtLeast(count) if count == limit else count


def parse_id(value) -> int | None:
    """A primary key from a request, or None for anything that cannot be one."""
    try:
        key = int(value)
    except (TypeError, ValueError):
        return None
    return key if 0 < key < MAX_ID else None


def now() -> datetime:
    """The request's moment: read once at the edge, passed into the models."""
    return datetime.now(UTC)


class SecuredModelView(ModelView):
    """A generated screen whose buttons, rows and dropdowns follow the permission table."""

    #: The resource's name in the permission table.
    resource: str = ""

    form_base_class = AdminForm
    model_form_converter = ModelConverter
    filter_converter = FilterConverter()
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
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

    # Lists: the page's keys, its rows and a capped count: the same few queries whatever
    # the table's size.
    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        _, query = super().get_list(page, sort_column, sort_desc, search, filters,
                                    execute=False, page_size=page_size)
        size = page_size or self.page_size
        keys = query.enable_eagerloads(False).limit(None).offset(None).order_by(None)
        count = capped_count(keys.with_entities(self.model.id),
                             (page or 0) * size + size + COUNT_AHEAD)
        return count, self.page_rows(query) if execute else query

    def page_rows(self, query) -> list:
        """The page's keys first, sorted and filtered with nothing else read; then just those
        rows with what their columns show: the database sorts keys, not whole rows."""
        keys = [key for key, in query.enable_eagerloads(False).with_entities(self.model.id)]
        rows = self.get_query().options(*(joinedload(j) for j in self._auto_joins)).filter(
            self.model.id.in_(keys))
        by_key = {row.id: row for row in rows}
        return [by_key[key] for key in keys if key in by_key]  # not one archived meanwhile

    # List parameters: Flask-Admin hands the page number and the search text to the database
    # as typed (a negative or 64-bit OFFSET, a NUL byte, a LIKE pattern SQLite refuses); the
    # filters are checked by FilterConverter.
    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        if not 0 <= args.page < MAX_PAGE:
            args.page = 0
        if args.search and not searchable(args.search):
            flash(gettext("The search text is too long or holds control characters; it was "
                          "ignored."), "error")
            args.search = None
        return args

    def get_invalid_value_msg(self, value, filter):
        # names the filter, not the value: long values in many filters would overflow the
        # session cookie, and the browser would drop it (and with it the log-in)
        return gettext("The value of the filter %(name)s is not valid; the filter was ignored.",
                       name=filter.name)

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
        return self._scope_choices(super().create_form(obj))

    # Versions: an edit form carries the version it was opened at; saving it over a newer one
    # is refused, so two people editing the same record never overwrite each other.
    @property
    def versioned(self) -> bool:
        return self.model.__mapper__.version_id_col is not None

    def get_edit_form(self):
        form_class = super().get_edit_form()
        if not self.versioned:
            return form_class
        return type(form_class.__name__, (form_class,), {"edit_version": HiddenField()})

    def edit_form(self, obj=None):
        form = self._scope_choices(super().edit_form(obj))
        if self.versioned and obj is not None and request.method != "POST":
            form.edit_version.data = obj.version
        return form

    def update_model(self, form, model):
        # a form without a version (inline list editing) cannot show it is not stale
        sent = getattr(form, "edit_version", None)
        if self.versioned and (sent is None or (sent.data or "").strip() != str(model.version)):
            flash(self.conflict_message(model), "error")
            return False
        return super().update_model(form, model)

    def conflict_message(self, model) -> str:
        """Who changed the record, and when, since the form was opened."""
        last = db.session.query(AuditEntry).filter(
            AuditEntry.table_name == model.__table__.name, AuditEntry.row_id == model.id,
        ).order_by(AuditEntry.id.desc()).first()
        if last is None or last.user is None:
            return gettext("Someone else changed this data after you opened it; nothing was "
                           "saved. Reload the page to see their change, then edit again.")
        return gettext("%(user)s changed this data on %(at)s, after you opened it; nothing "
                       "was saved. Reload the page to see their change, then edit again.",
                       user=last.user.full_name, at=local_datetime(last.at))

    def _scope_choices(self, form):
        """Relation dropdowns list only rows the user may see, and start empty, not on row one."""
        for field in form:
            if isinstance(field, AjaxSelectField):  # its look-up is scoped (lookups.py)
                field.validators = [*field.validators, known_choice]
                continue
            factory = getattr(field, "query_factory", None)
            if factory is None:
                continue
            query = factory()
            model = query.column_descriptions[0]["entity"]
            field.query_factory = lambda q=query, m=model: scope(q, m, current_user)
            if not isinstance(field, QuerySelectField) or isinstance(
                    field, QuerySelectMultipleField):
                continue
            if not field.allow_blank:
                field.allow_blank = True
                field.validators = [*field.validators, validators.DataRequired()]
            field.validators = [*field.validators, known_choice]
        return form

    # Saving: the model decides, the view turns its refusal into a message.
    def on_model_change(self, form, model, is_created):
        if not self.allowed(CREATE if is_created else EDIT):
            raise DomainError(_l("You may not change this data."))
        at = now()
        if is_created and self.author_field:
            setattr(model, self.author_field, current_user._get_current_object())
        for field_name, (relation, kind) in self.upload_fields.items():
            upload = form[field_name].data
            if upload and upload.filename:
                setattr(model, relation, Attachment.from_bytes(
                    kind, upload.filename, upload.read(), at, current_user))
        with db.session.no_autoflush:
            if not may_own(current_user, model):
                raise AgencyScopeViolation()
            if hasattr(model, "before_save"):
                model.before_save(at=at, by=current_user)
            announce(model, at=at, by=current_user, created=is_created)

    def delete_model(self, model):
        """Archive instead of delete: business records are never removed."""
        if not self.can_delete or not hasattr(model, "archive"):
            flash(gettext("This data cannot be archived."), "error")
            return False
        try:
            model.archive(at=now(), by=current_user._get_current_object())
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

    def get_export_value(self, model, name):
        return neutralize_formula(super().get_export_value(model, name))

    def get_export_name(self, export_type="csv"):
        return f"{self.endpoint}_{now().strftime('%Y%m%d_%H%M')}.{export_type}"



class ReadOnlyModelView(SecuredModelView):
    """Records the workflow writes: listed, exported and read here, never created or edited."""

    can_create = can_edit = can_delete = property(lambda self: False)
