"""What any record's fields must be to be saved: the checks the screens' forms make, kept in
the model so that every writer (the screens, the register import, the command line) shares
them. `save()` runs them around the model's own rules."""

import re
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from .errors import DomainError

#: The years a date may have: no records from before the Republic, and none planned past the
#: century (a calendar is kept years ahead; history's own rules refuse the future).
FIRST_YEAR, LAST_YEAR = 1945, 2100
#: The longest text a Text column takes: pages of notes, and within MariaDB's 65,535-byte TEXT
#: even at four bytes a character.
TEXT_LIMIT = 10_000
#: Characters nobody types and that mislead a reader: the control characters but tab, newline
#: and carriage return (PostgreSQL refuses NUL outright, and a terminal acts on BEL); the
#: invisible ones (zero-width space and joiners, word joiner, byte-order mark, soft hyphen) and
#: those that turn text around (bidirectional embeddings, overrides and isolates: "\u202egnp.exe"
#: shows as "exe.png").
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u2069\ufeff]")


def without_control(text: str, replacement: str = "") -> str:
    """The text with those characters replaced: for what nobody typed, as a file's name."""
    return CONTROL.sub(replacement, text)


def check_fields(record) -> None:
    """Before the model's own rules (which query and compute with them): refuse a text with
    control characters, a date outside FIRST_YEAR..LAST_YEAR, a number that is not finite."""
    for key, _type, value in _values(record):
        if isinstance(value, str) and CONTROL.search(value):
            raise DomainError(_l("Remove the invisible or control characters from the text."),
                              field=key)
        if isinstance(value, date | datetime) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise DomainError(_l("The year must be between %(first)s and %(last)s."),
                              field=key, first=FIRST_YEAR, last=LAST_YEAR)
        if isinstance(value, Decimal) and not value.is_finite():
            raise DomainError(_l("Enter a number."), field=key)


def check_lengths(record) -> None:
    """After the model's own rules (which may tidy a text, as a NIP's spaces): refuse a text
    longer than its column."""
    for key, type_, value in _values(record):
        limit = getattr(type_, "length", None) or TEXT_LIMIT
        if isinstance(value, str) and len(value) > limit:
            raise DomainError(_l("At most %(max)s characters."), field=key, max=limit)


def _values(record):
    for attribute in inspect(record).mapper.column_attrs:
        value = getattr(record, attribute.key)
        if value is not None:
            yield attribute.key, attribute.columns[0].type, value


def check_amount(field: str, value: Decimal | int | None, low: Decimal, high: Decimal) -> None:
    """A money or quantity field: a finite number of low..high with at most two decimals."""
    value = None if value is None else Decimal(value)
    if value is None or not value.is_finite():
        raise DomainError(_l("Enter a number."), field=field)
    if not low <= value <= high:
        raise DomainError(_l("The amount must be between %(low)s and %(high)s."), field=field,
                          low=low, high=high)
    if value.as_tuple().exponent < -2:
        raise DomainError(_l("At most %(places)s digits after the decimal point."),
                          field=field, places=2)
