"""The report catalogue: each report's columns and title, the period and scope it covers, and
how it is built from the loader's frames. The screens and the command line both ask here;
who is asking reaches it only as a ReportScope, resolved once by the permission module."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from textwrap import fill

import pandas as pd
from flask_babel import lazy_gettext as _l

from models.office_calendar import office_calendar
from models.steps import step_label
from models.timezone import OFFICE_TZ, from_local

from .annual import annual_requests, budget_document, inventory, requests_by_agency
from .charts import bar_chart, line_chart, monthly_compliance
from .durations import compliance, overdue_now, step_durations
from .load import (
    engine,
    in_start_order,
    load_applications,
    load_rka,
    load_steps,
    load_year_letters,
    overdue_steps,
    steps_query,
)


@dataclass(frozen=True)
class ReportScope:
    """Whose rows a report holds: one agency's, or every agency's when agency_id is None."""

    agency_id: int | None

    def agency(self, asked: int | None) -> int | None:
        """The agency a report is filtered to: the scope's own, whatever was asked for."""
        return asked if self.agency_id is None else self.agency_id


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


#: The columns of each report's tables, with their headers.
COLUMNS = {
    "step-durations": {
        "agenda_number": _l("Agenda no."), "letter_number": _l("Letter no."),
        "agency_code": _l("Agency code"), "step": _l("Step"), "holder": _l("Held by"),
        "started_at": _l("Started at"), "finished_at": _l("Finished at"),
        "state": _l("State"),
        "clock_minutes": _l("Clock minutes"), "working_minutes": _l("Working minutes"),
        "paused_minutes": _l("Paused minutes"), "standard_minutes": _l("Standard minutes"),
        "difference_minutes": _l("Difference (minutes)"),
        "within_standard": _l("Within standard")},
    "overdue": {
        "agenda_number": _l("Agenda no."), "letter_number": _l("Letter no."),
        "agency_code": _l("Agency code"), "step": _l("Step"), "holder": _l("Held by"),
        "due_at": _l("Due at"), "minutes_past_due": _l("Working minutes past due")},
    "compliance": {
        "group": _l("Group"), "count": _l("Finished"), "open_late": _l("Open, already late"),
        "median_minutes": _l("Median (minutes)"),
        "p90_minutes": _l("90th percentile (minutes)"),
        "share_within": _l("Within standard (%)"), "trend_points": _l("Trend (points)")},
    "budget": {
        "level": _l("Level"), "code": _l("Code"), "description": _l("Description"),
        "agency": _l("OPD"), "volume": _l("Volume"), "unit": _l("Unit"),
        "unit_price": _l("Unit price (Rp)"), "total": _l("Total (Rp)"),
        "funding_source": _l("Funding source"), "status": _l("Status")},
    "by_agency": {
        "agency": _l("OPD"), "new": _l("New"), "upgrade": _l("Upgrade"), "total": _l("Total"),
        "accepted": _l("Accepted"), "rejected": _l("Rejected"), "open": _l("In process")},
    "annual": {
        "agenda_number": _l("Agenda no."), "number": _l("Letter no."), "agency": _l("OPD"),
        "request_kind": _l("Request kind"), "application_name": _l("Application name (new)"),
        "outcome": _l("Decision"), "reason": _l("Reason"), "fiscal_year": _l("Fiscal year"),
        "budget": _l("Total (Rp)"), "application": _l("Application built")},
    "built": {"application": _l("Application"), "agency": _l("OPD"),
              "platform": _l("Platform")},
    "inventory": {
        "application": _l("Application"), "agency": _l("OPD"), "platform": _l("Platform"),
        "year_built": _l("Year built"), "application_status": _l("Status")},
}
TITLES = {"step-durations": _l("Step durations"), "overdue": _l("Overdue now"),
          "compliance": _l("Compliance with the standard"),
          "budget": _l("Budget document"), "annual": _l("Annual application report")}
#: Reports of a whole year (the year of --from on the command line).
YEARLY = ("budget", "annual")
#: The tables of each report, in the order its page shows them, with their titles.
TABLES = {"annual": {"by_agency": _l("1. Requests by agency"),
                     "annual": _l("2. Decisions, reasons and budget"),
                     "built": _l("3. Applications built this year"),
                     "inventory": _l("4. Application inventory at year end")}}
#: Reports with a row per step: their CSV streams, their screens read one page.
STEP_REPORTS = ("step-durations", "overdue")
#: How a step's state reads.
STATES = {"finished": _l("finished"), "running": _l("running"), "paused": _l("paused"),
          "late": _l("running, late")}
#: Decimals each figure is shown with (any other figure: whole minutes or counts); Rupiah and
#: volumes are exact Decimals and keep their cents.
DECIMALS = {"share_within": 1, "trend_points": 1}


def tables_of(name: str) -> dict:
    """The tables of a report and their titles: most reports are one table, titled by it."""
    return TABLES.get(name, {name: TITLES[name]})


