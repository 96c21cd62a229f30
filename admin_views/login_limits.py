"""The log-in limits as a request meets them: which counters an attempt is taken from.

Three counters keep guessing out without letting anyone lock an owner out: one account from
one address (strict), one address over every account, and one account from every address
together (looser). A browser that has logged in to the account before is counted on its own
instead of on that last one, so nobody elsewhere can pause its owner.
"""

import ipaddress
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import TooManyRequests

from models import db
from models.login_counters import Count, Limit, counter_engine, counter_key, forgive, take

#: The cookie a browser keeps for the accounts that logged in with it: account -> token.
KNOWN_BROWSER = "known_browser"
#: How long a browser stays known, and how many accounts one browser remembers.
KNOWN_FOR = timedelta(days=365)
KNOWN_ACCOUNTS = 5


class LoginPaused(TooManyRequests):
    """Log-in refused for `seconds` more: a limit was reached."""

    def __init__(self, seconds: int):
        super().__init__(retry_after=seconds)
        self.seconds = seconds

    @property
    def minutes(self) -> int:
        return math.ceil(self.seconds / 60)


def counters():
    """The app's counter store (made on first use)."""
    extensions = current_app.extensions
    if "login_counters" not in extensions:
        extensions.setdefault("login_counters", counter_engine(db.engine))
    return extensions["login_counters"]


def visitor_address() -> str:
    """The visitor's address; for IPv6 its /64 network, which one subscriber holds whole."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:  # no address (a Unix socket): one visitor, as it is
        return request.remote_addr or ""
    if address.version == 6:
        if address.ipv4_mapped:  # an IPv4 visitor seen through an IPv6 socket
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=KNOWN_BROWSER)


def _known_accounts() -> dict:
    try:
        known = _serializer().loads(request.cookies.get(KNOWN_BROWSER, ""))
    except BadSignature:
        return {}
    return known if isinstance(known, dict) else {}


def begin(username: str, at: datetime) -> list[Count]:
    """Count the attempt on each of its counters, or raise LoginPaused having counted none."""
    config, name, address = current_app.config, username.strip().lower(), visitor_address()
    pair = Limit.parse(config["LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS"])
    token = _known_accounts().get(name)
    limits = [(counter_key("address", address), Limit.parse(config["LOGIN_FAILURES_PER_ADDRESS"])),
              (counter_key("account+address", name, address), pair),
              (counter_key("browser", name, token), pair) if token else
              (counter_key("account", name), Limit.parse(config["LOGIN_FAILURES_PER_ACCOUNT"]))]
    taken = []
    with counters().connect() as conn:
        for key, limit in limits:
            count = take(conn, key, limit, at)
            if not count.counted:
                forgive(conn, taken)
                raise LoginPaused(max(1, math.ceil((count.ends_at - at).total_seconds())))
            taken.append(count)
    return taken


def succeeded(taken: list[Count], response, username: str):
    """A right password: its attempt is not a failure, and this browser is now known."""
    with counters().connect() as conn:
        forgive(conn, taken)
    name, known = username.strip().lower(), _known_accounts()
    token = known.pop(name, None) or secrets.token_hex(16)
    known = dict(list(known.items())[-(KNOWN_ACCOUNTS - 1):]) | {name: token}  # latest last
    response.set_cookie(KNOWN_BROWSER, _serializer().dumps(known),
                        max_age=int(KNOWN_FOR.total_seconds()), path=url_for("auth.login_view"),
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                        samesite="Lax")
    return response
