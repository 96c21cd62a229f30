"""Downloads kept apart from computation: CSV (UTF-8 with BOM) and XLSX with real cells."""

from io import BytesIO

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


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens it cleanly; times as ISO 8601."""
    return _safe(frame).to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S%z").encode(
        "utf-8-sig")


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
