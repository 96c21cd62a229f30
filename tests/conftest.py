"""Fixtures: one app per test on the database named by TEST_DATABASE_URL, migrated once."""

import os
import re
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import create_engine, inspect, text

from admin_views.login_limits import counters
from app import create_app
from models import Role, db
from models.audit import create_head
from models.login_counters import clear
from models.standards import load_sop_standards

from .builders import NOW, PASSWORD, make_agency, make_user

HERE = Path(__file__).resolve().parent


def _database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL", "sqlite")
    if url == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    return url


def _drop_everything(url):
    """Start from an empty database, whatever an earlier run left."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        elif engine.dialect.name in ("mysql", "mariadb"):
            conn.execute(text("SET FOREIGN_KEY_CHECKS=0"))
            for table in inspect(conn).get_table_names():
                conn.execute(text(f"DROP TABLE `{table}`"))
            conn.execute(text("SET FOREIGN_KEY_CHECKS=1"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    _drop_everything(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade(directory=str(HERE.parent / "migrations"))
        db.engine.dispose()
    return url


def _empty_tables():
    """Back to the migrated state: every row removed but the audit chain's head."""
    _remove_rows()
    with db.engine.begin() as conn:
        create_head(conn)


def _remove_rows():
    """Remove every row (foreign keys off for the cycle application <-> request_letter)."""
    dialect = db.engine.dialect.name
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if dialect == "sqlite":  # the pragma works only outside a transaction
        raw = db.engine.raw_connection()
        try:
            raw.execute("PRAGMA foreign_keys=OFF")
            for table in tables:
                raw.execute(f"DELETE FROM {table}")
            raw.execute("PRAGMA foreign_keys=ON")
        finally:
            raw.close()
        return
    with db.engine.begin() as conn:
        if dialect == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
            return
        conn.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("SET FOREIGN_KEY_CHECKS=1"))


@pytest.fixture(scope="session")
def shared_app(database_url):
    """One app for the whole run: building one (routes, templates) costs more than a test."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                       "SECRET_KEY": "test"})


@pytest.fixture
def app(shared_app, tmp_path):
    app = shared_app
    # each test's audit checkpoints of its own, as the database is its own
    app.config["AUDIT_CHECKPOINT_FILE"] = str(tmp_path / "audit-checkpoints.jsonl")
    with app.app_context():
        clear(counters())  # no failed log-in left over from another test
        load_sop_standards(db.session, at=NOW)
        db.session.commit()
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


class Client:
    """A test client that logs in through the log-in page and posts with the CSRF token.

    Each request runs in an app context of its own, as in production: the test's own
    context (and its `g` and database session) is not shared with the request.
    """

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()

    def token(self, path="/auth/login"):
        # followed: a page that sends the user elsewhere (the log-in page once the session
        # ended, the password page while it must be changed) has a form there
        page = self.get(path, follow_redirects=True).get_data(as_text=True)
        return self.TOKEN.search(page).group(1)

    @staticmethod
    def _end_test_transaction():
        """Commit the test's own session first: on SQLite a transaction that read before
        the request wrote could no longer write (its snapshot is stale), and reads after
        the request see what it saved."""
        db.session.commit()

    def get(self, path, **kw):
        self._end_test_transaction()
        with self.app.app_context():
            return self.http.get(path, **kw)

    def post(self, path, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token("/admin/" if self.logged_in else
                                                     "/auth/login"))
        self._end_test_transaction()
        with self.app.app_context():
            return self.http.post(path, data=data, **kw)

    logged_in = False

    def login(self, username, password=PASSWORD):
        response = self.post("/auth/login", {"username": username, "password": password})
        self.logged_in = response.status_code == 302
        return response

    def logout(self):
        response = self.post("/auth/logout")
        self.logged_in = False
        return response


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def diskominfo(app):
    return make_agency(code="DISKOMINFO", name="Dinas Komunikasi dan Informatika",
                       short_name="Diskominfo")


@pytest.fixture
def login_as(app, client, diskominfo):
    """Log the client in as a fresh user of `role` (OPD users belong to `agency`)."""
    def login(role, agency=None):
        user = make_user(role, agency=agency or diskominfo)
        db.session.commit()
        assert client.login(user.username).status_code == 302
        return user
    return login


ROLES = list(Role)


def read_whole(app):
    """`app`, its every response read and closed before the server sends it: the development
    server leaves a response (a static file) open when the browser drops the connection
    first, and the open file is then reported in whichever test comes next."""
    def served(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()
    return served


@pytest.fixture(scope="session")
def live_server(shared_app):
    """The shared app served over HTTP on a loopback port, for the browser tests."""
    from threading import Thread

    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, read_whole(shared_app), threaded=True)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, driven by Playwright (whose own browser download is not used)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get(
            "CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
        yield browser
        browser.close()
