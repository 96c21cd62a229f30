"""Benchmark: the step-durations report path against the bare minimum any report must pay.

    python bench/report_bench.py [--n 1000000] [--url postgresql+psycopg://...]

Fills a database (a fresh SQLite file by default) with N step records, then times in the same
run (a) the full report path, database -> finished DataFrame (load_steps + step_durations), and
(b) reading the same columns with the database driver and parsing the timestamps. Prints both,
their ratio and the peak memory. Figures, not a test.
"""

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import db  # noqa: E402
from models.calendar import WorkCalendar, national_holidays  # noqa: E402
from reports.durations import step_durations  # noqa: E402
from reports.load import load_steps, steps_query  # noqa: E402

START = datetime(2025, 1, 1, tzinfo=UTC)


def fill(engine, n: int) -> None:
    """N steps over a year, a third of letters each with three steps, ~20% open, some late."""
    t = db.metadata.tables
    rng = np.random.default_rng(1)
    letters = n // 3 + 1
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(t["agency"]), [dict(id=i, code=f"A{i}", name=f"Dinas {i}",
                                                short_name=f"D{i}", kind="dinas", active=True)
                                           for i in range(1, 51)])
        conn.execute(insert(t["user_account"]), [dict(
            id=i, username=f"u{i}", full_name=f"Pegawai {i}", position="Staf", role="kasi",
            agency_id=1, language="id", active=True, password_hash="") for i in range(1, 11)])
        conn.execute(insert(t["service_standard"]), [dict(
            id=s, number=s, name=f"Langkah {s}", actor_role="kasi", kelengkapan="-",
            minutes=m, output="-") for s, m in ((1, 15), (2, 60), (3, 60))])
        received = START + pd.to_timedelta(rng.integers(0, 360 * 24 * 60, letters), unit="min")
        for chunk in range(0, letters, 50_000):
            conn.execute(insert(t["request_letter"]), [dict(
                id=i + 1, agenda_year=2025, agenda_number=i + 1, number=f"N/{i}",
                letter_date=received[i].date(), received_at=received[i].to_pydatetime(),
                agency_id=int(i % 50) + 1, subject="Permohonan", request_kind="new",
                application_name="Aplikasi", spbe_category="general", security_class="biasa",
                urgency="biasa", archive_code="500.12", status="at_kasi",
                registered_at=received[i].to_pydatetime(), version=1)
                for i in range(chunk, min(letters, chunk + 50_000))])
        started = START + pd.to_timedelta(rng.integers(0, 360 * 24 * 60, n), unit="min")
        took = pd.to_timedelta(rng.exponential(40, n).astype(int) + 1, unit="min")
        open_ = rng.random(n) < 0.2
        for chunk in range(0, n, 100_000):
            rows = []
            for i in range(chunk, min(n, chunk + 100_000)):
                begin = started[i].to_pydatetime()
                rows.append(dict(
                    id=i + 1, letter_id=i // 3 + 1, number=i % 3 + 1, standard_id=i % 3 + 1,
                    standard_minutes=15 if i % 3 == 0 else 60, holder_id=i % 10 + 1,
                    started_at=begin, due_at=begin + timedelta(minutes=60),
                    finished_at=None if open_[i] else (started[i] + took[i]).to_pydatetime(),
                    paused_minutes=0.0))
            conn.execute(insert(t["step_record"]), rows)


def timed(fn, repeat=3):
    best = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        took = time.perf_counter() - began
        best = took if best is None else min(best, took)
    return best, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = create_engine(url)
    began = time.perf_counter()
    fill(engine, args.n)
    print(f"filled {args.n:,} step records in {time.perf_counter() - began:.1f} s ({url})")
    calendar = WorkCalendar(holidays=national_holidays())
    as_of = pd.Timestamp("2026-01-05", tz="UTC")
    query = steps_query(START, START + timedelta(days=366))

    def full():
        with engine.connect() as conn:
            return step_durations(load_steps(conn, query), calendar, as_of)

    columns = ("s.id, s.letter_id, l.agenda_year, l.agenda_number, l.number, l.agency_id, "
               "a.code, a.name, s.number, s.holder_id, u.full_name, s.started_at, s.due_at, "
               "s.finished_at, s.standard_minutes, s.paused_minutes, s.paused_since")
    sql = (f"SELECT {columns} FROM step_record s JOIN request_letter l ON l.id = s.letter_id "
           "JOIN agency a ON a.id = l.agency_id LEFT JOIN user_account u ON u.id = s.holder_id")

    def bare():
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(sql)
            frame = pd.DataFrame(cursor.fetchall())
        finally:
            raw.close()
        for i in (11, 12, 13, 16):
            frame[i] = pd.to_datetime(frame[i], utc=True, format="ISO8601")
        return frame

    bare_s, frame = timed(bare)
    full_s, report = timed(full)
    assert len(frame) == len(report) == args.n
    tracemalloc.start()
    full()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"(a) report path, database -> step durations  {full_s:7.2f} s")
    print(f"(b) driver read + timestamp parsing           {bare_s:7.2f} s")
    print(f"ratio (a)/(b)                                 {full_s / bare_s:7.2f}")
    print(f"peak memory of (a): {peak / 2**20:,.0f} MiB (tracemalloc); "
          f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


if __name__ == "__main__":
    main()
