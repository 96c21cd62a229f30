"""Screens for what follows a disposition: technical meetings, decisions and RKA items."""

from decimal import Decimal

from flask import flash
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms import validators

from models import AttachmentKind, Decision, EquipmentFault, RkaItem, db
from models.budget import MAX_VOLUME
from models.db import MAX_RUPIAH
from models.meetings import DEFAULT_PLACE, in_pontive_center

from .base import SecuredModelView, now
from .fields import UploadField
from .formatting import money_column
from .letters import attachment_link
from .lookups import accepted_decision_lookup, letter_lookup
from .written import WritesDocuments


class MeetingView(WritesDocuments, SecuredModelView):
    resource = "meeting"
    column_list = ("letter", "scheduled_at", "ends_at", "place", "held_at")
    column_details_list = ("letter", "invitation_number", "invitation_date", "scheduled_at",
                           "ends_at", "place", "staff", "agencies", "held_at", "minutes",
                           "minutes_file", "recommendation")
    column_export_list = column_details_list
    column_default_sort = ("scheduled_at", True)
    column_searchable_list = ("place", "minutes", "recommendation")
    column_filters = ("scheduled_at", "held_at", "place")
    column_formatters = {"minutes_file": attachment_link("minutes_file")}
    form_columns = ("letter", "invitation_number", "invitation_date", "scheduled_at", "ends_at",
                    "place", "staff", "agencies", "held_at", "minutes", "minutes_upload",
                    "recommendation")
    form_extra_fields = {"minutes_upload": UploadField(_l("Minutes file (PDF, JPEG or PNG)"))}
    form_ajax_refs = {"letter": letter_lookup()}
    upload_fields = {"minutes_upload": ("minutes_file", AttachmentKind.MINUTES)}
    form_args = {"place": {"default": DEFAULT_PLACE},
                 "ends_at": {"validators": [validators.Optional()],
                             "description": _l("Leave empty for two hours after the start.")}}
    def after_model_change(self, form, model, is_created):
        """The SOP's warning: broken equipment in the Pontive Center room must be repaired."""
        faults = EquipmentFault.still_open(db.session) if in_pontive_center(model.place) else []
        if faults:
            flash(gettext("Warning: equipment in the Pontive Center meeting room is still "
                          "broken: %(items)s. Have it repaired before the meeting.",
                          items=", ".join(f.item for f in faults)), "warning")

    column_labels = {
        "letter": _l("Letter"), "invitation_number": _l("Invitation letter no."),
        "invitation_date": _l("Invitation letter date"),
        "scheduled_at": _l("Scheduled at"), "ends_at": _l("Until"), "place": _l("Place"),
        "staff": _l("Staff attending"), "agencies": _l("Agencies attending"),
        "held_at": _l("Held at"), "minutes": _l("Minutes (notulen)"),
        "minutes_file": _l("Minutes file"), "recommendation": _l("Recommendation"),
    }


class DecisionView(WritesDocuments, SecuredModelView):
    resource = "decision"
    author_field = "decided_by"
    column_list = ("letter", "outcome", "decided_at", "decided_by", "budget_year",
                   "reply_number", "notified_at")
    column_details_list = column_list + ("reason", "reply_date")
    column_export_list = column_details_list
    column_default_sort = ("decided_at", True)
    column_searchable_list = ("reason", "reply_number")
    column_filters = ("outcome", "decided_at", "budget_year", "notified_at")
    form_columns = ("letter", "outcome", "decided_at", "reason", "reply_number", "reply_date",
                    "notified_at")
    form_ajax_refs = {"letter": letter_lookup()}
    form_args = {"decided_at": {"default": now}}
    column_labels = {
        "letter": _l("Letter"), "outcome": _l("Decision"), "decided_at": _l("Decided at"),
        "decided_by": _l("Decided by"), "reason": _l("Reason"), "budget_year": _l("Budget year"),
        "reply_number": _l("Reply letter no."), "reply_date": _l("Reply letter date"),
        "notified_at": _l("OPD notified at"),
    }


class RkaItemView(SecuredModelView):
    resource = "rka_item"
    column_list = ("decision", "fiscal_year", "nomenclature_code", "description", "volume",
                   "unit", "unit_price", "total", "funding_source", "status")
    column_export_list = column_list
    column_default_sort = ("fiscal_year", True)
    column_searchable_list = ("nomenclature_code", "description")
    column_filters = ("fiscal_year", "status", "funding_source", "nomenclature_code")
    column_formatters = {"unit_price": money_column, "total": money_column}
    form_columns = ("decision", "nomenclature_code", "description", "volume", "unit",
                    "unit_price", "funding_source", "status", "planned_at")
    form_ajax_refs = {"decision": accepted_decision_lookup()}
    form_args = {
        "planned_at": {"default": now},
        "volume": {"places": 2, "validators": [
            validators.InputRequired(), validators.NumberRange(min=Decimal("0.01"),
                                                               max=MAX_VOLUME)]},
        "unit_price": {"places": 2, "validators": [
            validators.InputRequired(), validators.NumberRange(min=0, max=MAX_RUPIAH)]},
    }
    column_labels = {
        "decision": _l("Accepted request"), "fiscal_year": _l("Fiscal year"),
        "nomenclature_code": _l("Budget code (program/kegiatan/sub-kegiatan)"),
        "description": _l("Description"), "volume": _l("Volume"), "unit": _l("Unit"),
        "unit_price": _l("Unit price (Rp)"), "total": _l("Total (Rp)"),
        "funding_source": _l("Funding source"), "status": _l("Status"),
        "planned_at": _l("Planned at"),
    }

    def get_query(self):
        # a decision is shown by its letter: loaded with it, not one query per row
        return super().get_query().options(joinedload(RkaItem.decision).joinedload(
            Decision.letter))
