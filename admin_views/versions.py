"""Versions on edit forms: a form carries the version it was opened at, and saving it over a
newer one is refused, so two people editing the same record never overwrite each other."""

from flask import flash, request
from flask_babel import gettext
from wtforms import HiddenField

from models import AuditEntry, db

from .formatting import local_datetime


class VersionedForms:
    """A ModelView mixin for the edit form's version check."""

    @property
    def versioned(self) -> bool:
        return self.model.__mapper__.version_id_col is not None

    def get_edit_form(self):
        form_class = super().get_edit_form()
        if not self.versioned:
            return form_class
        return type(form_class.__name__, (form_class,), {"edit_version": HiddenField()})

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
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
