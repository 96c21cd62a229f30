"""Error pages in the user's language, never a bare stack trace."""

import math

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError

#: status -> (title, explanation); the explanation of 429 names the minutes to wait.
MESSAGES = {
    400: (_l("The request could not be processed"),
          _l("The form has expired or is not valid. Reload the page and try again.")),
    403: (_l("Access denied"), _l("Your role does not allow you to open this page.")),
    404: (_l("Page not found"), _l("The page or data you are looking for does not exist.")),
    405: (_l("The request could not be processed"), _l("This address does not accept that.")),
    413: (_l("File too large"), _l("The file you sent is larger than allowed.")),
    429: (_l("Too many failed log-ins"),
          _l("Log-in is paused for this account or address after repeated failures. "
             "Wait %(minutes)s minutes, then try again, or ask the system administrator.")),
    500: (_l("Something went wrong"),
          _l("The error has been recorded. Nothing was saved; please try again.")),
}


def _page(status, **values):
    title, text = MESSAGES[status]
    text = str(text) % values if values else text
    return render_template("error.html", status=status, title=title, text=text), status


def _login_paused(exc: RateLimitExceeded):
    """The 429 page, naming the window of the log-in limit that was hit, as configured."""
    return _page(429, minutes=math.ceil(exc.limit.limit.get_expiry() / 60))


def register(app) -> None:
    for status in MESSAGES.keys() - {429}:  # only Flask-Limiter answers 429, with its limit
        app.register_error_handler(status, lambda exc, status=status: _page(status))
    app.register_error_handler(RateLimitExceeded, _login_paused)
    app.register_error_handler(CSRFError, lambda exc: _page(400))
