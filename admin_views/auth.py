"""Log-in, log-out and the language switch, drawn in the panel's own layout."""

from flask import flash, redirect, request, session, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, SelectField, StringField, validators

from models import Language, User, db

#: Checked when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-password")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), [validators.InputRequired(),
                                            validators.Length(max=50)])
    password = PasswordField(_l("Password"), [validators.InputRequired(),
                                              validators.Length(max=128)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=Language.choices())


def _safe_next(target):
    """Only a path on this site is followed after log-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


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
            user = db.session.scalar(select(User).where(User.username == form.username.data))
            password_ok = check_password_hash(user.password_hash if user and user.password_hash
                                              else _DUMMY_HASH, form.password.data)
            if user is not None and user.active and password_ok:
                session.clear()
                login_user(user)
                return redirect(_safe_next(request.args.get("next")) or url_for("admin.index"))
            flash(gettext("Wrong username or password."), "error")
        return self.render("auth/login.html", form=form, language_form=LanguageForm(
            language=session.get("language", "id")))

    @expose("/logout", methods=("POST",))
    def logout_view(self):
        logout_user()
        session.clear()
        flash(gettext("You have logged out."), "info")
        return redirect(url_for(".login_view"))

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
