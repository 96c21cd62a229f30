"""How values read on screen: office time (WIB), Indonesian dates, Rupiah, enum labels."""

import enum
import math
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
from babel.dates import get_day_names, get_month_names
from flask_admin.model import typefmt
from flask_babel import (
    format_date,
    format_decimal,
    format_time,
    get_locale,
    gettext,
    ngettext,
    pgettext,
)
from markupsafe import Markup, escape

from models.steps import step_label
from models.timezone import local_date, local_datetime, to_local

from .entry import (
    PICKER_DAY,
    PICKER_DAY_READS,
    PICKER_MOMENT,
    PICKER_MOMENT_READS,
    day_hint,
    moment_hint,
)


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
    bool: lambda view, value, name: gettext("yes") if value else gettext("no"),
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


#: A working day as durations count it: the regular office day, 7 hours 30 minutes (37.5
#: hours a week over five days, models/data/calendar.toml). Shorter Ramadan days count the
#: same, so "1 day" always means the same amount of working time.
WORKING_DAY_MINUTES = 450


def working_time(minutes: float | None, units: int = 3) -> str:
    """Working minutes as a person reads them: "2 days 3 hours 15 minutes" (days of
    WORKING_DAY_MINUTES), rounded to the minute; empty for no value. With fewer `units`, only
    the largest ("2 days 3 hours"), for a list that must stay on one line."""
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return ""
    days, rest = divmod(round(abs(minutes)), WORKING_DAY_MINUTES)
    hours, rest = divmod(rest, 60)
    parts = [ngettext("%(num)d day", "%(num)d days", days) if days else "",
             ngettext("%(num)d hour", "%(num)d hours", hours) if hours else "",
             ngettext("%(num)d minute", "%(num)d minutes", rest) if rest or not (days or hours)
             else ""]
    return " ".join([part for part in parts if part][:units])


def deadline_pill(deadline, units: int = 3) -> Markup:
    """A step's deadline as a coloured pill: time left (green, amber under a quarter of its
    standard), "late by …" (red), paused or done; times in at most `units` units."""
    if deadline.state in ("ok", "soon"):
        text = gettext("%(time)s left", time=working_time(deadline.minutes_left, units))
    elif deadline.state == "late" and deadline.minutes_left is not None:
        text = gettext("late by %(time)s", time=working_time(deadline.minutes_left, units))
    else:
        text = {"late": gettext("finished late"), "paused": gettext("paused"),
                "done": gettext("finished on time")}[deadline.state]
    return Markup('<span class="pill pill-{}">{}</span>').format(deadline.state, escape(text))


def waiting_pill(waiting) -> Markup:
    """A letter with no SOP step running: the working time since it was received, as a pill
    (amber after a working day)."""
    text = gettext("waiting %(time)s", time=working_time(waiting.minutes))
    return Markup('<span class="pill pill-{}" title="{}">{}</span>').format(
        waiting.state, gettext("Working time since the letter was received"), text)


def money_column(view, context, model, name):
    return rupiah(getattr(model, name))


def picker_locale() -> dict:
    """The page's widgets in the user's language: the date pickers' day and month names,
    buttons and formats, and the search dropdowns' messages (Flask-Admin's pickers and
    Select2 come in English only). "{n}" stands for a number the script fills in."""
    locale = get_locale()
    days = get_day_names("short", locale=locale)  # 0 = Monday

    def counted(singular, plural):
        return [ngettext(singular, plural, n, count="{n}") for n in (1, 2)]

    return {"days": [days[6], *(days[i] for i in range(6))],  # Sunday first, as moment.js
            "months": [get_month_names("abbreviated", locale=locale)[m] for m in range(1, 13)],
            "firstDay": (locale.first_week_day + 1) % 7, "apply": gettext("Apply"),
            "cancel": gettext("Cancel"), "from": gettext("From"), "to": gettext("To"),
            "week": gettext("Wk"), "separator": f" {pgettext('date range', 'to')} ",
            "dayFormat": PICKER_DAY, "momentFormat": PICKER_MOMENT, "dayHint": day_hint(),
            "momentHint": moment_hint(), "dayReads": PICKER_DAY_READS,
            "momentReads": PICKER_MOMENT_READS,
            "select2": {
                "noMatches": gettext("No matches found"), "searching": gettext("Searching…"),
                "loadMore": gettext("Loading more results…"),
                "ajaxError": gettext("The choices could not be loaded"),
                "tooShort": counted("Type %(count)s more character",
                                    "Type %(count)s more characters"),
                "tooLong": counted("Delete %(count)s character", "Delete %(count)s characters"),
                "tooBig": counted("You can choose only %(count)s item",
                                  "You can choose only %(count)s items"),
                "matches": counted("%(count)s result; press Enter to choose it.",
                                   "%(count)s results; choose with the up and down arrow keys.")}}


def local_time(value: datetime | None) -> str:
    """14:05, office time."""
    return "" if value is None else format_time(to_local(value), "HH:mm", rebase=False)


def weekday_date(value: date) -> str:
    """Senin, 7 Desember 2026."""
    return format_date(value, "EEEE, d MMMM y")


def register(app) -> None:
    """Make the same formatters available to templates."""
    app.jinja_env.filters.update(local_datetime=local_datetime, local_date=local_date,
                                 rupiah=rupiah, cell=cell, working_time=working_time,
                                 deadline_pill=deadline_pill, waiting_pill=waiting_pill,
                                 step_label=step_label, local_time=local_time,
                                 weekday_date=weekday_date)
    app.jinja_env.globals.update(get_locale=get_locale, picker_locale=picker_locale,
                                 day_hint=day_hint)
