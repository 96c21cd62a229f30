"""Report screens and downloads: filters read from the request, the report from the catalogue
(reports/), in the user's report scope.

The reports with a row per step stream their CSV a chunk at a time from a connection of their
own, and their screens read only the page they show, so a period of a million steps is never
held in memory. Compliance, XLSX and the yearly reports are built whole.
"""

from datetime import date

import pandas as pd
from flask import Response, flash, redirect, request, stream_with_context, url_for
from flask_admin import expose
from flask_babel import format_decimal, get_locale, gettext
from flask_login import current_user

from models import Agency, Role, User, db, papers
from models.documents import issue
from models.timezone import OFFICE_TZ
from models.write_turn import begin_write
from reports import downloads
from reports.catalogue import (
    COLUMNS,
    STEP_REPORTS,
    TITLES,
    YEARLY,
    Period,
    build,
    compliance_charts,
    step_page,
    step_rows,
    yearly,
)
from reports.downloads import VALUE_LABELS, XLSX, download, filename, step_report_csv
from reports.durations import GROUPINGS
from reports.export import DIALECTS, dialect_for

from . import printing
from .base import PageView, now
from .entry import parse_day
from .limits import YEARS
from .paging import AtLeast, capped_count, parse_id
from .permissions import EXPORT, ROW_SCOPED, can, report_scope

#: Rows a report's screen shows, and counts; the download has them all.
PAGE_ROWS, COUNT_LIMIT = 500, 10_000


def first_page(name: str, query, as_of) -> tuple[pd.DataFrame, int]:
    """The first PAGE_ROWS rows of a step report, as build() shows them, and how many rows it
    has, up to COUNT_LIMIT: what its screen shows, without reading the rest. Counted in the
    query's own order, so the database walks the index of that order and stops rather than
    join whole tables."""
    return step_page(name, query, as_of, PAGE_ROWS), capped_count(query, COUNT_LIMIT)


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
    if rows <= downloads.XLSX_ROWS:
        return None
    return gettext("This report has %(count)s rows, more than an Excel sheet holds "
                   "(%(limit)s). Download it as CSV, or choose a shorter period.",
                   count=str(rows) if isinstance(rows, AtLeast) else format_decimal(rows),
                   limit=format_decimal(downloads.XLSX_ROWS))


def asked_dialect():
    """The CSV dialect of a download: the one chosen, or that of the screen's language."""
    return dialect_for(request.args.get("dialect"), str(get_locale()))


def _day(text, default: date) -> date:
    """A day typed into a report's filter (dd/mm/yyyy, or ISO from a link), or `default` for
    anything that is no date of YEARS (the far ends of the calendar would overflow when turned
    into UTC)."""
    try:
        day = parse_day(text or "")
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