def yearly(name: str, year: int, scope: ReportScope) -> dict[str, pd.DataFrame]:
    """The budget document of fiscal `year`, or the annual report of `year`: its tables (all
    their columns), of the scope's agency only (read from the database so, not filtered
    after)."""
    agency_id = scope.agency_id
    with engine().connect() as connection:
        if name == "budget":
            tables = {"budget": budget_document(
                load_rka(connection, fiscal_year=year, agency_id=agency_id))}
        else:
            letters = load_year_letters(connection, year, agency_id)
            applications = load_applications(connection, year, agency_id)
            requests = annual_requests(letters, load_rka(
                connection, letter_year=year, agency_id=agency_id), applications)
            tables = {"annual": requests, "by_agency": requests_by_agency(requests),
                      "built": applications[applications["year_built"] == year],
                      "inventory": inventory(applications)}
    if agency_id is not None:  # one agency's rows, without the totals of the budget's levels
        tables = {k: t[t["agency"].notna()] if "agency" in t else t for k, t in tables.items()}
    return tables


def scoped_steps(period: Period, scope: ReportScope, agency_id=None, step=None,
                 holder_id=None):
    """The query of the steps started in `period`, in the scope: a scoped report holds its
    own agency's steps, whatever agency was asked for."""
    return steps_query(*period.bounds, agency_id=scope.agency(agency_id), step=step,
                       holder_id=holder_id)


def durations_for(period: Period, scope: ReportScope, as_of, agency_id=None, step=None,
                  holder_id=None) -> pd.DataFrame:
    """Step durations of the steps started in `period`, in the scope."""
    with engine().connect() as connection:
        steps = load_steps(connection, scoped_steps(period, scope, agency_id, step, holder_id))
    return step_durations(steps, office_calendar(), as_of)


def shown(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The report's display columns: times in office time, agenda numbers with their year
    (numbers start again each year: "2/2026"), figures rounded to what they mean, states in
    words."""
    out = frame[list(COLUMNS[name])].copy()
    if "agenda_number" in out and "agenda_year" in frame:
        out["agenda_number"] = (frame["agenda_number"].astype(str) + "/"
                                + frame["agenda_year"].astype(str))
    for column in out.select_dtypes(include=["datetimetz"]).columns:
        out[column] = out[column].dt.tz_convert(OFFICE_TZ)
    for column in out.select_dtypes(include=["floating"]).columns:
        decimals = DECIMALS.get(column, 0)
        out[column] = out[column].round(decimals)
        if not decimals:
            out[column] = out[column].astype("Int64")
    if "state" in out:
        out["state"] = out["state"].map(lambda state: str(STATES[state]))
    return out


def build(name: str, period: Period, scope: ReportScope, as_of, agency_id=None, step=None,
          by="step", holder_id=None) -> dict[str, pd.DataFrame]:
    """The report `name` for `period`, in the scope: its tables (tables_of) with their display
    columns."""
    if name in YEARLY:
        tables = yearly(name, period.first.year, scope)
        return {table: shown(table, tables[table]) for table in tables_of(name)}
    return {name: _step_report(name, period, scope, as_of, agency_id, step, by, holder_id)}


def _step_report(name, period, scope, as_of, agency_id, step, by, holder_id) -> pd.DataFrame:
    """A report of one table computed from the steps started in `period`."""
    calendar = office_calendar()

    def durations(of: Period):
        return durations_for(of, scope, as_of, agency_id, step, holder_id)

    if name == "compliance":
        frame = compliance(durations(period), by, previous=durations(period.previous()))
        frame = frame.rename(columns={by: "group"})
    elif name == "overdue":
        frame = overdue_now(durations(period), calendar, as_of)
    else:
        frame = durations(period)
    return shown(name, frame)


def step_rows(name: str, period: Period, scope: ReportScope, as_of, agency_id=None, step=None,
              holder_id=None):
    """The ordered query of the steps a step report lists, in the scope: for "overdue" only
    the overdue ones."""
    query = scoped_steps(period, scope, agency_id, step, holder_id)
    return overdue_steps(query, as_of) if name == "overdue" else in_start_order(query)


def step_report(name: str, steps: pd.DataFrame, calendar, as_of) -> pd.DataFrame:
    """Some rows of a step report as build() shows them: every row stands on its own."""
    durations = step_durations(steps, calendar, as_of)
    return shown(name, overdue_now(durations, calendar, as_of) if name == "overdue"
                 else durations)


def step_page(name: str, query, as_of, rows: int) -> pd.DataFrame:
    """The first `rows` rows of a step report's query, as build() shows them, the rest unread."""
    with engine().connect() as connection:
        steps = load_steps(connection, query.limit(rows))
    return step_report(name, steps, office_calendar(), as_of)


def compliance_charts(period: Period, scope: ReportScope, as_of, agency_id=None,
                      step=None) -> list[str]:
    """Compliance per step, and its monthly trend, as inline SVG."""
    durations = durations_for(period, scope, as_of, agency_id, step)
    per_step = compliance(durations, "step")
    axis, empty = str(_l("Within standard (%)")), str(_l("No data yet for this period."))
    # steps by their names (wrapped under the bars), not bare numbers
    return [
        bar_chart(per_step["step"].map(lambda n: fill(step_label(n), 18)),
                  per_step["share_within"], str(_l("Within standard per step")), axis, empty),
        line_chart(monthly_compliance(durations).rename(columns=step_label),
                   str(_l("Monthly trend")), axis, "", empty),
    ]
