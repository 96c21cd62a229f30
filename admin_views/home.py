"""The home page: what waits on the logged-in person now, and the pipeline at a glance."""

from dataclasses import dataclass

import pandas as pd
from flask import redirect, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.contrib.sqla.filters import EnumEqualFilter
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, literal, select, union_all

from models import EquipmentFault, LetterStatus, Meeting, Notice, RequestLetter, StepRecord, db
from models.office_calendar import office_calendar
from models.steps import Deadline
from models.timezone import OFFICE_TZ
from models.users import Role
from models.workflow import DESK
from reports.catalogue import Period, compliance_charts

from .base import now
from .caching import per_write
from .desk import holds_desk, open_desk
from .letter_list import open_steps, status_pill
from .paging import AtLeast, capped_count
from .permissions import EXPORT, VIEW, can, report_scope, scope

#: How many rows of the desk the home page shows before pointing to the whole desk.
DESK_SHOWN = 10
#: How many of its requests on their way an agency's staff see on their home page.
REQUESTS_SHOWN = 10
#: How many unread notices the home page lists.
NOTICES_SHOWN = 5
#: The home page counts each status, and overdue steps, up to here and then shows "1.000+":
#: counting every letter of a year's or a province's closed requests would cost more than
#: the page itself (the counts read the status index, so the cost stays the same however
#: many letters there are); the link opens the list with every row.
COUNT_CAP = 1_000


def dashboard_charts(user, period) -> list[str]:
    """This year's compliance charts, drawn once per change of data."""
    rows = report_scope(user)
    agency = "all" if rows.agency_id is None else rows.agency_id
    return per_write(f"charts/{agency}/{period.first}/{period.last}/{get_locale()}",
                     lambda: compliance_charts(period, rows, pd.Timestamp(now())))


def letters(user):
    return scope(db.session.query(RequestLetter), RequestLetter, user)


def status_filter_arg(view) -> str | None:
    """The letter list's URL argument that filters on one status ("flt0_3"), read from the
    list's own filters; None when it has none."""
    for key, (_, flt) in (view._filter_args or {}).items():
        if isinstance(flt, EnumEqualFilter) and flt.column.key == "status":
            return f"flt0_{key}"
    return None


def status_counts(user, letter_list) -> list[tuple]:
    """(status, count up to COUNT_CAP, link to the list filtered to it) for each status, in
    one query: each status's count reads at most COUNT_CAP entries of the status index."""
    arg = status_filter_arg(letter_list)
    counts = dict(db.session.execute(union_all(*(
        select(literal(status.name).label("status"), func.count().label("n")).select_from(
            letters(user).filter(RequestLetter.status == status)
            .with_entities(RequestLetter.id).limit(COUNT_CAP).subquery())
        for status in LetterStatus))).all())
    return [(status, AtLeast(counts[status.name]) if counts[status.name] >= COUNT_CAP
             else counts[status.name],
             url_for("letters.index_view", **({arg: status.name} if arg else {})))
            for status in LetterStatus]


@dataclass
class UnderWay:
    """A request on its way through the office, as its agency follows it: whose desk it is on,
    the running step with its deadline, and the technical meeting still to come."""

    letter: RequestLetter
    status_mark: Markup
    desk: Role
    step: StepRecord | None
    deadline: Deadline | None
    meeting: Meeting | None


def requests_under_way(user) -> tuple[list[UnderWay], int]:
    """The user's agency's requests still waiting on someone in the office, newest first (at
    most REQUESTS_SHOWN), and how many there are (up to COUNT_CAP)."""
    under_way = letters(user).filter(RequestLetter.status.in_(list(DESK)))
    total = capped_count(under_way.with_entities(RequestLetter.id), COUNT_CAP)
    rows = under_way.order_by(RequestLetter.received_at.desc(), RequestLetter.id.desc()
                              ).limit(REQUESTS_SHOWN).all()
    ids = [letter.id for letter in rows]
    steps = open_steps(db.session, ids)
    meetings = {}
    for meeting in db.session.scalars(select(Meeting).where(
            Meeting.letter_id.in_(ids), Meeting.held_at.is_(None),
            Meeting.archived_at.is_(None)).order_by(Meeting.scheduled_at.desc())):
        meetings[meeting.letter_id] = meeting  # the earliest one stays
    deadlines = dict(zip(steps, StepRecord.deadlines(
        list(steps.values()), now(), office_calendar(db.session)), strict=True)) if steps else {}
    return [UnderWay(letter, status_pill(letter.status), DESK[letter.status], steps.get(letter.id),
                     deadlines.get(letter.id), meetings.get(letter.id)) for letter in rows], total


class HomeView(AdminIndexView):
    @expose("/")
    def index(self):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login_view"))
        user = current_user._get_current_object()
        sees_letters = can(user.role, VIEW, "letter")
        by_status, faults, desk, desk_items, has_desk = [], None, None, [], holds_desk(user)
        if has_desk:
            desk, new_since = open_desk(user)
            desk_items = desk.page(0, DESK_SHOWN, new_since)
        if sees_letters:
            letter_list = next(v for v in self.admin._views if v.endpoint == "letters")
            by_status = status_counts(user, letter_list)
        under_way, under_way_total = [], 0
        if sees_letters and user.role.row_scoped:
            under_way, under_way_total = requests_under_way(user)
        overdue = None
        if can(user.role, VIEW, "step"):
            steps = scope(db.session.query(StepRecord), StepRecord, user).filter(
                StepRecord.deadline_clause("overdue", now()))
            overdue = capped_count(steps.with_entities(StepRecord.id), COUNT_CAP)
        if can(user.role, VIEW, "equipment_fault"):
            faults = scope(db.session.query(EquipmentFault), EquipmentFault, user).filter(
                EquipmentFault.repaired_at.is_(None)).count()
        notices = db.session.scalars(Notice.unread(user).order_by(Notice.created_at.desc())
                                     .limit(NOTICES_SHOWN)).all()
        charts = []
        if can(user.role, EXPORT, "report"):  # the leaders' dashboard: this year's compliance
            today = now().astimezone(OFFICE_TZ).date()
            charts = dashboard_charts(user, Period(today.replace(month=1, day=1), today))
        return self.render("home.html", desk=desk, desk_items=desk_items, has_desk=has_desk,
                           charts=charts, by_status=by_status, open_faults=faults,
                           sees_letters=sees_letters, overdue=overdue, notices=notices,
                           under_way=under_way, under_way_total=under_way_total)
