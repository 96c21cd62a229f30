"""How values read on screen: office time (WIB), Indonesian dates, Rupiah, enum labels."""

import enum
import math
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
from babel.dates import get_day_names, get_month_names
from flask_admin.model import typefmt
from flask_babel import format_decimal, get_locale, gettext

from models.timezone import local_date, local_datetime, to_local


def rupiah(value: Decimal | int | None) -> str:
    """Rp 150.000.000 (cents shown only when there are any: Rp 1.500.000,50)."""
    if value is None:
        return ""
    pattern = "#,##0" if Decimal(value) == Decimal(value).to_integral_value() else "#,##0.00"
    return f"Rp {format_decimal(value, pattern)}"


#: Formatters by Python type, for every list and details screen.
TYPE_FORMATTERS = dict(typefmt.BASE_FORMATTERS)
TYPE_FORMATTERS.update({
    datetime: lambda view, value, name: local_datetime(value),
    date: lambda view, value, name: local_date(value),
    enum.Enum: lambda view, value, name: str(value.label),
})

#: Formatters for CSV exports: plain office-time values a spreadsheet reads.
EXPORT_FORMATTERS = dict(typefmt.EXPORT_FORMATTERS)
EXPORT_FORMATTERS.update({
    datetime: lambda view, value, name: to_local(value).strftime("%Y-%m-%d %H:%M"),
    date: lambda view, value, name: value.isoformat(),
    enum.Enum: lambda view, value, name: str(value.label),
})



def cell(value) -> str:
    """A report cell: times in WIB, numbers rounded, yes/no, nothing for missing values."""
    if value is None or value is pd.NaT or value is pd.NA or (
            isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, bool | np.bool_):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, float | np.floating | Decimal):
        return format_decimal(round(float(value), 1), "#,##0.#")
    return str(value)


def money_column(view, context, model, name):
    return rupiah(getattr(model, name))


def picker_locale() -> dict:
    """Day and month names and button labels for the date pickers, in the user's language
    (Flask-Admin's pickers come in English only)."""
    locale = get_locale()
    days = get_day_names("short", locale=locale)  # 0 = Monday
    return {"days": [days[6], *(days[i] for i in range(6))],  # Sunday first, as moment.js
            "months": [get_month_names("abbreviated", locale=locale)[m] for m in range(1, 13)],
            "firstDay": (locale.first_week_day + 1) % 7, "apply": gettext("Apply"),
            "cancel": gettext("Cancel"), "from": gettext("From"), "to": gettext("To")}


def register(app) -> None:
    """Make the same formatters available to templates."""
    app.jinja_env.filters.update(local_datetime=local_datetime, local_date=local_date,
                                 rupiah=rupiah, cell=cell)
    app.jinja_env.globals.update(get_locale=get_locale, picker_locale=picker_locale)
