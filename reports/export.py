"""Downloads kept apart from computation: CSV and XLSX files a spreadsheet reads right.

A CSV is UTF-8 with a byte-order mark, in one of two dialects: a spreadsheet set to Indonesian
reads numbers with a decimal comma and splits fields on ";" (its list separator), one set to
English wants a decimal point and ",". Times are office time as "2025-01-24 16:20", which
spreadsheets read as a date and time in either locale (tests/test_spreadsheets.py opens the
files in LibreOffice set to each); yes/no are words of the screen's language.
An XLSX holds real number and date cells, a filter on its header and columns as wide as their
content, one sheet per table.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import numpy as np
import pandas as pd
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

#: First characters that make a spreadsheet run a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: How a yes or no cell reads.
YES, NO = _l("yes"), _l("no")
#: The most significant digits a spreadsheet's number cell keeps exactly (IEEE double, as
#: Excel and LibreOffice show them): a larger amount is written as text, digit for digit.
EXACT_DIGITS = 15
#: Cell formats of an XLSX download.
XLSX_TIME, XLSX_MONEY = "dd/mm/yyyy hh:mm", "#,##0.00"
#: A line of a column's texts joined that starts like a formula.
FORMULA_LINE = re.compile("\n[" + re.escape("".join(FORMULA_STARTS)) + "]")
#: Python types whose cells the csv module writes as the file wants them (None empty, the
#: rest as str() does), and that never start like a formula; texts, which may.
AS_THEY_ARE, TEXT = {type(None), int, date}, {type(None), str}
#: Values of a column looked at to size it: enough for its width, not the whole sheet.
WIDTH_SAMPLE = 200


@dataclass(frozen=True)
class Dialect:
    """How a CSV separates its fields and writes a decimal number."""

    code: str
    separator: str
    decimal: str


#: The CSV dialects offered: by the language of the spreadsheet that opens the file.
DIALECTS = {"id": Dialect("id", ";", ","), "en": Dialect("en", ",", ".")}


def dialect_for(asked: str | None, language: str | None) -> Dialect:
    """The dialect asked for, or else that of the screen's language (Indonesian otherwise):
    whoever reads Indonesian screens most likely has a spreadsheet set to Indonesian."""
    return DIALECTS.get(asked or "") or DIALECTS.get(language or "") or DIALECTS["id"]


def neutralize_formula(value):
    """Prefix a text cell that a spreadsheet would execute with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def office_times(moments: pd.Series) -> pd.Series:
    """Aware times as the office's wall clock to the minute ("2025-01-24 16:20"), in bulk:
    pandas would call strftime once per value. Missing times stay missing."""
    local = moments.dt.tz_convert("Asia/Pontianak").dt.tz_localize(None).to_numpy()
    text = np.datetime_as_string(local.astype("datetime64[m]"), unit="m")  # floored
    times = pd.Series(np.char.replace(text, "T", " "), index=moments.index)
    return times.where(moments.notna()) if moments.hasnans else times


def _is_flags(column: pd.Series) -> bool:
    if column.dtype == bool or str(column.dtype) == "boolean":
        return True
    if column.dtype != object or not set(map(type, column.tolist())) & {bool, np.bool_}:
        return False
    values = column.dropna()
    return len(values) > 0 and isinstance(values.iloc[0], (bool, np.bool_)) and values.map(
        lambda v: isinstance(v, (bool, np.bool_))).all()


def _flags(column: pd.Series) -> pd.Series:
    words = {True: str(YES), False: str(NO)}
    return column.map(lambda value: words.get(value, value) if pd.notna(value) else value)


def _amount_text(value, decimal: str):
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal)
    return value


def _objects(frame: pd.DataFrame) -> list[str]:
    """The columns of Python objects (Decimal amounts among them), not of text."""
    return [name for name, column in frame.items() if pd.api.types.is_object_dtype(column)]


