"""The SOP page, drawn from data, and its versions (a revision adds one, never overwrites)."""

from flask import request
from flask_admin import expose
from flask_babel import lazy_gettext as _l

from models import ServiceStandard, SopDocument, db
from models.timezone import to_local

from .base import PageView, SecuredModelView, now

FIELDS = ("number", "name", "created_on", "revised_on", "effective", "approver_name",
          "approver_title", "approver_nip", "legal_basis", "qualifications", "related",
          "equipment", "warning", "records")

LABELS = {
    "version": _l("Version"), "number": _l("SOP number"), "name": _l("SOP name"),
    "created_on": _l("Date of creation"), "revised_on": _l("Date of revision"),
    "effective": _l("Effective"), "approver_name": _l("Approved by"),
    "approver_title": _l("Approver's position"), "approver_nip": _l("Approver's NIP"),
    "legal_basis": _l("Legal basis"), "qualifications": _l("Executor qualifications"),
    "related": _l("Related decrees"), "equipment": _l("Equipment"), "warning": _l("Warning"),
    "records": _l("Records to keep"), "recorded_at": _l("Recorded at"),
    "recorded_by": _l("Recorded by"),
}


class SopDocumentView(SecuredModelView):
    """Versions of the SOP; the sysadmin revises it by adding a version prefilled from the last."""

    resource = "sop"
    column_list = ("version", "number", "revised_on", "effective", "recorded_at", "recorded_by")
    column_export_list = ("version",) + FIELDS
    column_default_sort = ("version", True)
    form_columns = FIELDS
    form_widget_args = {f: {"rows": 5} for f in ("legal_basis", "qualifications", "related",
                                                  "equipment", "records")}
    column_descriptions = {f: _l("One item per line.") for f in (
        "legal_basis", "qualifications", "related", "equipment", "records")}
    column_labels = LABELS

    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return False

    def create_form(self, obj=None):
        if request.method == "GET" and obj is None:
            obj = SopDocument.current(db.session)
        return super().create_form(obj)


class SopPageView(PageView):
    """The SOP as printed: identity, basis, requirements and the step table with its standards."""

    resource = "sop"

    @expose("/")
    def index(self):
        document = SopDocument.current(db.session)
        steps = ServiceStandard.all_in_force(db.session, to_local(now()).date())
        return self.render("sop.html", document=document, steps=steps, labels=LABELS)
