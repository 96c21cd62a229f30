"""Screens for what follows a disposition: technical meetings, decisions and RKA items."""

from decimal import Decimal

from flask import flash, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import validators

from models import (
    AttachmentKind,
    Decision,
    DomainError,
    EquipmentFault,
    Outcome,
    RkaItem,
    Role,
    User,
    db,
)
from models.budget import MAX_VOLUME
from models.db import MAX_RUPIAH
from models.meetings import DEFAULT_PLACE, first_free_start, in_pontive_center
from models.office_calendar import office_calendar
from models.timezone import to_local

from .base import SecuredModelView, now
from .fields import UploadField
from .formatting import money_column
from .letters import attachment_link
from .lookups import accepted_decision_lookup, letter_lookup
from .workbench import LABELS as MOVE_LABELS
from .workbench import OpenedFromLetter
from .written import WritesDocuments

#: Accounts that are not the office's staff: they attend a meeting as their agency.
OUTSIDE_THE_OFFICE = (Role.OPD,)


class MeetingView(OpenedFromLetter, WritesDocuments, SecuredModelView):
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

    def create_form(self, obj=None):
        return self.office_staff_only(super().create_form(obj))

    def edit_form(self, obj=None):
        return self.office_staff_only(super().edit_form(obj))

    @staticmethod
    def office_staff_only(form):
        """"Staff attending" offers the office's active staff, not the OPDs' accounts."""
        form.staff.query_factory = lambda: db.session.scalars(select(User).where(
            User.active.is_(True), User.role.not_in(OUTSIDE_THE_OFFICE)).order_by(
            User.full_name)).all()
        return form

    def shape(self, form, letter):
        for name in ("held_at", "minutes", "minutes_upload", "recommendation"):
            del form[name]  # a meeting being scheduled has not been held

    def fill(self, form, letter):
        """The first free usual hour in the Pontive Center, with the Kabid, oneself and the OPD."""
        form.scheduled_at.process_data(first_free_start(db.session, now(), office_calendar()))
        kabid = db.session.scalars(select(User).where(User.role == Role.KABID,
                                                      User.active.is_(True))).all()
        form.staff.data = [*kabid, current_user._get_current_object()]
        form.agencies.data = [letter.agency]

    def move_title(self, letter):
        return MOVE_LABELS["meeting"]

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


class DecisionView(OpenedFromLetter, WritesDocuments, SecuredModelView):
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
    #: Opened from the letter's page to accept or to reject: the outcome is fixed too.
    OUTCOMES = {"accepted": Outcome.ACCEPTED, "rejected": Outcome.REJECTED}

    def outcome(self):
        return self.OUTCOMES.get(request.args.get("outcome"))

    def shape(self, form, letter):
        if self.outcome() is None:
            return
        del form["outcome"]
        if self.outcome() is Outcome.ACCEPTED:  # budgeted next year: nothing to explain
            for name in ("reason", "reply_number", "reply_date"):
                del form[name]

    def fill(self, form, letter):
        if self.outcome() is Outcome.REJECTED:
            form.reply_date.data = to_local(now()).date()

    def attach(self, model, letter):
        super().attach(model, letter)
        if self.outcome() is not None:
            model.outcome = self.outcome()

    def move_title(self, letter):
        return MOVE_LABELS["reject" if self.outcome() is Outcome.REJECTED else "accept"] \
            if self.outcome() else gettext("Record the decision")


class RkaItemView(OpenedFromLetter, SecuredModelView):
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

    letter_field = "decision"

    def fill(self, form, letter):
        """One package of the application asked for, under the budget code used last."""
        form.nomenclature_code.data = db.session.scalar(
            select(RkaItem.nomenclature_code).order_by(RkaItem.id.desc()).limit(1))
        form.description.data = (f"{letter.subject.removeprefix('Permohonan ')} "
                                 f"({letter.agency.short_name})")
        form.volume.data, form.unit.data = Decimal(1), "Paket"

    def attach(self, model, letter):
        model.decision = db.session.scalar(select(Decision).where(
            Decision.letter_id == letter.id, Decision.outcome == Outcome.ACCEPTED,
            Decision.archived_at.is_(None)))
        if model.decision is None:
            raise DomainError(_l("An RKA item can only come from an accepted request."))

    def move_title(self, letter):
        return MOVE_LABELS["rka"]

    def get_query(self):
        # a decision is shown by its letter: loaded with it, not one query per row
        return super().get_query().options(joinedload(RkaItem.decision).joinedload(
            Decision.letter))
