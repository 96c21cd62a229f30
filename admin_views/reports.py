"""Report screens and downloads; the same builder serves the command line.

The reports with a row per step stream their CSV a chunk at a time from a connection of their
own, and their screens read only the page they show, so a period of a million steps is never
held in memory. Compliance, XLSX and the yearly reports are built whole.
"""

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from flask import Response, current_app, flash, redirect, request, stream_with_context, url_for
from flask_admin import BaseView, expose
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import Agency, FundingSource, Outcome, RequestKind, RkaStatus, Role, User, db
from models.office_calendar import office_calendar
from models.timezone import OFFICE_TZ, from_local
from reports.annual import annual_requests, budget_document, inventory, requests_by_agency
from reports.charts import bar_chart, line_chart, monthly_compliance
from reports.durations import GROUPINGS, compliance, overdue_now, step_durations
from reports.export import csv_head, csv_rows, to_csv, to_xlsx
from reports.load import (
    in_start_order,
    iter_steps,
    load_applications,
    load_rka,
    load_steps,
    load_year_letters,
    overdue_steps,
    steps_query,
)

from .base import now
from .limits import YEARS
from .paging import AtLeast, capped_count, parse_id
from .permissions import EXPORT, ROW_SCOPED, VIEW, can

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def bounds(self):
        """[start, end) in UTC for the local days first..last."""
        return (from_local(datetime.combine(self.first, time())),
                from_local(datetime.combine(self.last + timedelta(days=1), time())))

    def previous(self) -> "Period":
        length = self.last - self.first + timedelta(days=1)
        return Period(self.first - length, self.first - timedelta(days=1))


#: The columns each report shows and downloads, with their headers.
COLUMNS = {
    "step-durations": {
        "agenda_number": _l("Agenda no."), "letter_number": _l("Letter no."),
        "agency_code": _l("Agency code"), "step": _l("Step"), "holder": _l("Held by"),
        "started_at": _l("Started at"), "finished_at": _l("Finished at"),
        "clock_minutes": _l("Clock minutes"), "working_minutes": _l("Working minutes"),
        "paused_minutes": _l("Paused minutes"), "standard_minutes": _l("Standard minutes"),
        "difference_minutes": _l("Difference (minutes)"),
        "within_standard": _l("Within standard")},
    "overdue": {
        "agenda_number": _l("Agenda no."), "letter_number": _l("Letter no."),
        "agency_code": _l("Agency code"), "step": _l("Step"), "holder": _l("Held by"),
        "due_at": _l("Due at"), "minutes_past_due": _l("Working minutes past due")},
    "compliance": {
        "group": _l("Group"), "count": _l("Count"), "median_minutes": _l("Median (minutes)"),
        "p90_minutes": _l("90th percentile (minutes)"),
        "share_within": _l("Within standard (%)"), "trend_points": _l("Trend (points)")},
    "budget": {
        "level": _l("Level"), "code": _l("Code"), "description": _l("Description"),
        "agency": _l("OPD"), "volume": _l("Volume"), "unit": _l("Unit"),
        "unit_price": _l("Unit price (Rp)"), "total": _l("Total (Rp)"),
        "funding_source": _l("Funding source"), "status": _l("Status")},
    "annual": {
        "agenda_number": _l("Agenda no."), "number": _l("Letter no."), "agency": _l("OPD"),
        "request_kind": _l("Request kind"), "application_name": _l("Application name (new)"),
        "outcome": _l("Decision"), "reason": _l("Reason"), "fiscal_year": _l("Fiscal year"),
        "budget": _l("Total (Rp)"), "application": _l("Application built")},
}
TITLES = {"step-durations": _l("Step durations"), "overdue": _l("Overdue now"),
          "compliance": _l("Compliance with the standard"),
          "budget": _l("Budget document"), "annual": _l("Annual application report")}
#: Reports of a whole year (the year of --from on the command line).
YEARLY = ("budget", "annual")
#: Reports with a row per step: their CSV streams, their screens read one page.
STEP_REPORTS = ("step-durations", "overdue")
#: Rows a report's screen shows, and counts; the download has them all.
PAGE_ROWS, COUNT_LIMIT = 500, 10_000
#: The most rows of data one Excel sheet holds (1,048,576 rows, less the header).
XLSX_ROWS = 1_048_575


