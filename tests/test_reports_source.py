"""REPORTS_DATABASE_URL: reports and their downloads read there (a standby), every write goes
to DATABASE_URL. The real standby is checked by bench/standby_check.py (`make test`)."""

from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import create_engine, text

from app import create_app
from models import Role, db
from models.standards import load_sop_standards

from .builders import NOW, make_letter, make_user
from .conftest import Client

#: Tables a log-in, a letter or any save writes to.
WRITTEN = ("request_letter", "user_account", "audit_entry", "audit_head", "login_counter")
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


@pytest.fixture
def reports_url(tmp_path):
    """A second database of this schema, holding one letter of its own: where the reports
    are pointed."""
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    other = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with other.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        load_sop_standards(db.session, at=NOW)
        make_letter(number="000.8/1/CADANGAN/2025")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return url


def _rows(url, table) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(text(f"SELECT COUNT(*) FROM {table}"))
    engine.dispose()
    return count


def test_reports_read_where_reports_database_url_points_and_writes_stay_on_the_primary(
        app, database_url, reports_url):
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                         "SECRET_KEY": "test", "REPORTS_DATABASE_URL": reports_url})
    kadis = make_user(Role.KADIS)
    make_letter(number="000.8/77/PRIMER/2025")
    db.session.commit()
    browser, before = Client(served), {table: _rows(reports_url, table) for table in WRITTEN}
    try:
        assert browser.login(kadis.username).status_code == 302  # counted, written: primary
        annual = browser.get("/admin/reports/annual/?year=2025&format=csv")
        assert annual.status_code == 200
        assert "000.8/1/CADANGAN/2025" in annual.get_data(as_text=True)
        assert "000.8/77/PRIMER/2025" not in annual.get_data(as_text=True)
        assert browser.get("/admin/reports/?report=step-durations&format=csv").status_code == 200
        assert browser.get("/admin/").status_code == 200  # the charts read there too
        assert _rows(database_url, "request_letter") == 1
        assert before == {table: _rows(reports_url, table) for table in WRITTEN}
    finally:
        with served.app_context():
            for engine in db.engines.values():
                engine.dispose()


def test_without_reports_database_url_reports_read_the_app_database(client, login_as):
    login_as(Role.KADIS)
    make_letter(number="000.8/78/PRIMER/2025")
    db.session.commit()
    annual = client.get("/admin/reports/annual/?year=2025&format=csv")
    assert "000.8/78/PRIMER/2025" in annual.get_data(as_text=True)