def _defused(column: pd.Series) -> pd.Series:
    """A text column with every cell a spreadsheet would run defused."""
    values = column.tolist()
    if not any(isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in values):
        return column
    return pd.Series([neutralize_formula(v) for v in values], index=column.index,
                     dtype=column.dtype)


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its yes/no columns as words and every text cell defused."""
    out = {}
    for name, column in frame.items():
        if _is_flags(column):
            column = _flags(column)
        if column.dtype == object or str(column.dtype).startswith("str"):
            column = _defused(column)
        out[name] = column
    return pd.DataFrame(out, index=frame.index)


def _text(value, decimal: str) -> str:
    """A cell of a column of Python objects: empty when missing, amounts in the dialect."""
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and value != value):
        return ""
    return _amount_text(value, decimal) if isinstance(value, Decimal) else str(value)


def _may_run(texts) -> bool:
    """Whether a text of the column may start like a formula: one search of the column
    joined, rather than one test per cell (a line inside a text may also match: then each
    cell is tested)."""
    return FORMULA_LINE.search("\n" + "\n".join(texts)) is not None


def _texts(column: pd.Series, dialect: Dialect) -> list | None:
    """A column's cells as the file writes them (text defused, yes/no as words), the whole
    column at once; None for a type left to pandas. The same text as pandas' to_csv of
    _cells (tests/test_reports.py compares), several times faster on text."""
    kind, point = column.dtype, dialect.decimal
    if _is_flags(column):
        column, kind = _flags(column), np.dtype(object)
    if isinstance(kind, pd.DatetimeTZDtype):
        return office_times(column).fillna("").tolist()
    if pd.api.types.is_float_dtype(kind):
        return ["" if v != v else f"{v:.15g}".replace(".", point)
                for v in column.to_numpy(dtype=float, na_value=np.nan)]
    if pd.api.types.is_integer_dtype(kind):  # the csv module writes an int as str() does
        values = column.tolist()
        return [("" if v is pd.NA else v) for v in values] if column.hasnans else values
    if str(kind).startswith("str"):
        values = column.fillna("").tolist()
        if not _may_run(values):
            return values
        return [("'" + v) if v.startswith(FORMULA_STARTS) else v for v in values]
    if str(kind) == "object":
        values = column.tolist()
        kinds = set(map(type, values))
        if kinds <= AS_THEY_ARE or (kinds <= TEXT and not _may_run(filter(None, values))):
            return values
        return [("'" + v if v.startswith(FORMULA_STARTS) else v) if type(v) is str
                else "" if v is None or (type(v) is float and v != v)
                else neutralize_formula(_text(v, point)) for v in values]
    return None


def _pandas_text(frame: pd.DataFrame, dialect: Dialect, header: bool) -> str:
    for name in frame.select_dtypes(include=["datetimetz"]).columns:
        frame[name] = office_times(frame[name])
    for name in _objects(frame):
        frame[name] = frame[name].map(lambda v: _amount_text(v, dialect.decimal))
    return frame.to_csv(index=False, header=header, sep=dialect.separator,
                        decimal=dialect.decimal, float_format="%.15g",
                        quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def _csv_text(frame: pd.DataFrame, dialect: Dialect, header=True) -> str:
    """The frame as CSV text: typed columns written a column at a time through the csv
    module (pandas' own writer is several times slower on text), anything else by pandas."""
    texts = [_texts(column, dialect) for _, column in frame.items()]
    if not texts or any(column is None for column in texts):
        return _pandas_text(_cells(frame), dialect, header)
    out = StringIO()
    writer = csv.writer(out, delimiter=dialect.separator, lineterminator="\r\n")
    if header:
        writer.writerow([str(name) for name in frame.columns])
    writer.writerows(zip(*texts, strict=True))
    return out.getvalue()


def to_csv(frame: pd.DataFrame, dialect: Dialect) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens it cleanly."""
    return _csv_text(frame, dialect).encode("utf-8-sig")


def to_csv_tables(tables: dict[str, pd.DataFrame], dialect: Dialect) -> bytes:
    """Several tables in one CSV: each under a line with its title, a blank line between."""
    out = StringIO()
    writer = csv.writer(out, delimiter=dialect.separator, lineterminator="\r\n")
    for number, (title, frame) in enumerate(tables.items()):
        if number:
            out.write("\r\n")
        writer.writerow([neutralize_formula(title)])
        out.write(_csv_text(frame, dialect))
    return out.getvalue().encode("utf-8-sig")


def csv_head(columns: list[str], dialect: Dialect) -> bytes:
    """The start of a CSV download sent a piece at a time: the byte-order mark and header."""
    return to_csv(pd.DataFrame(columns=columns), dialect)


def csv_rows(frame: pd.DataFrame, dialect: Dialect) -> bytes:
    """Rows that follow csv_head: together the pieces are to_csv of all the rows."""
    return _csv_text(frame, dialect, header=False).encode("utf-8")


def _xlsx_amount(value):
    """An amount as a number cell when a spreadsheet keeps all its digits, else as text."""
    if isinstance(value, Decimal):
        digits = len(value.normalize().as_tuple().digits)
        return float(value) if digits <= EXACT_DIGITS else format(value, "f")
    return value


def _xlsx_sheet(writer, frame: pd.DataFrame, title: str) -> None:
    frame = _cells(frame)
    times = list(frame.select_dtypes(include=["datetimetz"]).columns)
    for name in times:
        frame[name] = frame[name].dt.tz_convert("Asia/Pontianak").dt.tz_localize(None)
    amounts = [name for name in _objects(frame)
               if frame[name].map(lambda v: isinstance(v, Decimal)).any()]
    for name in amounts:
        frame[name] = frame[name].map(_xlsx_amount)
    frame.to_excel(writer, index=False, sheet_name=title)
    sheet = writer.sheets[title]
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    for number, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(number)
        style = XLSX_TIME if name in times else XLSX_MONEY if name in amounts else None
        if style:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.number_format = style
        sample = frame[name].head(WIDTH_SAMPLE)
        longest = max([len(str(name)) + 3,  # room for the filter's button
                       *(16 if name in times else len(str(v)) for v in sample.dropna())])
        sheet.column_dimensions[letter].width = max(8, min(60, longest + 2))


def _sheet_title(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters (cut at a word), none of []:*?/\\,
    unique."""
    name = "".join("-" if c in "[]:*?/\\" else c for c in title)
    if len(name) > 31:
        name = name[:32].rsplit(" ", 1)[0][:31]
    name = name or "Data"
    base, number = name, 2
    while name.lower() in taken:
        name = f"{base[:28]} {number}"
        number += 1
    taken.add(name.lower())
    return name


def to_xlsx(tables: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per table, named by its title: number and date cells (times in office time),
    the header row frozen and filtered, columns as wide as their content."""
    buffer, taken = BytesIO(), set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for title, frame in tables.items():
            _xlsx_sheet(writer, frame, _sheet_title(title, taken))
    return buffer.getvalue()