def yearly(name: str, year: int, user) -> dict[str, pd.DataFrame]:
    """The budget document of fiscal `year`, or the annual report of `year`: its tables."""
    with db.engine.connect() as connection:
        if name == "budget":
            tables = {"budget": budget_document(load_rka(connection, fiscal_year=year))}
        else:
            letters = load_year_letters(connection, year)
            requests = annual_requests(letters, load_rka(connection, decision_year=year),
                                       load_applications(connection, year))
            applications = load_applications(connection, year)
            tables = {"annual": requests, "by_agency": requests_by_agency(requests),
                      "built": applications[applications["year_built"] == year],
                      "inventory": inventory(applications)}
    if user.role in ROW_SCOPED:
        own = db.session.get(Agency, user.agency_id).name
        tables = {k: t[t["agency"] == own] if "agency" in t else t for k, t in tables.items()}
    return tables


def scoped_steps(period: Period, user, agency_id=None, step=None, holder_id=None):
    """The query of the steps started in `period`, in the user's row scope: an OPD user's
    own agency, whatever agency was asked for."""
    if user.role in ROW_SCOPED:
        agency_id = user.agency_id
    return steps_query(*period.bounds, agency_id=agency_id, step=step, holder_id=holder_id)


def durations_for(period: Period, user, as_of, agency_id=None, step=None,
                  holder_id=None) -> pd.DataFrame:
    """Step durations of the steps started in `period`, in the user's row scope."""
    with db.engine.connect() as connection:
        steps = load_steps(connection, scoped_steps(period, user, agency_id, step, holder_id))
    return step_durations(steps, office_calendar(), as_of)


