"""Report screens and downloads; the same builder serves the command line."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from flask import Response, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import Agency, FundingSource, Outcome, RequestKind, RkaStatus, Role, User, db
from models.office_calendar import office_calendar
from models.timezone import OFFICE_TZ, from_local
from reports.annual import annual_requests, budget_document, inventory, requests_by_agency
from reports.charts import bar_chart, line_chart, monthly_compliance
from reports.durations import GROUPINGS, compliance, overdue_now, step_durations
from reports.export import to_csv, to_xlsx
from reports.load import load_applications, load_rka, load_steps, load_year_letters, steps_query

from .base import now, parse_id
from .limits import YEARS
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


def durations_for(period: Period, user, as_of, agency_id=None, step=None,
                  holder_id=None) -> pd.DataFrame:
    """Step durations of the steps started in `period`, in the user's row scope."""
    if user.role in ROW_SCOPED:
        agency_id = user.agency_id
    with db.engine.connect() as connection:
        steps = load_steps(connection, steps_query(*period.bounds, agency_id=agency_id,
                                                   step=step, holder_id=holder_id))
    return step_durations(steps, office_calendar(), as_of)


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
    frame = frame[list(COLUMNS[name])].copy()
    for column in frame.select_dtypes(include=["datetimetz"]).columns:
        frame[column] = frame[column].dt.tz_convert(OFFICE_TZ)
    return frame


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


def labelled(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Indonesian headers, and labels instead of codes."""
    frame = frame.assign(**{column: frame[column].map(
        lambda value, labels=labels: str(labels.get(value, value)) if isinstance(value, str)
        else value)
        for column, labels in VALUE_LABELS.items() if column in frame})
    return frame.rename(columns={k: str(v) for k, v in COLUMNS[name].items()})


def download(name: str, period: Period, frame: pd.DataFrame, fmt: str) -> tuple[str, bytes]:
    """The file name and content of a report download."""
    stem = f"{name}_{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if fmt == "xlsx":
        return f"{stem}.xlsx", to_xlsx(labelled(name, frame), str(TITLES[name]))
    return f"{stem}.csv", to_csv(labelled(name, frame))


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
        frame = build(name, period, current_user, pd.Timestamp(now()), agency_id, step, by,
                      holder_id)
        fmt = request.args.get("format")
        if fmt in ("csv", "xlsx") and can(current_user.role, EXPORT, "report"):
            filename, content = download(name, period, frame, fmt)
            mimetype = "text/csv" if fmt == "csv" else XLSX
            return Response(content, mimetype=mimetype, headers={
                "Content-Disposition": f'attachment; filename="{filename}"'})
        agencies = [] if current_user.role in ROW_SCOPED else db.session.query(Agency).order_by(
            Agency.name).all()
        charts = (compliance_charts(period, current_user, agency_id, step)
                  if name == "compliance" else [])
        officials = [] if current_user.role in ROW_SCOPED else db.session.query(User).filter(
            User.role.in_([Role.KABID, Role.KASI])).order_by(User.full_name).all()
        return self.render("reports.html", name=name, titles=TITLES, yearly=YEARLY,
                           columns=COLUMNS[name],
                           rows=frame.head(500).to_dict("records"), total=len(frame),
                           period=period, agencies=agencies, agency_id=agency_id, step=step,
                           by=by, groupings=GROUPINGS, can_export=can(
                               current_user.role, EXPORT, "report"),
                           opd=current_user.role is Role.OPD, charts=charts,
                           officials=officials, holder_id=holder_id)

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
            filename, content = download(kind, period, frame, fmt)
            return Response(content, mimetype="text/csv" if fmt == "csv" else XLSX, headers={
                "Content-Disposition": f'attachment; filename="{filename}"'})
        kadis = db.session.query(User).filter_by(role=Role.KADIS, active=True).first()
        return self.render(f"report_{kind}.html", year=year, tables=yearly(
            kind, year, current_user), columns=COLUMNS, title=TITLES[kind], signer=kadis,
            can_export=can(current_user.role, EXPORT, "report"), name=kind)


