"""Reading a register file, CSV (UTF-8) or XLSX, into rows of text, each with its line in the
file; a file that cannot be read is refused with one message, never a traceback."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import openpyxl
from flask_babel import lazy_gettext as _l
from openpyxl.cell.read_only import EmptyCell

from .errors import DomainError


class UnreadableRegister(DomainError):
    message = _l("The register cannot be read.")


@dataclass
class RowError:
    """A problem of one row, by its line in the file and the column it concerns."""

    line: int
    column: str
    message: str

    def __str__(self):
        return str(_l("line %(line)s, column %(column)s: %(message)s", line=self.line,
                      column=self.column, message=self.message))


class BadCell(Exception):
    """A cell whose value is refused: it names its column."""

    def __init__(self, column, message):
        super().__init__(str(message))
        self.column, self.message = column, message


def choice(row: dict, column: str, enum_class, default=None):
    """The member of `enum_class` a cell names by its value, `default` when it is empty."""
    text = row.get(column, "")
    if not text:
        return default
    try:
        return enum_class(text)
    except ValueError:
        raise BadCell(column, _l("one of %(values)s",
                                 values=", ".join(m.value for m in enum_class))) from None


def read_register(path: Path, columns: tuple[str, ...],
                  required: tuple[str, ...]) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """The rows of the file as (line, {column: text}), and the formula cells refused; raises
    UnreadableRegister for a file that is not one, or whose header is wrong."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table, formulas = _xlsx(path)
    else:
        table, formulas = _csv(path), []
    if not table:
        raise UnreadableRegister(_l("The register is empty: it needs a header row."))
    (_, header), body = table[0], table[1:]
    header = [str(name or "").strip().rstrip("*") for name in header]
    unknown = [name for name in header if name and name not in columns]
    if unknown:
        raise UnreadableRegister(_l("Unknown column(s): %(names)s. The columns are listed in "
                                    "the README."), names=", ".join(unknown))
    missing = [name for name in required if name not in header]
    if missing:
        raise UnreadableRegister(_l("Required column(s) missing: %(names)s."),
                                 names=", ".join(missing))
    rows = [(line, {name: value.strip() for name, value in zip(header, cells, strict=False)
                    if name})
            for line, cells in body if any(value.strip() for value in cells)]
    errors = [RowError(line, header[index] if index < len(header) else "-",
                       _l("cell %(cell)s holds a formula: type its value instead", cell=cell))
              for line, index, cell in formulas]
    return rows, errors


def _csv(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableRegister(_l("The file is not UTF-8 text (byte %(offset)s): save the "
                                    "register as “CSV UTF-8” or as XLSX."),
                                 offset=exc.start) from None
    reader, table, line = csv.reader(io.StringIO(text, newline="")), [], 1
    try:
        for cells in reader:  # a quoted cell may span lines: a row is named by its first
            table.append((line, cells))
            line = reader.line_num + 1
        return table
    except csv.Error as exc:
        raise UnreadableRegister(_l("The CSV cannot be read at line %(line)s: %(reason)s."),
                                 line=reader.line_num, reason=str(exc)) from None


def _xlsx(path: Path):
    """The first sheet's cells as text, and where formulas are (line, column index, cell)."""
    try:
        # data_only=False: a formula is seen as one, not as the value Excel last cached
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        sheet = book.worksheets[0]
        table, formulas = [], []
        for cells in sheet.iter_rows():
            cells = [cell for cell in cells if not isinstance(cell, EmptyCell)]
            if not cells:
                continue
            line, width = cells[0].row, max(cell.column for cell in cells)
            values = [""] * width
            for cell in cells:
                if cell.data_type == "f":
                    formulas.append((line, cell.column - 1, cell.coordinate))
                values[cell.column - 1] = _text(cell.value)
            table.append((line, values))
        book.close()
    except Exception as exc:  # openpyxl fails on a damaged file in many ways, all of them here
        raise UnreadableRegister(_l("The file is not a readable XLSX workbook (%(reason)s)."),
                                 reason=exc.__class__.__name__) from None
    return table, formulas


def _text(value) -> str:
    """A cell as the register's text: dates as YYYY-MM-DD, moments as YYYY-MM-DD HH:MM."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == time() else "%Y-%m-%d %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