def _shown(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The report's display columns, times in office time."""
    frame = frame[list(COLUMNS[name])].copy()
    for column in frame.select_dtypes(include=["datetimetz"]).columns:
        frame[column] = frame[column].dt.tz_convert(OFFICE_TZ)
    return frame


def build(name: str, period: Period, user, as_of, agency_id=None, step=None, by="step",
          holder_id=None):
    """The report `name` for `period` as a DataFrame with its display columns, row-scoped."""
    if name in YEARLY:
        return yearly(name, period.first.year, user)[name][list(COLUMNS[name])]
    calendar = office_calendar()

    def durations(of: Period):
        return durations_for(of, user, as_of, agency_id, step, holder_id)

    if name == "compliance":
        frame = compliance(durations(period), by, previous=durations(period.previous()))
        frame = frame.rename(columns={by: "group"})
    elif name == "overdue":
        frame = overdue_now(durations(period), calendar, as_of)
    else:
        frame = durations(period)
    return _shown(name, frame)


def step_rows(name: str, period: Period, user, as_of, agency_id=None, step=None,
              holder_id=None):
    """The ordered query of the steps a step report lists, row-scoped: for "overdue" only the
    overdue ones."""
    query = scoped_steps(period, user, agency_id, step, holder_id)
    return overdue_steps(query, as_of) if name == "overdue" else in_start_order(query)


def _step_report(name: str, steps: pd.DataFrame, calendar, as_of) -> pd.DataFrame:
    """Some rows of a step report as build() shows them: every row stands on its own."""
    durations = step_durations(steps, calendar, as_of)
    return _shown(name, overdue_now(durations, calendar, as_of) if name == "overdue"
                  else durations)


def first_page(name: str, query, as_of) -> tuple[pd.DataFrame, int]:
    """The first PAGE_ROWS rows of a step report, as build() shows them, and how many rows it
    has, up to COUNT_LIMIT: what its screen shows, without reading the rest. Counted in the
    query's own order, so the database walks the index of that order and stops rather than
    join whole tables."""
    with db.engine.connect() as connection:
        steps = load_steps(connection, query.limit(PAGE_ROWS))
    return _step_report(name, steps, office_calendar(), as_of), capped_count(query, COUNT_LIMIT)


def step_report_csv(name: str, query, as_of) -> Iterator[bytes]:
    """The CSV download of a step report, a chunk of rows at a time: the same bytes as
    download() of build(). The rows are read after the request has ended, on a connection of
    their own, given back (its cursor closed) when the download ends, cut short or not."""
    app, calendar = current_app._get_current_object(), office_calendar()
    head = csv_head([str(label) for label in COLUMNS[name].values()])

    def pieces():
        yield head  # at once, before any row is read
        with app.app_context(), db.engine.connect() as connection, closing(
                iter_steps(connection, query)) as chunks:
            for steps in chunks:
                yield csv_rows(coded_labels(_step_report(name, steps, calendar, as_of)))

    return pieces()


#: Codes shown by their labels in downloads.
VALUE_LABELS = {
    "level": {"program": _l("Program"), "kegiatan": _l("Kegiatan"),
              "sub_kegiatan": _l("Sub-kegiatan"), "total": _l("Total")},
    "funding_source": FundingSource.LABELS, "status": RkaStatus.LABELS,
    "request_kind": RequestKind.LABELS, "outcome": Outcome.LABELS,
}


def compliance_charts(period: Period, user, agency_id=None, step=None) -> list[str]:
    """Compliance per step, and its monthly trend, as inline SVG."""
    durations = durations_for(period, user, pd.Timestamp(now()), agency_id, step)
    per_step = compliance(durations, "step")
    axis = str(_l("Within standard (%)"))
    return [
        bar_chart(per_step["step"], per_step["share_within"],
                  str(_l("Within standard per step")), axis),
        line_chart(monthly_compliance(durations), str(_l("Monthly trend")), axis,
                   str(_l("Step"))),
    ]


def coded_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Labels instead of codes."""
    return frame.assign(**{column: frame[column].map(
        lambda value, labels=labels: str(labels.get(value, value)) if isinstance(value, str)
        else value)
        for column, labels in VALUE_LABELS.items() if column in frame})


def labelled(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Indonesian headers, and labels instead of codes."""
    return coded_labels(frame).rename(columns={k: str(v) for k, v in COLUMNS[name].items()})


def filename(name: str, period: Period, fmt: str) -> str:
    return f"{name}_{period.first:%Y%m%d}-{period.last:%Y%m%d}.{fmt}"


def download(name: str, period: Period, frame: pd.DataFrame, fmt: str) -> tuple[str, bytes]:
    """The file name and content of a report download."""
    if fmt == "xlsx":
        return filename(name, period, fmt), to_xlsx(labelled(name, frame), str(TITLES[name]))
    return filename(name, period, fmt), to_csv(labelled(name, frame))


def attachment(name: str, content) -> Response:
    """A download: bytes, or pieces of bytes sent as they come."""
    return Response(content, mimetype="text/csv" if name.endswith(".csv") else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _refuse(message: str) -> Response:
    """Back to the screen the download was asked from, saying why it was refused."""
    flash(message, "error")
    args = {key: value for key, value in request.args.items() if key != "format"}
    return redirect(url_for(request.endpoint, **request.view_args, **args))


def too_many_for_xlsx(rows: int) -> str | None:
    """Why a report of `rows` rows cannot be an XLSX file, or None when it can."""
    if rows <= XLSX_ROWS:
        return None
    return gettext("This report has %(count)s rows, more than an Excel sheet holds "
                   "(%(limit)s). Download it as CSV, or choose a shorter period.",
                   count=str(rows) if isinstance(rows, AtLeast) else format_decimal(rows),
                   limit=format_decimal(XLSX_ROWS))


def _day(text, default: date) -> date:
    """A day typed into a report's filter, or `default` for anything that is no date of YEARS
    (the far ends of the calendar would overflow when turned into UTC)."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return default
    return day if day.year in YEARS else default


def _period_from(args) -> Period:
    today = now().astimezone(OFFICE_TZ).date()
    first = _day(args.get("from"), today.replace(month=1, day=1))
    last = _day(args.get("to"), today)
    if last < first or (last - first).days > 3660:
        first, last = today.replace(month=1, day=1), today
    return Period(first, last)


class ReportView(BaseView):
    """Step durations, compliance and overdue: filters, table and downloads."""

    def is_accessible(self):
        return current_user.is_authenticated and can(current_user.role, VIEW, "report")

    @expose("/")
    def index(self):
        name = request.args.get("report", "step-durations")
        name = name if name in COLUMNS else "step-durations"
        if name in YEARLY:
            return redirect(url_for(".yearly_view", kind=name))
        period = _period_from(request.args)
        agency_id, step, holder_id = (parse_id(request.args.get(key))
                                      for key in ("agency", "step", "holder"))
        by = request.args.get("by", "step")
        by = by if by in GROUPINGS else "step"
        as_of = pd.Timestamp(now())
        fmt = request.args.get("format")
        if fmt in ("csv", "xlsx") and can(current_user.role, EXPORT, "report"):
            return self._download(name, period, as_of, fmt, agency_id, step, by, holder_id)
        if name in STEP_REPORTS:
            frame, total = first_page(name, step_rows(
                name, period, current_user, as_of, agency_id, step, holder_id), as_of)
        else:
            frame = build(name, period, current_user, as_of, agency_id, step, by, holder_id)
            total = len(frame)
        agencies = [] if current_user.role in ROW_SCOPED else db.session.query(Agency).order_by(
            Agency.name).all()
        charts = (compliance_charts(period, current_user, agency_id, step)
                  if name == "compliance" else [])
        officials = [] if current_user.role in ROW_SCOPED else db.session.query(User).filter(
            User.role.in_([Role.KABID, Role.KASI])).order_by(User.full_name).all()
        return self.render("reports.html", name=name, titles=TITLES, yearly=YEARLY,
                           columns=COLUMNS[name],
                           rows=frame.head(PAGE_ROWS).to_dict("records"), total=total,
                           period=period, agencies=agencies, agency_id=agency_id, step=step,
                           by=by, groupings=GROUPINGS, can_export=can(
                               current_user.role, EXPORT, "report"),
                           opd=current_user.role is Role.OPD, charts=charts,
                           officials=officials, holder_id=holder_id)

    def _download(self, name, period, as_of, fmt, agency_id, step, by, holder_id):
        """A step report's CSV streams; anything else is built whole, an XLSX only when one
        sheet can hold it."""
        if name in STEP_REPORTS:
            query = step_rows(name, period, current_user, as_of, agency_id, step, holder_id)
            if fmt == "csv":
                return attachment(filename(name, period, fmt),
                                  stream_with_context(step_report_csv(name, query, as_of)))
            # counted before any row is read, one past what a sheet holds
            if refusal := too_many_for_xlsx(capped_count(query, XLSX_ROWS + 1)):
                return _refuse(refusal)
        frame = build(name, period, current_user, as_of, agency_id, step, by, holder_id)
        if fmt == "xlsx" and (refusal := too_many_for_xlsx(len(frame))):
            return _refuse(refusal)
        return attachment(*download(name, period, frame, fmt))

    @expose("/<any(budget, annual):kind>/")
    def yearly_view(self, kind):
        """The budget document or the annual report, printable on A4, with downloads."""
        this_year = now().astimezone(OFFICE_TZ).year
        year = request.args.get("year", type=int)
        if year is None or not 2000 <= year <= 2100:
            year = this_year + 1 if kind == "budget" else this_year
        fmt = request.args.get("format")
        if fmt in ("csv", "xlsx") and can(current_user.role, EXPORT, "report"):
            period = Period(date(year, 1, 1), date(year, 12, 31))
            frame = build(kind, period, current_user, pd.Timestamp(now()))
            if fmt == "xlsx" and (refusal := too_many_for_xlsx(len(frame))):
                return _refuse(refusal)
            return attachment(*download(kind, period, frame, fmt))
        kadis = db.session.query(User).filter_by(role=Role.KADIS, active=True).first()
        return self.render(f"report_{kind}.html", year=year, tables=yearly(
            kind, year, current_user), columns=COLUMNS, title=TITLES[kind], signer=kadis,
            can_export=can(current_user.role, EXPORT, "report"), name=kind)


