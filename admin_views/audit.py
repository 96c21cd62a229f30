"""The audit trail, browsed and filtered by supervisors; archived records, restored by the
sysadmin."""

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from models import (
    Application,
    AuditAction,
    AuditEntry,
    Decision,
    Disposition,
    EquipmentFault,
    Meeting,
    RequestLetter,
    RkaItem,
    db,
)

from .base import PageView, ReadOnlyModelView
from .paging import parse_id
from .permissions import EDIT, can
from .trail import RECORDS, changes, preload, record_label, record_text


def _changes(view, context, model, name):
    """Field: old → new (a new record: field: value), one per line, by their labels."""
    if model.action is AuditAction.CREATE:
        lines = (Markup("<strong>{}</strong>: {}").format(field, new)
                 for field, _, new in changes(model))
    else:
        lines = (Markup("<strong>{}</strong>: {} → {}").format(field, old, new)
                 for field, old, new in changes(model))
    return Markup("<br>").join(lines)


def _changes_text(view, context, model, name):
    """In the file: field: old → new, one per line of the cell."""
    return "\n".join(f"{field}: {old} → {new}" for field, old, new in changes(model))


class RecordFilter(FilterEqual):
    """The trail's entries about one kind of record, chosen among RECORDS; any other value is
    an invalid filter (PostgreSQL would refuse some, such as a NUL character, outright)."""

    def validate(self, value):
        return value in RECORDS


class AuditEntryView(ReadOnlyModelView):
    resource = "audit"
    column_list = ("id", "at", "user", "action", "table_name", "changes")
    column_details_list = ("id", "at", "user", "action", "table_name", "row_id", "changes",
                           "prev_hash", "hash")
    column_export_list = column_details_list
    column_default_sort = ("id", True)
    column_filters = ("at", "user.full_name", "action",
                      RecordFilter(AuditEntry.table_name, _l("Record"),
                                   options=list(RECORDS.items())),
                      "row_id")
    column_searchable_list = ("table_name", "changes")
    column_formatters = {"changes": _changes,
                         "table_name": lambda v, c, m, n: record_text(m)}
    column_formatters_detail = column_formatters
    column_formatters_export = {"changes": _changes_text,
                                "table_name": lambda v, c, m, n: record_label(m.table_name)}
    column_labels = {
        "id": _l("No."), "at": _l("Time"), "user": _l("By"), "user.full_name": _l("By"),
        "action": _l("Action"), "table_name": _l("Record"), "row_id": _l("Record id"),
        "changes": _l("Changes (old → new)"), "prev_hash": _l("Previous hash"),
        "hash": _l("Hash"),
    }

    def preload(self, records) -> list:
        return preload(records)  # named row by row without a statement each

    def get_list(self, *args, **kwargs):
        count, entries = super().get_list(*args, **kwargs)
        g.trail_records = self.preload(entries)
        return count, entries


#: Archivable records the sysadmin can bring back: resource -> model.
ARCHIVABLE = {"letter": RequestLetter, "disposition": Disposition, "meeting": Meeting,
              "decision": Decision, "rka_item": RkaItem, "application": Application,
              "equipment_fault": EquipmentFault}
#: How many archived records each group lists, latest first.
SHOWN = 100


class ArchiveView(PageView):
    """Archived records, latest first, each with a restore button."""

    resource = "archive"

    @expose("/")
    def index(self):
        groups = [(resource, self.admin_label(resource), db.session.query(model)
                   .filter(model.archived_at.is_not(None))
                   .order_by(model.archived_at.desc()).limit(SHOWN).all())
                  for resource, model in ARCHIVABLE.items()]
        return self.render("archive.html", groups=groups,
                           may_restore=can(current_user.role, EDIT, self.resource))

    def admin_label(self, resource):
        views = [v for v in self.admin._views if getattr(v, "resource", None) == resource]
        return views[0].name if views else resource

    @expose("/restore", methods=("POST",))
    def restore(self):
        if not can(current_user.role, EDIT, self.resource):
            abort(403)
        model = ARCHIVABLE.get(request.form.get("resource", ""))
        key = parse_id(request.form.get("id"))
        row = None if model is None or key is None else db.session.query(model).filter(
            model.id == key, model.archived_at.is_not(None)).one_or_none()
        if row is None:
            abort(404)
        row.restore()
        db.session.commit()
        flash(gettext("Restored: %(record)s", record=escape(str(row))), "success")
        return redirect(url_for(".index"))
