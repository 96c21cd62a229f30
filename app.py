"""The application factory."""

from flask import Flask, has_request_context, redirect, session, url_for
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from admin_views import init_admin, security
from config import Config
from models import db, mailer
from models.db import render_migration_type


def select_locale():
    """The user's language, else the session's choice, else Bahasa Indonesia."""
    if not has_request_context():
        return None
    if current_user.is_authenticated and current_user.language:
        return current_user.language.value
    return session.get("language")


def create_app(overrides=None):
    """Build the app: defaults from Config, then `overrides` (a mapping, used by tests)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    app.config.update(overrides or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("mysql"):
        # as on PostgreSQL: each statement sees what other requests have committed
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"], "isolation_level": "READ COMMITTED"}

    if app.config["REPORTS_DATABASE_URL"]:  # read by reports.load.engine() alone
        app.config["SQLALCHEMY_BINDS"] = {**app.config.get("SQLALCHEMY_BINDS", {}),
                                          "reports": app.config["REPORTS_DATABASE_URL"]}
    if app.config["PROXY_COUNT"]:
        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    db.init_app(app)
    Migrate(app, db, render_as_batch=True, compare_type=True, render_item=render_migration_type)
    Babel(app, locale_selector=select_locale,
          timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"])
    CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "auth.login_view"
    login.user_loader(security.load_active_user)
    security.init_app(app)
    init_admin(app)
    mailer.init_app(app)

    app.add_url_rule("/", "root", lambda: redirect(url_for("admin.index")))

    from commands import register_commands
    register_commands(app)
    return app
