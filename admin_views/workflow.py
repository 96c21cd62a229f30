"""Screens for the procedure itself: step records with their due times, the status history,
acting officials and the working calendar."""


from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, IntEqualFilter
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import PauseReason, RequestLetter, StepRecord
from models.office_calendar import office_calendar
from models.steps import STEP_TITLES, step_label

from .base import ReadOnlyModelView, SecuredModelView, now
from .fields import checked
from .formatting import working_time
from .permissions import EDIT

DEADLINE_CHOICES = tuple(zip(StepRecord.DEADLINES, (
    _l("Overdue now"), _l("Due within the hour"), _l("Finished late"), _l("Still open")),
    strict=True))


class DeadlineFilter(BaseSQLAFilter):
    """Overdue / due soon / finished late: plain indexed comparisons on the stored due time."""

    def __init__(self, column, name):
        super().__init__(column, name, options=DEADLINE_CHOICES)
        self.on_letters = column.class_ is RequestLetter

    def validate(self, value):
        return value in dict(DEADLINE_CHOICES)

    def apply(self, query, value, alias=None):
        clause = StepRecord.deadline_clause(value, now())
        if not self.on_letters:
            return query.filter(clause)
        # the few steps in that situation first (by the index on finished_at, due_at), then
        # their letters: not a probe of the steps for every letter in the table
        return query.filter(RequestLetter.id.in_(select(StepRecord.letter_id).where(clause)))

    def operation(self):
        return _l("is")


#: The SOP's steps as a filter offers them: by their labels.
STEP_CHOICES = [(str(number), LazyString(step_label, number)) for number in STEP_TITLES]
StepFilter = checked((IntEqualFilter,))[0]


class StepRecordView(ReadOnlyModelView):
    resource = "step"
    can_view_details = True
    column_list = ("letter", "number", "holder", "started_at", "due_at", "finished_at",
                   "standard_minutes", "paused_minutes", "paused_since", "pause_reason")
    column_export_list = column_list + ("output",)
    column_default_sort = ("due_at", False)
    column_filters = (DeadlineFilter(StepRecord.due_at, _l("Deadline")),
                      StepFilter(StepRecord.number, _l("Step"), options=STEP_CHOICES),
                      "started_at", "due_at", "finished_at", "holder.full_name")
    # on screen a step by its name and times a person reads; the export keeps the minutes
    column_formatters = {
        "number": lambda v, c, m, n: step_label(m.number),
        "standard_minutes": lambda v, c, m, n: working_time(m.standard_minutes),
        "paused_minutes": lambda v, c, m, n: working_time(m.paused_minutes)
        if m.paused_minutes else ""}
    column_formatters_export = {"paused_minutes": lambda v, c, m, n: f"{m.paused_minutes:.0f}"}
    column_labels = {
        "letter": _l("Letter"), "number": _l("Step"), "holder": _l("Held by"),
        "holder.full_name": _l("Held by"), "started_at": _l("Started at"),
        "due_at": _l("Due at"), "finished_at": _l("Finished at"),
        "standard_minutes": _l("Standard (working time)"),
        "paused_minutes": _l("Paused (working time)"), "paused_since": _l("Paused since"),
        "pause_reason": _l("Pause reason"), "output": _l("Output"),
    }
    #: The export's headers where it keeps exact minutes.
    export_labels = {"standard_minutes": _l("Standard (working minutes)"),
                     "paused_minutes": _l("Paused (working minutes)")}

    def get_export_columns(self):
        return [(name, self.export_labels.get(name, label))
                for name, label in super().get_export_columns()]

    def is_action_allowed(self, name):
        return self.allowed(EDIT) and super().is_action_allowed(name)

    def _each_step(self, ids, change):
        count = self.act_on(ids, change)
        if count is not None:
            flash(gettext("%(count)s step(s) updated.", count=count), "success")

    @action("pause_opd", _l("Pause: waiting for the OPD"))
    def action_pause_opd(self, ids):
        self._each_step(ids, lambda step: step.pause(now(), PauseReason.WAITING_FOR_OPD))

    @action("pause_meeting", _l("Pause: meeting already scheduled"))
    def action_pause_meeting(self, ids):
        self._each_step(ids, lambda step: step.pause(now(), PauseReason.MEETING_SCHEDULED))

    @action("resume", _l("Resume"))
    def action_resume(self, ids):
        calendar = office_calendar()
        self._each_step(ids, lambda step: step.resume(now(), calendar))


def _backdated(view, context, model, name):
    return gettext("entered afterwards") if model.backdated else ""


class StatusChangeView(ReadOnlyModelView):
    resource = "status_change"
    column_list = ("letter", "move", "from_status", "to_status", "happened_at", "recorded_at",
                   "backdated", "by", "acting_for")
    column_formatters = {"backdated": _backdated}
    column_export_list = column_list
    column_default_sort = ("happened_at", True)
    column_filters = ("move", "to_status", "happened_at", "recorded_at", "by.full_name")
    column_labels = {
        "letter": _l("Letter"), "move": _l("Move"), "from_status": _l("From"),
        "to_status": _l("To"), "happened_at": _l("Happened at"),
        "recorded_at": _l("Recorded at"), "by": _l("By"), "by.full_name": _l("By"),
        "backdated": _l("Transcribed"),
        "acting_for": _l("Acting for"),
    }


class ActingAssignmentView(SecuredModelView):
    resource = "acting"
    column_list = ("kind", "acting_user", "absent_user", "first_day", "last_day")
    column_export_list = column_list
    column_default_sort = ("first_day", True)
    form_columns = column_list
    column_labels = {"kind": _l("Kind"), "acting_user": _l("Acting official"),
                     "absent_user": _l("Absent official"), "first_day": _l("First day"),
                     "last_day": _l("Last day")}


class WorkScheduleView(SecuredModelView):
    resource = "calendar"
    column_list = ("name", "first_day", "last_day", "monday", "tuesday", "wednesday",
                   "thursday", "friday", "saturday", "sunday")
    column_export_list = column_list
    form_columns = column_list
    column_descriptions = {"monday": _l("e.g. 07:30-12:00 13:00-16:00; empty for a day off")}
    column_labels = {"name": _l("Name"), "first_day": _l("First day"),
                     "last_day": _l("Last day"), "monday": _l("Monday"),
                     "tuesday": _l("Tuesday"), "wednesday": _l("Wednesday"),
                     "thursday": _l("Thursday"), "friday": _l("Friday"),
                     "saturday": _l("Saturday"), "sunday": _l("Sunday")}


class LocalHolidayView(SecuredModelView):
    resource = "calendar"
    column_list = ("day", "name")
    column_export_list = column_list
    column_default_sort = ("day", True)
    form_columns = column_list
    column_labels = {"day": _l("Date"), "name": _l("Name")}


