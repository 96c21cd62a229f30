"""What a typed value must be to reach the database: the checks every generated form field and
list filter makes, so that hostile input gets a message instead of a database error."""

from datetime import date
from decimal import Decimal

from flask_babel import gettext
from wtforms import validators

from models.bounds import CONTROL, FIRST_YEAR, LAST_YEAR

#: Years a date typed into a form or a filter may have (the model's): anything else is a typo.
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
#: Integer columns are 32-bit on every backend.
INTEGERS = range(-(2**31), 2**31)
#: The longest search or filter text: longer than any short column, and far inside SQLite's
#: 50,000-byte limit on a LIKE pattern.
SEARCH_LIMIT = 500


def check_year(moment) -> None:
    """Refuse a date or moment whose year is not one of YEARS."""
    if moment is not None and moment.year not in YEARS:
        raise validators.ValidationError(gettext(
            "The year must be between %(first)s and %(last)s.", first=YEARS[0], last=YEARS[-1]))


def plain_text(form, field):
    """No control characters in a text; checked first, so that no later check (a uniqueness
    query) sends one to the database."""
    if field.data and CONTROL.search(field.data):
        raise validators.StopValidation(gettext(
            "Remove the invisible or control characters from the text."))


def finite(form, field):
    """A number, not NaN or infinity (checked before any range, which cannot compare them)."""
    if isinstance(field.data, Decimal) and not field.data.is_finite():
        raise validators.StopValidation(gettext("Enter a number."))


def at_most_places(scale: int):
    """No more digits after the decimal point than the column keeps (none silently lost)."""
    def check(form, field):
        if isinstance(field.data, Decimal) and field.data.as_tuple().exponent < -scale:
            raise validators.ValidationError(gettext(
                "At most %(places)s digits after the decimal point.", places=scale))
    return check


def numeric_range(precision: int, scale: int) -> validators.NumberRange:
    """The values a NUMERIC(precision, scale) column holds."""
    largest = Decimal(10) ** (precision - scale) - Decimal(10) ** -scale
    return validators.NumberRange(-largest, largest)


def fits(value) -> bool:
    """Whether a parsed filter value can reach the database."""
    if isinstance(value, list | tuple):
        return all(fits(item) for item in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value in INTEGERS
    if isinstance(value, date):
        return value.year in YEARS
    if isinstance(value, str):
        return searchable(value)
    return True


def searchable(text: str) -> bool:
    """Whether a search or filter text can go into a query."""
    return len(text) <= SEARCH_LIMIT and not CONTROL.search(text)
