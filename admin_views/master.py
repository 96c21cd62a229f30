"""Screens for the reference data the sysadmin keeps: agencies, users, standards, equipment."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField, validators

from models.addresses import clean_email
from models.nip import parse_nip
from models.standards import MAX_MINUTES
from models.timezone import to_local

from .base import SecuredModelView, now
from .fields import ModelCheck

#: An optional address, checked by the model's own rule as it is typed.
EMAIL_FIELD = {"validators": [validators.Optional(), ModelCheck(clean_email)],
               "filters": [lambda text: (text or "").strip() or None],
               "description": _l("Optional. The panel's notices are also sent here by email.")}


class AgencyView(SecuredModelView):
    resource = "agency"
    column_list = ("code", "name", "short_name", "kind", "parent", "active")
    column_export_list = column_list
    column_default_sort = "code"
    column_searchable_list = ("code", "name", "short_name")
    column_filters = ("kind", "active", "parent.name")
    form_columns = column_list + ("email",)
    form_args = {"email": EMAIL_FIELD}
    column_labels = {
        "code": _l("Code"), "name": _l("Name"), "short_name": _l("Short name"),
        "kind": _l("Kind"), "parent": _l("Parent agency"), "parent.name": _l("Parent agency"),
        "active": _l("Active"), "email": _l("Email"),
    }


class UserView(SecuredModelView):
    resource = "user"
    column_list = ("username", "full_name", "nip", "position", "role", "agency", "active")
    column_details_list = column_list + ("email", "language")
    column_export_list = column_details_list
    column_default_sort = "username"
    column_searchable_list = ("username", "full_name", "nip", "position")
    column_filters = ("role", "active", "agency.name")
    form_columns = ("username", "full_name", "nip", "position", "rank", "email", "role", "agency",
                    "language", "active", "new_password")
    form_extra_fields = {"new_password": PasswordField(
        _l("New password"), [validators.Optional(), validators.Length(max=128)],
        description=_l("At least 10 characters, with letters and digits. Leave empty to keep "
                       "the current password; the user must change a password set here at "
                       "the next log-in."))}
    form_args = {"nip": {"validators": [validators.Optional(), ModelCheck(parse_nip)],
                         "filters": [lambda text: "".join((text or "").split()) or None],
                         "description": _l("18 digits, e.g. 19610329 198903 1 004")},
                 "email": EMAIL_FIELD}
    column_labels = {
        "username": _l("Username"), "full_name": _l("Full name"), "nip": _l("NIP"),
        "position": _l("Position"), "rank": _l("Rank (pangkat/golongan)"), "role": _l("Role"),
        "agency": _l("Agency"),
        "agency.name": _l("Agency"), "language": _l("Language"), "active": _l("Active"),
        "email": _l("Email"),
    }

    def on_model_change(self, form, model, is_created):
        if form.new_password.data:
            model.set_password(form.new_password.data, by=current_user)
        super().on_model_change(form, model, is_created)


class ServiceStandardView(SecuredModelView):
    """A standard's new time is a new version from a day; editing keeps the time and day."""

    resource = "standard"
    column_list = ("number", "valid_from", "name", "actor_role", "kelengkapan", "minutes",
                   "output")
    column_export_list = column_list
    column_default_sort = [("number", False), ("valid_from", True)]
    #: The executor and the kelengkapan are shown, not edited: the workflow decides who acts
    #: and what a step checks, so an edit here would change nothing.
    form_columns = ("number", "valid_from", "name", "minutes", "output")
    form_args = {"minutes": {"validators": [validators.InputRequired(),
                                            validators.NumberRange(min=1, max=MAX_MINUTES)]},
                 # a new version takes effect from today unless another day is typed
                 "valid_from": {"default": lambda: to_local(now()).date()}}
    column_descriptions = {
        "valid_from": _l("The first day this version is in force; a step is measured against "
                         "the version in force on the day it started."),
        "actor_role": _l("The role whose move finishes the step, as the workflow sets it; "
                         "not editable."),
        "kelengkapan": _l("As printed in the SOP; not editable."),
    }
    column_labels = {
        "number": _l("Step"), "valid_from": _l("In force from"), "name": _l("Activity"),
        "actor_role": _l("Executor"),
        "kelengkapan": _l("Requirements (kelengkapan)"), "minutes": _l("Time allowed (minutes)"),
        "output": _l("Output"),
    }
    #: What a saved version keeps: its step, its first day and its time.
    kept_on_edit = ("number", "valid_from", "minutes")

    def get_edit_form(self):
        form_class = super().get_edit_form()
        return type(form_class.__name__, (form_class,), dict.fromkeys(self.kept_on_edit))


def _open_for(view, context, model, name):
    days = model.open_for(now()).total_seconds() / 86400
    return gettext("%(days)s days", days=f"{days:.1f}".replace(".", ","))


def _open_days(view, context, model, name):
    """In the file: the days as a number, for a spreadsheet to add up."""
    return round(model.open_for(now()).total_seconds() / 86400, 1)


class EquipmentFaultView(SecuredModelView):
    resource = "equipment_fault"
    author_field = "reported_by"
    column_list = ("item", "reported_at", "reported_by", "repaired_at", "open_for", "note")
    column_formatters = {"open_for": _open_for}
    column_formatters_export = {"open_for": _open_days}
    column_export_labels = {"open_for": _l("Open for (days)")}
    column_export_list = column_list
    column_default_sort = ("reported_at", True)
    column_searchable_list = ("item", "note")
    column_filters = ("reported_at", "repaired_at")
    form_columns = ("item", "reported_at", "repaired_at", "note")
    form_args = {"reported_at": {"default": now}}
    column_labels = {
        "item": _l("Equipment"), "reported_at": _l("Reported at"),
        "reported_by": _l("Reported by"), "repaired_at": _l("Repaired at"), "note": _l("Note"),
        "open_for": _l("Open for"),
    }
