"""Several app processes writing at once, as a multi-worker server would: nothing is lost,
nobody sees "database is locked", and the audit chain stays whole."""

import subprocess
import sys
import time
from pathlib import Path

from models import RequestLetter, Role, audit, db

from .builders import make_agency, make_user

ROOT = Path(__file__).resolve().parent.parent
PROCESSES, LETTERS_EACH = 4, 8


def test_concurrent_writers_lose_nothing(app):
    agency = make_agency()
    clerks = [make_user(Role.CLERK) for _ in range(PROCESSES)]
    db.session.commit()
    start_at = time.time() + 6  # after every process has built its app and logged in
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [subprocess.Popen(
        [sys.executable, "-m", "tests.writer", url, clerk.username, str(agency.id), f"P{n}",
         str(LETTERS_EACH), str(start_at)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for n, clerk in enumerate(clerks)]
    results = [worker.communicate(timeout=180) for worker in workers]
    for worker, (out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err[-3000:]
        assert out.split("\n")[:-1] == ["302 ok"] * LETTERS_EACH, out
    db.session.commit()
    letters = db.session.query(RequestLetter).all()
    assert len(letters) == PROCESSES * LETTERS_EACH
    assert sorted(letter.agenda_number for letter in letters) == list(
        range(1, PROCESSES * LETTERS_EACH + 1))
    assert audit.verify(db.session)[1] is None
