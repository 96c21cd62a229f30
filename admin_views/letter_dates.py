"""A letter's date against the day it was received: after it is refused, long before it asks
the clerk to confirm (a mistyped year looks like that), both said on the date field."""

from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from models.letters import dated_long_before
from models.timezone import local_date, to_local

#: The form field that confirms a date long before the reception; shown only when asked.
CONFIRM = "letter_date_confirmed"


def confirm_field() -> BooleanField:
    return BooleanField(_l("Yes, this letter date is right"))


def offer_confirmation(form, posted: bool):
    """A form just opened has nothing to confirm: the box appears once a date needs it."""
    if not posted and CONFIRM in form:
        del form[CONFIRM]
    return form


def letter_date_checked(form, at: datetime) -> bool:
    """Check the typed letter date against the typed reception (or `at`, for an OPD's own
    submission received now); the message goes on the date field."""
    if "letter_date" not in form or form.letter_date.data is None or form.letter_date.errors:
        return _without_box(form)
    if "received_at" in form and form["received_at"].errors:
        return _without_box(form)  # its own message says what is wrong
    received = form["received_at"].data if "received_at" in form else None
    received_on = received.date() if received else to_local(at).date()
    letter_date = form.letter_date.data
    values = {"date": local_date(letter_date), "received": local_date(received_on)}
    if letter_date > received_on:
        form.letter_date.errors.append(gettext(
            "The letter is dated %(date)s, after the day it was received (%(received)s). "
            "Check the letter date.", **values))
        return _without_box(form, valid=False)
    if not dated_long_before(letter_date, received_on):
        return _without_box(form)
    if CONFIRM in form and form[CONFIRM].data:
        return True
    form.letter_date.errors.append(gettext(
        "The letter is dated %(date)s, more than a year before it was received "
        "(%(received)s). Check the date (day/month/year); if it is right, tick \"%(confirm)s\" "
        "below it and save again.", confirm=gettext("Yes, this letter date is right"),
        **values))
    return False


def _without_box(form, valid=True) -> bool:
    if CONFIRM in form:
        del form[CONFIRM]
    return valid
