"""Error pages in the user's language, never a bare stack trace."""


from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from .login_limits import LoginPaused

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


def _login_paused(exc: LoginPaused):
    """The 429 page, naming the minutes until the log-in limit that was hit lapses."""
    body, status = _page(429, minutes=exc.minutes)
    return body, status, {"Retry-After": str(exc.seconds)}


def register(app) -> None:
    for status in MESSAGES.keys() - {429}:  # only the log-in limits answer 429, with their wait
        app.register_error_handler(status, lambda exc, status=status: _page(status))
    app.register_error_handler(LoginPaused, _login_paused)
    app.register_error_handler(CSRFError, lambda exc: _page(400))
