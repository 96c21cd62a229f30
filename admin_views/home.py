"""The home page: what waits on the logged-in person now, and the pipeline at a glance."""

import pandas as pd
from flask import redirect, url_for
from flask_admin import AdminIndexView, expose
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy import func, select

from models import EquipmentFault, LetterStatus, Notice, RequestLetter, StepRecord, db
from models.audit import AuditHead
from models.office_calendar import office_calendar
from models.timezone import OFFICE_TZ
from models.workflow import waiting_statuses
from reports.catalogue import Period, compliance_charts
from reports.load import engine

from .base import now
from .permissions import EXPORT, VIEW, can, report_scope, scope

#: How many waiting letters the home page lists before pointing to the full list.
WAITING_SHOWN = 10
#: How many unread notices the home page lists.
NOTICES_SHOWN = 5


#: The leaders' charts, kept until anything is written or for CACHE_DEFAULT_TIMEOUT at most
#: (open steps age meanwhile); CACHE_TYPE: each process on its own by default.
charts_cache = Cache()


def dashboard_charts(user, period) -> list[str]:
    """This year's compliance charts, drawn once per change of data: the key holds the audit
    trail's last link, which every write moves on."""
    with engine().connect() as source:  # where the charts read: a standby's own last write
        last_write = source.scalar(select(AuditHead.last_hash))
    rows = report_scope(user)
    agency = "all" if rows.agency_id is None else rows.agency_id
    key = f"charts/{agency}/{period.first}/{period.last}/{get_locale()}/{last_write}"
    charts = charts_cache.get(key)
    if charts is None:
        charts = compliance_charts(period, rows, pd.Timestamp(now()))
        charts_cache.set(key, charts)
    return charts


def letters(user):
    return scope(db.session.query(RequestLetter), RequestLetter, user)


class HomeView(AdminIndexView):
    @expose("/")
    def index(self):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login_view"))
        user = current_user
        sees_letters = can(user.role, VIEW, "letter")
        waiting, by_status, faults = [], [], None
        statuses = waiting_statuses(user.role)
        if sees_letters and statuses:
            waiting = (letters(user).filter(RequestLetter.status.in_(statuses))
                       .order_by(RequestLetter.received_at).limit(WAITING_SHOWN).all())
        if sees_letters:
            counts = dict(letters(user).with_entities(RequestLetter.status, func.count())
                          .group_by(RequestLetter.status).all())
            by_status = [(status, counts.get(status, 0)) for status in LetterStatus]
        my_steps, overdue = [], None
        if can(user.role, VIEW, "step"):
            at, calendar = now(), office_calendar()
            steps = scope(db.session.query(StepRecord), StepRecord, user).filter(
                StepRecord.finished_at.is_(None))
            my_steps = [(step, step.deadline(at, calendar)) for step in
                        steps.filter(StepRecord.holder_id == user.id)
                        .order_by(StepRecord.due_at).limit(WAITING_SHOWN)]
            overdue = steps.filter(StepRecord.deadline_clause("overdue", at)).count()
        if can(user.role, VIEW, "equipment_fault"):
            faults = scope(db.session.query(EquipmentFault), EquipmentFault, user).filter(
                EquipmentFault.repaired_at.is_(None)).count()
        notices = db.session.scalars(Notice.unread(user).order_by(Notice.created_at.desc())
                                     .limit(NOTICES_SHOWN)).all()
        charts = []
        if can(user.role, EXPORT, "report"):  # the leaders' dashboard: this year's compliance
            today = now().astimezone(OFFICE_TZ).date()
            charts = dashboard_charts(user, Period(today.replace(month=1, day=1), today))
        return self.render("home.html", waiting=waiting, waiting_statuses=statuses, charts=charts,
                           by_status=by_status, open_faults=faults,
                           sees_letters=sees_letters, my_steps=my_steps, overdue=overdue,
                           notices=notices)
