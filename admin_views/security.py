"""Sessions and security headers: what every request passes through."""

import time

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, logout_user
from flask_talisman import Talisman

from models import User, db
from models.audit import stamp
from models.write_turn import begin_write

from .base import now

#: The panel's Content-Security-Policy: nothing from elsewhere, no inline script without the
#: page's nonce. Inline style attributes stay allowed: Flask-Admin's widgets set them.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
#: What a user who must choose their own password may still reach: the password page with its
#: styles and scripts (the app's and Flask-Admin's own static files), log-out and language.
OPEN_WHILE_CHANGING = {"auth.password_view", "auth.logout_view", "auth.language_view", "static",
                       "admin.static"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: The session key Flask-Login keeps a logged-in user's id under.
LOGGED_IN = "_user_id"


def load_active_user(session_id):
    """The logged-in user while the account is active and the session is its current one:
    deactivating an account, logging out or changing the password ends the session."""
    user_id, _, token = str(session_id).partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or token != user.session_token:
        return None
    return user


def csp_nonce() -> str:
    return getattr(request, "csp_nonce", "")


def _before_request(app):
    # only a logged-in person writes: a log-in (its password hashed) never holds the turn
    # the office's writers queue for. Read from the signed session, not by loading the user:
    # the turn must be taken before the request's first read
    if request.method not in SAFE_METHODS and LOGGED_IN in session:
        begin_write(db.session)
    # who writes in this request, and when: what the audit trail records for its flushes
    stamp(db.session, at=now(), by=current_user if current_user.is_authenticated else None)
    if not current_user.is_authenticated:
        return None
    moment, idle = time.time(), app.config["SESSION_IDLE_MINUTES"] * 60
    if moment - session.get("seen", moment) > idle:
        logout_user()
        session.clear()
        flash(gettext("Your session ended after %(minutes)s minutes without activity. "
                      "Please log in again.", minutes=app.config["SESSION_IDLE_MINUTES"]),
              "info")
        return redirect(url_for("auth.login_view", next=request.full_path))
    session["seen"] = moment
    if current_user.must_change_password and request.endpoint not in OPEN_WHILE_CHANGING:
        flash(gettext("Choose your own password before you continue."), "info")
        return redirect(url_for("auth.password_view"))
    return None


def init_app(app) -> None:
    Talisman(app, force_https=False, content_security_policy=CSP,
             content_security_policy_nonce_in=["script-src"],
             session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
             session_cookie_http_only=True, frame_options="DENY",
             referrer_policy="same-origin")
    app.before_request(lambda: _before_request(app))
