"""Benchmark: the panel's screens at a province's scale, against plain Flask-Admin.

    .venv/bin/python bench/scale_bench.py [--url URL] [--letters 1000000] [--repeat 7]
                                          [--skip-fill] [--only-export] [--rounds 3]

Fills the database (bench/fill.py; --skip-fill reuses it), then sends requests through the
app's own WSGI stack, logged in as the demo supervisor, and times (a) the letter list's first
page, (b) the same list filtered to overdue letters, (c) a letter's details page, (d) the
step-durations report for one year, (g) each official's home page and desk (logged in as them;
--desk-only times just these); (a) and (b) also against a plain Flask-Admin ModelView of
the same table (no scoping, no extra columns, only the same Deadline filter), built here.
Then, each in a fresh subprocess so that its peak RSS is the download's own, it streams
(e) the letter list's CSV export and (f) the step-durations report CSV over the whole range;
(e) is set beside a bare read of the same rows, with their agency's name, through the
database driver itself and written with Python's csv module (no types, labels or time zone):
the two taken in turns --rounds times, their medians and ratio (--only-export: just these).
Figures, not a test: medians and p90 over --repeat runs after one warm-up, SQL statements per
request (those that go through SQLAlchemy), peak memory.
"""

import argparse
import csv
import io
import json
import math
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymysql
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import create_engine, event, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admin_views.desk import DESK_PAGE_SIZE  # noqa: E402
from admin_views.workflow import DeadlineFilter  # noqa: E402
from app import create_app  # noqa: E402
from models import LetterStatus, RequestLetter, User, db  # noqa: E402
from models.demo import DEMO_PASSWORD  # noqa: E402
from models.desk import Desk  # noqa: E402
from models.office_calendar import office_calendar  # noqa: E402
from models.timezone import to_local  # noqa: E402

DEFAULT_URL = "sqlite:////tmp/bench/scale.db"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FILTERS = re.compile(r'id="filter-groups-data"[^>]*>(.*?)</div>', re.S)
ACTIVE = re.compile(r'id="active-filters-data"[^>]*>(.*?)</div>', re.S)


class PlainLetterView(ModelView):
    """The baseline: Flask-Admin's own list of the table, as it comes."""

    column_default_sort = ("received_at", True)
    column_filters = (DeadlineFilter(RequestLetter.id, "Deadline"),)


def make_app(url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    app.extensions["admin"][0].add_view(PlainLetterView(
        RequestLetter, db, name="Plain letters", endpoint="plain_letters",
        url="plain-letters"))
    return app


def log_in(app, username="pengawas"):
    """A client logged in through the log-in page as a demo user (the supervisor)."""
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login", data={
        "username": username, "password": DEMO_PASSWORD,
        "csrf_token": TOKEN.search(page).group(1)})
    assert response.status_code == 302, f"log-in failed: {response.status_code}"
    return client


def overdue_arg(page: str) -> str:
    """The list's URL argument for the Deadline filter, read from the page's filter form."""
    for filters in json.loads(FILTERS.search(page).group(1)).values():
        for flt in filters:
            if any(option[0] == "overdue" for option in flt.get("options") or ()):
                return f"flt0_{flt['index']}=overdue"
    raise LookupError("no Deadline filter on the page")


