"""Downloads kept apart from computation: CSV (UTF-8 with BOM) and XLSX with real cells."""

from io import BytesIO

import numpy as np
import pandas as pd

#: First characters that make a spreadsheet run a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value):
    """Prefix a text cell that a spreadsheet would execute with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    text = frame.select_dtypes(include=["object", "string"]).columns
    return frame.assign(**{c: frame[c].map(neutralize_formula) for c in text})


#: How a CSV writes a moment: ISO 8601 with the zone's offset, "2025-01-02T08:00:00+0700".
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def _offset(seconds: float) -> str:
    """A UTC offset as strftime's %z writes it: +HHMM, and SS when there are seconds."""
    hours, rest = divmod(int(abs(seconds)), 3600)
    minutes, rest = divmod(rest, 60)
    return f"{'-' if seconds < 0 else '+'}{hours:02d}{minutes:02d}{f'{rest:02d}' if rest else ''}"


def iso_times(moments: pd.Series) -> pd.Series:
    """Aware times as TIME_FORMAT writes them, in bulk: pandas would call strftime once per
    value, most of a big download's time. Missing times stay missing."""
    local = moments.dt.tz_localize(None)
    offsets = (local - moments.dt.tz_convert(None)).dt.total_seconds()
    text = np.datetime_as_string(local.dt.floor("s").to_numpy(), unit="s")
    zones = offsets.map({seconds: _offset(seconds) for seconds in offsets.dropna().unique()})
    return (pd.Series(text, index=moments.index) + zones).where(moments.notna())


def _csv_text(frame: pd.DataFrame, header=True) -> str:
    frame = _safe(frame)
    frame = frame.assign(**{column: iso_times(frame[column]) for column
                            in frame.select_dtypes(include=["datetimetz"]).columns})
    return frame.to_csv(index=False, header=header, date_format=TIME_FORMAT)


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens it cleanly; times as ISO 8601."""
    return _csv_text(frame).encode("utf-8-sig")


def csv_head(columns: list[str]) -> bytes:
    """The start of a CSV download sent a piece at a time: the byte-order mark and header."""
    return to_csv(pd.DataFrame(columns=columns))


def csv_rows(frame: pd.DataFrame) -> bytes:
    """Rows that follow csv_head: together the pieces are to_csv of all the rows."""
    return _csv_text(frame, header=False).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, sheet: str) -> bytes:
    """Number and date cells, the header row frozen; times in office time without zone."""
    frame = _safe(frame)
    for column in frame.select_dtypes(include=["datetimetz"]).columns:
        frame[column] = frame[column].dt.tz_localize(None)
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
        worksheet = writer.sheets[sheet[:31]]
        worksheet.freeze_panes = "A2"
        for cells in worksheet.columns:
            worksheet.column_dimensions[cells[0].column_letter].width = max(
                12, min(50, len(str(cells[0].value)) + 4))
    return buffer.getvalue()
