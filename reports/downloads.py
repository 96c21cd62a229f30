"""A report's download: its file name, and its content with Indonesian headers and labels
instead of codes, whole (CSV or XLSX bytes) or, for a step report's CSV, a piece at a time."""

from collections.abc import Iterator
from contextlib import closing

import pandas as pd
from flask_babel import lazy_gettext as _l

from models import ApplicationStatus, FundingSource, Outcome, Platform, RequestKind, RkaStatus
from models.office_calendar import office_calendar

from .catalogue import COLUMNS, Period, step_report, tables_of
from .export import Dialect, csv_head, csv_rows, to_csv, to_csv_tables, to_xlsx
from .load import engine, iter_steps

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The most rows of data one Excel sheet holds (1,048,576 rows, less the header).
XLSX_ROWS = 1_048_575

#: Codes shown by their labels in downloads.
VALUE_LABELS = {
    "level": {"program": _l("Program"), "kegiatan": _l("Kegiatan"),
              "sub_kegiatan": _l("Sub-kegiatan"), "total": _l("Total")},
    "funding_source": FundingSource.LABELS, "status": RkaStatus.LABELS,
    "request_kind": RequestKind.LABELS, "outcome": Outcome.LABELS,
    "platform": Platform.LABELS, "application_status": ApplicationStatus.LABELS,
}


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


def download(name: str, period: Period, tables: dict[str, pd.DataFrame], fmt: str,
             dialect: Dialect) -> tuple[str, bytes]:
    """The file name and content of a report download: every table of the report, each under
    its title (a sheet of its own in an XLSX)."""
    titled = {str(title): labelled(table, tables[table])
              for table, title in tables_of(name).items()}
    if fmt == "xlsx":
        content = to_xlsx(titled)
    elif len(titled) == 1:
        content = to_csv(*titled.values(), dialect)
    else:
        content = to_csv_tables(titled, dialect)
    return filename(name, period, fmt), content


def step_report_csv(name: str, query, as_of, dialect: Dialect) -> Iterator[bytes]:
    """The CSV download of a step report, a chunk of rows at a time: the same bytes as
    download() of build(). The rows are read when the pieces are asked for (after the request
    has ended), on a connection of their own, given back (its cursor closed) when the download
    ends, cut short or not."""
    source, calendar = engine(), office_calendar()
    head = csv_head([str(label) for label in COLUMNS[name].values()], dialect)

    def pieces():
        yield head  # at once, before any row is read
        with source.connect() as connection, closing(iter_steps(connection, query)) as chunks:
            for steps in chunks:
                yield csv_rows(coded_labels(step_report(name, steps, calendar, as_of)),
                               dialect)

    return pieces()