def max_rss_mib() -> float:
    """This process's peak RSS. Linux's ru_maxrss would carry the parent's peak over to a
    child (vfork, then exec), so the kernel's high-water mark of our own memory is read."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(client, path: str, repeat: int, statements: list) -> dict:
    """Median and p90 of `repeat` timed requests after a warm-up; SQL statements of one;
    the tracemalloc peak of one more."""
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    times = []
    for _ in range(repeat):
        statements.clear()
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    count = len(statements)
    tracemalloc.start()
    client.get(path)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return dict(status=response.status_code, median=statistics.median(times),
                p90=sorted(times)[math.ceil(0.9 * len(times)) - 1], sql=count, peak=peak,
                body=response.get_data(as_text=True))


def download(url: str, path: str) -> None:
    """In a fresh process: stream `path` chunk by chunk and print its figures as JSON."""
    app = make_app(url)
    client = log_in(app)
    before = max_rss_mib()
    began, cpu = time.perf_counter(), time.process_time()
    response = client.get(path, buffered=False)
    first, size, lines = None, 0, 0
    for chunk in response.response:
        first = first or time.perf_counter()
        size += len(chunk)
        lines += chunk.count(b"\n")
    total, cpu = time.perf_counter() - began, time.process_time() - cpu
    response.close()
    print(json.dumps(dict(status=response.status_code, ttfb=(first or time.perf_counter())
                          - began, total=total, cpu=cpu, bytes=size, rows=max(lines - 1, 0),
                          rss_before=before, rss=max_rss_mib())))


#: The letter list's rows as the export holds them, with their agency, straight from the driver.
BARE_SQL = """SELECT l.agenda_number, l.agenda_year, l.number, l.letter_date, l.received_at,
    a.name, l.subject, l.summary, l.request_kind, l.application_name, l.application_id,
    l.spbe_category, l.security_class, l.urgency, l.archive_code, l.scan_id, l.status,
    l.registered_at, l.registered_by_id
  FROM request_letter l JOIN agency a ON a.id = l.agency_id
  WHERE l.archived_at IS NULL ORDER BY l.received_at DESC"""


def bare_read(url: str) -> None:
    """In a fresh process: the baseline, a batch at a time as the export reads (a server-side
    cursor on PostgreSQL and MariaDB), each batch written to CSV text; prints its figures."""
    engine = create_engine(url)
    raw = engine.raw_connection()
    driver = raw.driver_connection
    cursor = {"postgresql": lambda: driver.cursor(name="bare"),
              "mysql": lambda: driver.cursor(pymysql.cursors.SSCursor)}.get(
        engine.dialect.name, raw.cursor)()
    began, cpu = time.perf_counter(), time.process_time()
    cursor.execute(BARE_SQL)
    size = rows = 0
    while batch := cursor.fetchmany(1000):
        out = io.StringIO()
        csv.writer(out).writerows(batch)
        size += len(out.getvalue().encode("utf-8"))
        rows += len(batch)
    total, cpu = time.perf_counter() - began, time.process_time() - cpu
    cursor.close()
    raw.close()
    print(json.dumps(dict(status=200, ttfb=0.0, total=total, cpu=cpu, bytes=size, rows=rows,
                          rss_before=0.0, rss=max_rss_mib())))


def run_download(url: str, path: str, flag="--download") -> dict:
    done = subprocess.run([sys.executable, __file__, "--url", url, flag, path],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


#: The officials whose home page and desk are timed: each holds a desk of their own.
DESK_USERS = ("kadis", "kabid", "kasi", "tu")


def desk_screens(app, repeat: int, statements: list) -> None:
    """(g) each official's home page and desk (first page and the last), logged in as them:
    the desk lists everything waiting on them, the home page its first rows and the counts.
    Beside the wall-clock median, the median CPU time of this process (on SQLite the
    database's work included): on a machine shared with other work, the wall clock also
    counts the time spent waiting for a core."""
    print(f"\n{'desk and home page':36} {'items':>6} {'median ms':>10} {'p90 ms':>9} "
          f"{'CPU ms':>7} {'SQL':>4}")
    for username in DESK_USERS:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            items = Desk(db.session, user, datetime.now(UTC), office_calendar()).count()
            db.session.remove()
        last = max(1, -(-items // DESK_PAGE_SIZE))
        client = log_in(app, username)
        with app.app_context():
            for name, path in ((f"(g) {username} home", "/admin/"),
                               (f"(g) {username} desk", "/admin/desk/"),
                               (f"(g) {username} desk, page {last}", f"/admin/desk/?page={last}")):
                result = measure(client, path, repeat, statements)
                cpu = []
                for _ in range(repeat):
                    began = time.process_time()
                    client.get(path)
                    cpu.append((time.process_time() - began) * 1000)
                print(f"{name:36} {items:>6,} {result['median']:>10.1f} {result['p90']:>9.1f} "
                      f"{statistics.median(cpu):>7.1f} {result['sql']:>4}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-fill", action="store_true")
    parser.add_argument("--desk-only", action="store_true",
                        help="time only the officials' desks and home pages, (g)")
    parser.add_argument("--download", help=argparse.SUPPRESS)
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    parser.add_argument("--only-export", action="store_true",
                        help="time only the letter list's CSV export beside the bare read")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of the export and of the bare read, taken in turns")
    args = parser.parse_args()
    if args.download:
        return download(args.url, args.download)
    if args.bare:
        return bare_read(args.url)
    if not args.skip_fill:  # in a process of its own: its memory is not the screens'
        subprocess.run([sys.executable, str(Path(__file__).with_name("fill.py")), "--url",
                        args.url, "--letters", str(args.letters)], check=True)

    app = make_app(args.url)
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]))
    if args.desk_only:
        return desk_screens(app, args.repeat, statements)
    with app.app_context():
        letters = db.session.scalar(select(func.count(RequestLetter.id)))
        first_received = db.session.scalar(select(func.min(RequestLetter.received_at)))
        detail_id = db.session.scalar(select(func.max(RequestLetter.id)).where(
            RequestLetter.status == LetterStatus.IN_RKA))
        dialect = db.engine.dialect.name
        db.session.remove()
    if args.only_export:
        return print_exports(args.url, letters, dialect, args.rounds)
    today = to_local(datetime.now(UTC)).date()
    year = today.year - 1
    start = max(to_local(first_received).date(), today - timedelta(days=3650))
    client = log_in(app)
    page = client.get("/admin/letters/").get_data(as_text=True)
    overdue = overdue_arg(page)
    plain_overdue = overdue_arg(client.get("/admin/plain-letters/").get_data(as_text=True))
    screens = [
        ("(a) letter list, page 1", "/admin/letters/"),
        ("(a) plain Flask-Admin", "/admin/plain-letters/"),
        ("(b) list, overdue", f"/admin/letters/?{overdue}"),
        ("(b) plain Flask-Admin", f"/admin/plain-letters/?{plain_overdue}"),
        ("(c) letter details", f"/admin/letters/details/?id={detail_id}"),
        (f"(d) step durations {year}",
         f"/admin/reports/?report=step-durations&from={year}-01-01&to={year}-12-31"),
    ]
    print(f"\n{dialect}: {letters:,} letters, --repeat {args.repeat}")
    print(f"{'request':36} {'status':>6} {'median ms':>10} {'p90 ms':>9} {'SQL':>4} "
          f"{'tracemalloc MiB':>16}")
    results = {}
    with app.app_context():
        for name, path in screens:
            result = results[name] = measure(client, path, args.repeat, statements)
            print(f"{name:36} {result['status']:>6} {result['median']:>10.1f} "
                  f"{result['p90']:>9.1f} {result['sql']:>4} {result['peak']:>16.1f}")
    for key in ("(b) list, overdue", "(b) plain Flask-Admin"):
        assert json.loads(ACTIVE.search(results[key]["body"]).group(1)), f"{key}: no filter"
    medians = [result["median"] for result in results.values()]
    print(f"ratio ours/plain: (a) {medians[0] / medians[1]:.2f}  (b) {medians[2] / medians[3]:.2f}"
          f"   process peak RSS {max_rss_mib():,.0f} MiB")
    desk_screens(app, args.repeat, statements)
    print_exports(args.url, letters, dialect, args.rounds, (
        f"(f) step durations CSV {start.year}-{today.year}",
        f"/admin/reports/?report=step-durations&from={start}&to={today}&format=csv"))


def print_exports(url: str, letters: int, dialect: str, rounds: int, *more) -> None:
    """The downloads, each in a fresh process; the export and the bare read taken in turns
    `rounds` times (on a shared machine one run says little), and their ratio."""
    print(f"\n{dialect}: {letters:,} letters, --rounds {rounds}")
    print(f"{'download (fresh process)':36} {'status':>6} {'first byte s':>12} {'total s':>8} "
          f"{'CPU s':>6} {'MB':>7} {'rows':>10} {'peak RSS MiB before/after':>26}")
    export = ("(e) letter list CSV", "/admin/letters/export/csv/", "--download")
    bare = ("(e0) bare driver read + csv module", "-", "--bare")
    totals, cpus = {"(e) ": [], "(e0)": []}, {"(e) ": [], "(e0)": []}
    for name, path, flag in [*[export, bare] * rounds,
                             *((name, path, "--download") for name, path in more)]:
        got = run_download(url, path, flag)
        assert got["status"] == 200, f"{path}: {got['status']}"
        totals.setdefault(name[:4], []).append(got["total"])
        cpus.setdefault(name[:4], []).append(got["cpu"])
        print(f"{name:36} {got['status']:>6} {got['ttfb']:>12.2f} {got['total']:>8.1f} "
              f"{got['cpu']:>6.1f} {got['bytes'] / 1e6:>7.1f} {got['rows']:>10,} "
              f"{got['rss_before']:>15,.0f} / {got['rss']:<8,.0f}"
              + (f"  ROWS MISSING: expected {letters:,}" if name[:4] in ("(e) ", "(e0)")
                 and got["rows"] != letters else ""))
    exported, read = (statistics.median(totals[key]) for key in ("(e) ", "(e0)"))
    print(f"median s: export {exported:.1f}, bare read {read:.1f}; "
          f"ratio export / bare read: {exported / read:.2f}")
    exported, read = (statistics.median(cpus[key]) for key in ("(e) ", "(e0)"))
    print(f"median CPU s of the downloading process (not the database server's): export "
          f"{exported:.1f}, bare read {read:.1f}; ratio {exported / read:.2f}")


if __name__ == "__main__":
    main()
