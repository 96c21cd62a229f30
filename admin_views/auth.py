"""Log-in, log-out and the language switch, drawn in the panel's own layout."""

import time
from urllib.parse import urlsplit

from flask import flash, redirect, request, session, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, SelectField, StringField, validators

from models import DomainError, Language, User, db

from . import login_limits
from .base import now
from .limits import plain_text

#: Checked when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-password")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), [validators.InputRequired(), plain_text,
                                            validators.Length(max=50)])
    password = PasswordField(_l("Password"), [validators.InputRequired(),
                                              validators.Length(max=128)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), [validators.InputRequired(),
                                                     validators.Length(max=128)])
    new = PasswordField(_l("New password"), [validators.InputRequired(),
                                             validators.Length(max=128)],
                        description=_l("At least 10 characters, with letters and digits."))
    repeat = PasswordField(_l("Repeat the new password"), [
        validators.InputRequired(),
        validators.EqualTo("new", message=_l("The two new passwords differ."))])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=Language.choices())


def _safe_next(target):
    """Only a path on this site is followed after log-in: one "/" and no host, read as a
    browser reads it. A browser drops tabs and line breaks from a link (so "/\t/evil" is
    "//evil", another site), and a header cannot hold them: any control character, space or
    backslash makes the target refused, not repaired."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(c.isspace() or not c.isprintable() or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    return target if not (parts.scheme or parts.netloc) else None


class AuthView(BaseView):
    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        return redirect(url_for(".login_view"))

    @expose("/login", methods=("GET", "POST"))
    def login_view(self):
        if current_user.is_authenticated:
            return redirect(url_for("admin.index"))
        form = LoginForm()
        if form.validate_on_submit():
            # counted before the password is checked (the typed name, known or not: the
            # limits must not tell which usernames exist); forgiven when it was right
            attempt = login_limits.begin(form.username.data, at=now())
            user = db.session.scalar(select(User).where(User.username == form.username.data))
            password_ok = check_password_hash(user.password_hash if user and user.password_hash
                                              else _DUMMY_HASH, form.password.data)
            if user is not None and user.active and password_ok:
                session.clear()
                session.permanent = True  # the cookie lapses with the idle limit
                session["seen"] = time.time()
                login_user(user)
                return login_limits.succeeded(attempt, redirect(
                    _safe_next(request.args.get("next")) or url_for("admin.index")),
                    form.username.data)
            flash(gettext("Wrong username or password."), "error")
        return self.render("auth/login.html", form=form, language_form=LanguageForm(
            language=session.get("language", "id")))

    @expose("/logout", methods=("POST",))
    def logout_view(self):
        if current_user.is_authenticated:
            current_user.end_sessions()
            db.session.commit()
        logout_user()
        session.clear()
        flash(gettext("You have logged out."), "info")
        return redirect(url_for(".login_view"))

    @expose("/password", methods=("GET", "POST"))
    def password_view(self):
        """Change one's own password; the other sessions of the account end."""
        if not current_user.is_authenticated:
            return redirect(url_for(".login_view", next=request.full_path))
        form = PasswordForm()
        if form.validate_on_submit():
            user = current_user._get_current_object()
            if not user.check_password(form.current.data):
                form.current.errors.append(gettext("The current password is wrong."))
            else:
                try:
                    user.set_password(form.new.data, by=user)
                    db.session.commit()
                except DomainError as exc:
                    db.session.rollback()
                    form.new.errors.append(str(exc))
                else:
                    login_user(user)  # this session goes on with the new session token
                    flash(gettext("Your password has been changed."), "success")
                    return redirect(url_for("admin.index"))
        return self.render("auth/password.html", form=form)

    @expose("/language", methods=("POST",))
    def language_view(self):
        """Switch the screen language: for the account when logged in, else for the session."""
        form = LanguageForm()
        if form.validate_on_submit():
            session["language"] = form.language.data
            if current_user.is_authenticated:
                current_user.language = Language(form.language.data)
                db.session.commit()
        return redirect(_safe_next(request.form.get("next")) or url_for("admin.index"))