class ReportView(PageView):
    """Step durations, compliance and overdue: filters, table and downloads."""

    resource = "report"

    @expose("/")
    def index(self):
        name = request.args.get("report", "step-durations")
        name = name if name in TITLES else "step-durations"
        if name in YEARLY:
            return redirect(url_for(".yearly_view", kind=name))
        period, scope = _period_from(request.args), report_scope(current_user)
        agency_id, step, holder_id = (parse_id(request.args.get(key))
                                      for key in ("agency", "step", "holder"))
        by = request.args.get("by", "step")
        by = by if by in GROUPINGS else "step"
        as_of = pd.Timestamp(now())
        fmt = request.args.get("format")
        if fmt in ("csv", "xlsx") and can(current_user.role, EXPORT, "report"):
            return self._download(name, period, scope, as_of, fmt, agency_id, step, by,
                                  holder_id)
        if name in STEP_REPORTS:
            frame, total = first_page(name, step_rows(
                name, period, scope, as_of, agency_id, step, holder_id), as_of)
        else:
            frame = build(name, period, scope, as_of, agency_id, step, by, holder_id)[name]
            total = len(frame)
        every_agency = scope.agency_id is None  # a scoped user chooses no agency nor official
        agencies = db.session.query(Agency).order_by(Agency.name).all() if every_agency else []
        charts = (compliance_charts(period, scope, as_of, agency_id, step)
                  if name == "compliance" else [])
        officials = db.session.query(User).filter(User.role.in_(
            [Role.KABID, Role.KASI])).order_by(User.full_name).all() if every_agency else []
        return self.render("reports.html", name=name, titles=TITLES, yearly=YEARLY,
                           columns=COLUMNS[name],
                           rows=frame.head(PAGE_ROWS).to_dict("records"), total=total,
                           period=period, agencies=agencies, agency_id=agency_id, step=step,
                           by=by, groupings=GROUPINGS, can_export=can(
                               current_user.role, EXPORT, "report"),
                           opd=current_user.role is Role.OPD, charts=charts,
                           officials=officials, holder_id=holder_id,
                           dialect=asked_dialect(), dialects=DIALECTS)

    def _download(self, name, period, scope, as_of, fmt, agency_id, step, by, holder_id):
        """A step report's CSV streams; anything else is built whole, an XLSX only when one
        sheet can hold it."""
        if name in STEP_REPORTS:
            query = step_rows(name, period, scope, as_of, agency_id, step, holder_id)
            if fmt == "csv":
                return attachment(filename(name, period, fmt), stream_with_context(
                    step_report_csv(name, query, as_of, asked_dialect())))
            # counted before any row is read, one past what a sheet holds
            if refusal := too_many_for_xlsx(capped_count(query, downloads.XLSX_ROWS + 1)):
                return _refuse(refusal)
        return self._whole(name, period, fmt, build(name, period, scope, as_of, agency_id,
                                                    step, by, holder_id))

    def _whole(self, name, period, fmt, tables):
        """A report built whole, as a file; an XLSX only when each sheet can hold its table."""
        if fmt == "xlsx" and (refusal := too_many_for_xlsx(max(map(len, tables.values())))):
            return _refuse(refusal)
        return attachment(*download(name, period, tables, fmt, asked_dialect()))

    @staticmethod
    def _issued(kind, year, tables, signer) -> dict | None:
        """The office's report printed as a document, with its QR code; an OPD's own part
        of it is not one."""
        if current_user.role in ROW_SCOPED:
            return None
        at = now()
        paper = papers.yearly_report(kind, year, tables, signer, at.astimezone(OFFICE_TZ).date())
        db.session.commit()  # the write turn before the write, as every write takes it
        begin_write(db.session)
        document = issue(db.session, paper, at=at, by=current_user._get_current_object())
        db.session.commit()
        url = printing.verification_url(document)
        return {"document": document, "url": url, "qr": printing.qr_data_uri(url)}

    @expose("/<any(budget, annual):kind>/")
    def yearly_view(self, kind):
        """The budget document or the annual report, printable on A4, with downloads."""
        this_year = now().astimezone(OFFICE_TZ).year
        year = request.args.get("year", type=int)
        if year is None or not 2000 <= year <= 2100:
            year = this_year + 1 if kind == "budget" else this_year
        scope, fmt = report_scope(current_user), request.args.get("format")
        if fmt in ("csv", "xlsx") and can(current_user.role, EXPORT, "report"):
            period = Period(date(year, 1, 1), date(year, 12, 31))
            return self._whole(kind, period, fmt, build(kind, period, scope, pd.Timestamp(now())))
        kadis = db.session.query(User).filter_by(role=Role.KADIS, active=True).first()
        tables = yearly(kind, year, scope)
        return self.render(f"report_{kind}.html", year=year, tables=tables,
                           check=self._issued(kind, year, tables, kadis),
                           columns=COLUMNS, title=TITLES[kind], signer=kadis,
                           can_export=can(current_user.role, EXPORT, "report"), name=kind,
                           labels=VALUE_LABELS, dialect=asked_dialect(), dialects=DIALECTS)
