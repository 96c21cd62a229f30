"""How values typed the Indonesian way are read: dates as dd/mm/yyyy, times as dd/mm/yyyy hh:mm,
Rupiah as 185.000.000,50. Anything else is refused, never guessed at."""

import re
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import get_locale, gettext

#: Dates as the office writes them, then ISO (what a machine or an older link sends); a day
#: always comes first or the year does, so no date can be read two ways.
DAY_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")
#: Office wall-clock moments, the time after the day, with or without seconds.
MOMENT_FORMATS = tuple(f"{day} {time}" for day in DAY_FORMATS
                       for time in ("%H:%M", "%H:%M:%S"))
#: How a form shows a date and a moment, and the same for the date pickers (moment.js).
DAY_SHOWN, MOMENT_SHOWN = "%d/%m/%Y", "%d/%m/%Y %H:%M"
PICKER_DAY, PICKER_MOMENT = "DD/MM/YYYY", "DD/MM/YYYY HH:mm"
#: DAY_FORMATS and MOMENT_FORMATS as the pickers read typed text (moment.js, strictly).
PICKER_DAY_READS = ("D/M/YYYY", "D-M-YYYY", "YYYY-M-D")
PICKER_MOMENT_READS = tuple(f"{day} {time}" for day in PICKER_DAY_READS
                            for time in ("H:mm", "H:mm:ss"))
#: What separates the two ends of a date range typed into a list filter: Flask-Admin's own,
#: and the one the Indonesian picker writes ("s.d.", sampai dengan).
RANGE_SEPARATORS = re.compile(r"\s+(?:to|s\.d\.)\s+")


def _parse(text: str, formats) -> datetime:
    text = (text or "").strip()
    for layout in formats:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date")


def parse_day(text: str) -> date:
    """01/12/2026 (or 1-12-2026, or 2026-12-01) as 1 December 2026; ValueError otherwise."""
    return _parse(text, DAY_FORMATS).date()


def parse_moment(text: str) -> datetime:
    """01/12/2026 09:30 (seconds optional; or the ISO form) as a naive wall-clock moment."""
    return _parse(text, MOMENT_FORMATS)


def split_range(text: str) -> list[str]:
    """The two ends of a range typed into a filter ("01/12/2026 s.d. 31/12/2026")."""
    return RANGE_SEPARATORS.split((text or "").strip())


def day_hint() -> str:
    return gettext("dd/mm/yyyy")


def moment_hint() -> str:
    return gettext("dd/mm/yyyy hh:mm")


def day_message() -> str:
    return gettext("Type the date as %(format)s, for example 01/12/2026.", format=day_hint())


def moment_message() -> str:
    return gettext("Type the date and time as %(format)s, for example 01/12/2026 09:30.",
                   format=moment_hint())


#: "Rp", spaces (also the no-break ones a spreadsheet copies) around an amount.
_CURRENCY = re.compile(r"^\s*(?:Rp\.?)?\s*|\s+$", re.IGNORECASE)


def parse_rupiah(text: str, locale=None) -> Decimal:
    """An amount written in the user's language: 185.000.000 or 185.000.000,50 in Indonesian
    (185,000,000.50 in English), "Rp" allowed; digits alone too. A dot or comma that does
    not group thousands the locale's way is refused (ValueError), not guessed at."""
    locale = locale or get_locale()
    cleaned = _CURRENCY.sub("", (text or "").replace("\u00a0", " "))
    if not cleaned or " " in cleaned:
        raise ValueError(f"{text!r} is not an amount")
    try:
        return parse_decimal(cleaned, locale=locale, strict=True)
    except NumberFormatError as exc:
        raise ValueError(str(exc)) from None


def show_rupiah(value: Decimal | None, locale=None) -> str:
    """An amount as a form shows it for typing again: 185.000.000 or 185.000.000,50."""
    if value is None:
        return ""
    whole = Decimal(value) == Decimal(value).to_integral_value()
    return format_decimal(value, "#,##0" if whole else "#,##0.00",
                          locale=locale or get_locale())


def rupiah_message() -> str:
    return gettext("Type the amount as %(example)s (or %(cents)s with sen).",
                   example=show_rupiah(Decimal(185_000_000)),
                   cents=show_rupiah(Decimal("185000000.50")))
