"""Benchmark: the step-durations CSV download of a million steps, through the whole app.

    python bench/report_export_bench.py [--n 1000000] [--url postgresql+psycopg://...]

Fills a database (a fresh SQLite file in /tmp by default) with N step records (report_bench's
`fill`) and a supervisor, gathers the planner's statistics (ANALYZE, as autovacuum does on
PostgreSQL; --cold leaves them out), then, in a fresh process, logs in and downloads the CSV
through the WSGI stack (app.test_client(), unbuffered), reading it piece by piece. Prints the
time to the first byte and to the first row, the total time, bytes, rows and the download
process's peak memory (max RSS). Target: first byte < 1 s, peak < 300 MB. Figures, not a test.
"""

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report_bench import fill  # noqa: E402

from models import db  # noqa: E402

USERNAME, PASSWORD = "pengawas", "bench-rahasia-123"
URL = "/admin/reports/?report=step-durations&from=2025-01-01&to=2025-12-31&format=csv"


def prepare(url: str, n: int, analyze: bool) -> None:
    engine = create_engine(url)
    began = time.perf_counter()
    fill(engine, n)
    with engine.begin() as conn:
        conn.execute(insert(db.metadata.tables["user_account"]).values(
            id=100, username=USERNAME, full_name="Pengawas", position="Pengawas",
            role="supervisor", agency_id=1, language="id", active=True,
            password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")))
        if analyze:
            conn.execute(text("ANALYZE TABLE step_record, request_letter" if
                              engine.dialect.name == "mysql" else "ANALYZE"))
    engine.dispose()
    print(f"filled {n:,} step records in {time.perf_counter() - began:.1f} s ({url})")


def download(url: str) -> None:
    """In a fresh process: log in, then read the download as a browser would."""
    from app import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/auth/login", data={"username": USERNAME, "password": PASSWORD,
                                            "csrf_token": token}).status_code == 302
    began = time.perf_counter()
    response = client.get(URL, buffered=False)
    pieces = iter(response.response)
    first = next(pieces)
    first_byte = time.perf_counter() - began
    size, lines, first_row = len(first), first.count(b"\n"), None
    for piece in pieces:
        if first_row is None:
            first_row = time.perf_counter() - began
        size += len(piece)
        lines += piece.count(b"\n")
    response.close()
    total = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"status {response.status_code}, {response.mimetype}")
    print(f"time to first byte   {first_byte:8.3f} s")
    print(f"time to first row    {first_row or 0:8.3f} s")
    print(f"total                {total:8.2f} s")
    print(f"bytes                {size:>12,}")
    print(f"rows                 {lines - 1:>12,}")
    print(f"peak RSS             {peak:8.0f} MB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--url", default=None)
    parser.add_argument("--cold", action="store_true", help="no planner statistics")
    parser.add_argument("--download", metavar="URL", help="(the fresh process) download only")
    args = parser.parse_args()
    if args.download:
        return download(args.download)
    url = args.url or f"sqlite:///{tempfile.mkdtemp(dir='/tmp')}/bench.db"
    prepare(url, args.n, analyze=not args.cold)
    subprocess.run([sys.executable, __file__, "--download", url], check=True)


if __name__ == "__main__":
    main()
