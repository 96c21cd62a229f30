"""Fill a database with the demo and N request letters walked through the SOP, for benchmarks.

    .venv/bin/python bench/fill.py --url URL --letters N [--years 10]

Drops everything in the database, builds the schema with the real Alembic migrations (so the
indexes are production's), loads the SOP standards and the demo (agencies, the 9 log-ins with
password demo-sop-2026, a year of requests), then bulk-inserts N letters received over the last
`years` years, each with its status history, dispositions, step records, meeting, decision and
RKA item as far as it got. Most are closed (rejected 25%, in the RKA 60%, built 15%); the newest
3% are open at every step: half overdue, a fifth running on time, the rest paused. Due times are
wall-clock (start + the standard's minutes), not the office calendar: close enough to measure.
No audit_entry rows are written for the bulk. Ends with ANALYZE.
"""

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import numpy as np
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from models import Agency, ServiceStandard, User, db  # noqa: E402
from models.demo import (  # noqa: E402
    BUDGET_CODES,
    KABID_ORDERS,
    KADIS_ORDERS,
    NEW_REQUESTS,
    REJECTION_REASONS,
    seed_demo,
)
from models.meetings import DEFAULT_PLACE, LENGTH  # noqa: E402
from models.standards import load_sop_standards  # noqa: E402

S, M, H, D = (np.timedelta64(n, "s") for n in (1, 60, 3600, 86400))
LOCAL = 7 * H  # Asia/Pontianak is UTC+7 all year
CHUNK = 50_000  # letters per insert round
#: Statuses by how far the letter got, and the moves that got it there.
STAGES = ["registered", "at_kadis", "at_kabid", "at_kasi", "in_analysis", "accepted",
          "rejected", "in_rka", "built"]
EVENTS = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 5, 7: 6, 8: 7}
CLOSED = {6: 0.25, 7: 0.60, 8: 0.15}
OPEN = {0: 0.10, 1: 0.15, 2: 0.15, 3: 0.15, 4: 0.30, 5: 0.15}
OPEN_SHARE = 0.03
OVERDUE, RUNNING, PAUSED = 0, 1, 2
OFFSETS = ("reg", "kadis", "d1", "d2", "analysis", "meeting", "decided", "notified", "budgeted",
           "built", "paused")
#: The moves in order: move, from, to, by whom, when (accept or reject is decided per letter).
MOVES = [("send_to_kadis", "registered", "at_kadis", "tu", "kadis"),
         ("dispose_to_kabid", "at_kadis", "at_kabid", "kadis", "d1"),
         ("dispose_to_kasi", "at_kabid", "at_kasi", "kabid", "d2"),
         ("start_analysis", "at_kasi", "in_analysis", "kasi", "analysis"),
         (None, "in_analysis", None, "kasi", "decided"),
         ("budget", "accepted", "in_rka", "kasi", "budgeted"),
         ("build", "in_rka", "built", "kasi", "built")]


def drop_everything(url: str) -> None:
    """An empty database: the SQLite file removed, every table of PostgreSQL/MariaDB dropped."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            conn.execute(text("SET FOREIGN_KEY_CHECKS=0"))
            for table in inspect(conn).get_table_names():
                conn.execute(text(f"DROP TABLE `{table}`"))
            conn.execute(text("SET FOREIGN_KEY_CHECKS=1"))
    engine.dispose()


def pick(rng, shares: dict, n: int) -> np.ndarray:
    return rng.choice(list(shares), size=n, p=list(shares.values()))


def minutes(rng, low, high, n):
    return rng.integers(low, high + 1, n) * M


def plan(rng, n: int, years: int, at: np.datetime64) -> dict:
    """Every letter's stage and moments, as arrays sorted by the time received."""
    today = at.astype("datetime64[D]")
    day = today - rng.integers(1, years * 365 + 1, n).astype("timedelta64[D]")
    weekday = (day.astype(int) + 3) % 7  # 0 = Monday
    day = day - np.maximum(weekday - 4, 0).astype("timedelta64[D]")  # weekends -> Friday
    received = day.astype("datetime64[s]") + 450 * M + minutes(rng, 0, 510, n) - LOCAL
    order = np.argsort(received)
    received = received[order]
    is_open = np.arange(n) >= n - round(n * OPEN_SHARE)
    stage = np.where(is_open, pick(rng, OPEN, n), pick(rng, CLOSED, n))
    state = np.where(is_open & (stage >= 2), pick(rng, {OVERDUE: .5, RUNNING: .2, PAUSED: .3}, n),
                     OVERDUE)
    off = {"reg": minutes(rng, 2, 12, n)}
    off["kadis"] = off["reg"] + minutes(rng, 5, 60, n)
    off["d1"] = off["kadis"] + minutes(rng, 20, 600, n)
    late1 = rng.random(n) < 0.25  # the Kabid has 15 minutes
    off["d2"] = off["d1"] + np.where(late1, minutes(rng, 40, 1000, n), minutes(rng, 3, 14, n))
    off["analysis"] = off["d2"] + minutes(rng, 10, 50, n)  # the meeting set, step 2 paused
    off["meeting"] = off["analysis"] + rng.integers(1, 8, n) * D + minutes(rng, 0, 300, n)
    delay = rng.choice([5, 10, 15, 240, 900], n, p=[.3, .3, .2, .1, .1])
    off["decided"] = off["meeting"] + delay * M
    off["notified"] = off["decided"] + minutes(rng, 60, 900, n)
    late3 = rng.random(n) < 0.2
    off["budgeted"] = off["decided"] + np.where(late3, minutes(rng, 70, 400, n),
                                                minutes(rng, 10, 55, n))
    off["built"] = off["budgeted"] + rng.integers(60, 366, n) * D
    stage[(stage == 8) & (received + off["built"] > at - H)] = 7  # not built yet
    open_step = {2: "d1", 3: "d2", 4: "analysis", 5: "decided"}
    off["paused"] = np.full(n, np.timedelta64("NaT"), "timedelta64[s]")
    for s, key in open_step.items():
        paused = (stage == s) & (state == PAUSED)
        off["paused"][paused] = (off[key] + (0 * M if s == 4 else minutes(rng, 1, 10, n)))[paused]
    last = np.select([stage == s for s in range(9)],
                     [off[k] for k in ("reg", "kadis", "d1", "d2", "meeting", "decided",
                                       "notified", "budgeted", "built")], np.timedelta64(0, "s"))
    last = np.where(state == PAUSED, off["paused"], last)
    gap = np.where(is_open & (state == OVERDUE), 3 * H, H)
    latest = at - gap - last  # the latest receipt that keeps every moment in the past
    running = is_open & (state == RUNNING)
    received = np.where(running, at - minutes(rng, 1, 10, n) - last,
                        np.minimum(received, latest))
    order = np.argsort(received, kind="stable")
    planned = {k: v[order] for k, v in off.items()}
    planned.update(received=received[order], stage=stage[order], state=state[order])
    return planned


def to_db(values: np.ndarray, dialect: str) -> list:
    """Moments as the text each database stores (SQLite compares them as text), NULL as None."""
    if values.dtype.kind != "M":
        return values.tolist()
    if values.dtype == np.dtype("datetime64[D]"):
        text_ = np.datetime_as_string(values, unit="D")
    else:
        text_ = np.char.replace(np.datetime_as_string(values, unit="s"), "T", " ")
        if dialect == "sqlite":
            text_ = np.char.add(text_, ".000000")
    out = text_.astype(object)
    out[np.isnat(values)] = None
    return out.tolist()


class Writer:
    """Rows into tables over one raw connection: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, engine):
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()
        self.cursor = self.raw.cursor()
        self.rows = 0
        if self.dialect == "sqlite":
            self.cursor.execute("PRAGMA foreign_keys=OFF")
            self.cursor.execute("PRAGMA synchronous=OFF")
            self.cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB: the indexes stay in memory
            self.cursor.execute("BEGIN")
        elif self.dialect == "postgresql":
            self.cursor.execute("SET session_replication_role = replica")  # no FK triggers
        else:
            self.cursor.execute("SET FOREIGN_KEY_CHECKS=0")
            self.cursor.execute("SET UNIQUE_CHECKS=0")

    def write(self, table: str, columns: dict) -> None:
        names = ", ".join(columns)
        n = len(next(iter(columns.values())))
        rows = list(zip(*(to_db(np.broadcast_to(np.asarray(v), (n,)), self.dialect)
                          for v in columns.values()), strict=True))
        if self.dialect == "postgresql":
            with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            mark = "?" if self.dialect == "sqlite" else "%s"
            self.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES "
                                    f"({', '.join([mark] * len(columns))})", rows)
        self.rows += n

    def commit(self) -> None:
        self.raw.commit()
        if self.dialect == "sqlite":
            self.cursor.execute("BEGIN")

    def close(self) -> None:
        self.raw.commit()
        self.raw.close()


def fill(url: str, letters: int, years: int = 10, seed: int = 1, echo=print) -> None:
    """Empty the database at `url` and fill it: demo, then `letters` bulk letters."""
    began = time.perf_counter()
    drop_everything(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    at = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_sop_standards(db.session, at=datetime.now(UTC))
        seed_demo(db.session, at=at)
        db.session.commit()
        context = demo_context(db.session)
        db.engine.dispose()
    echo(f"schema and demo: {time.perf_counter() - began:.1f} s")
    engine = create_engine(url)
    loading = time.perf_counter()
    bulk_letters(engine, letters, years, np.datetime64(at.replace(tzinfo=None), "s"),
                 np.random.default_rng(seed), context, echo)
    took = time.perf_counter() - loading
    analyze(engine)
    engine.dispose()
    echo(f"total {time.perf_counter() - began:.1f} s; {letters:,} letters in {took:.1f} s "
         f"({letters / max(took, 1e-9):,.0f} letters/s)")


def demo_context(session) -> dict:
    """What the bulk refers to: the officials, the OPDs, the standards, the next free ids."""
    users = {u.username: u.id for u in session.scalars(select(User))}
    agencies = [(a.id, a.short_name.replace(". ", "-").replace(" ", "-"))
                for a in session.scalars(select(Agency).where(Agency.code != "DISKOMINFO"))]
    standards = {s.number: (s.id, s.minutes, s.output)
                 for s in session.scalars(select(ServiceStandard))}
    tables = ("request_letter", "step_record", "status_change", "disposition", "meeting",
              "decision", "rka_item", "application")
    ids = {t: session.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")) + 1 for t in tables}
    agenda = dict(session.execute(text(
        "SELECT agenda_year, MAX(agenda_number) FROM request_letter GROUP BY agenda_year")).all())
    return dict(users=users, agencies=agencies, standards=standards, ids=ids, agenda=agenda)


def bulk_letters(engine, n: int, years: int, at, rng, ctx, echo) -> None:
    """Insert the letters and everything that follows from each, a chunk at a time."""
    p = plan(rng, n, years, at)
    year = (p["received"] + LOCAL).astype("datetime64[Y]").astype(int) + 1970
    first = np.searchsorted(year, year, side="left")
    offset = np.array([ctx["agenda"].get(y, 0) for y in range(1970, year.max() + 1)] if n else [])
    p["agenda_year"] = year
    p["agenda_number"] = np.arange(n) - first + 1 + (offset[year - 1970] if n else 0)
    writer = Writer(engine)
    ids = dict(ctx["ids"])
    counts = {}
    began = time.perf_counter()
    for start in range(0, n, CHUNK):
        chunk = {k: v[start:start + CHUNK] for k, v in p.items()}
        for table, columns in chunk_rows(chunk, ids, ctx, rng, at):
            writer.write(table, columns)
            counts[table] = counts.get(table, 0) + len(next(iter(columns.values())))
        writer.commit()
        done = min(n, start + CHUNK)
        echo(f"  {done:,} letters, {writer.rows:,} rows, "
             f"{writer.rows / (time.perf_counter() - began):,.0f} rows/s")
    if writer.dialect == "postgresql":  # explicit ids: move the sequences past them
        for table in counts:
            if table not in ("meeting_staff", "meeting_agency"):
                writer.cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT MAX(id) FROM {table}))")
    writer.close()
    echo("  " + ", ".join(f"{t} {c:,}" for t, c in counts.items()))


def next_ids(ids: dict, table: str, count: int) -> np.ndarray:
    first = ids[table]
    ids[table] += count
    return np.arange(first, first + count)


def chunk_rows(p: dict, ids: dict, ctx: dict, rng, at):
    """(table, columns) for one chunk of planned letters, parents before children."""
    n, stage, state = len(p["stage"]), p["stage"], p["state"]
    t = {k: p["received"] + p[k] for k in OFFSETS}
    users, (std1, std2, std3) = ctx["users"], (ctx["standards"][s] for s in (1, 2, 3))
    letter = next_ids(ids, "request_letter", n)
    agency = rng.integers(0, len(ctx["agencies"]), n)
    agency_id = np.array([a for a, _ in ctx["agencies"]])[agency]
    tags = [ctx["agencies"][a][1] for a in agency]
    name = rng.choice([name for _, name in NEW_REQUESTS], n)
    urgency = rng.choice(["biasa"] * 3 + ["segera", "sangat_segera"], n)
    spbe = rng.choice(["general", "specific"], n)
    yield "request_letter", dict(
        id=letter, agenda_year=p["agenda_year"], agenda_number=p["agenda_number"],
        number=np.array([f"400.14/{i}/{tag}/{y}" for i, tag, y
                         in zip(letter.tolist(), tags, p["agenda_year"].tolist(), strict=True)]),
        letter_date=(p["received"] + LOCAL).astype("datetime64[D]")
        - rng.integers(0, 6, n).astype("timedelta64[D]"),
        received_at=p["received"], agency_id=agency_id,
        subject=np.char.add("Permohonan Pembuatan Aplikasi ", name),
        summary=np.char.add("Memohon pembuatan aplikasi ", name), request_kind="new",
        application_name=name, spbe_category=spbe,
        security_class=rng.choice(["biasa"] * 4 + ["terbatas"], n), urgency=urgency,
        archive_code="500.12", status=np.array(STAGES)[stage], registered_at=t["reg"],
        registered_by_id=users["tu"], version=1)

    events = np.array(list(EVENTS.values()))[stage]
    rows = []
    for j, (move, before, after, by, key) in enumerate(MOVES):
        has = events > j
        if j == 4:
            move = np.where(stage == 6, "reject", "accept")[has]
            after = np.where(stage == 6, "rejected", "accepted")[has]
        happened = t[key][has]
        late_typing = np.where(rng.random(len(happened)) < 0.1, rng.integers(1, 4) * D, 0 * S)
        rows.append(dict(letter_id=letter[has], move=np.broadcast_to(move, happened.shape),
                         from_status=np.broadcast_to(before, happened.shape),
                         to_status=np.broadcast_to(after, happened.shape), happened_at=happened,
                         recorded_at=np.minimum(happened + minutes(rng, 0, 5, len(happened))
                                                + late_typing, at),
                         by_id=np.full(len(happened), users[by])))
    yield "status_change", with_ids(ids, "status_change", rows)

    paused_now = state == PAUSED
    held = (stage >= 5) | ((stage == 4) & ~paused_now)
    pause_wall = np.where(held, t["meeting"] - t["analysis"], 0 * S)
    nat = np.datetime64("NaT", "s")
    steps = []
    for number, (sid, allowed, output), has, start, due, finished, since, reason in (
            (1, std1, stage >= 2, t["d1"], t["d1"] + std1[1] * M,
             np.where(stage >= 3, t["d2"], nat), np.where(stage == 2, t["paused"], nat),
             np.where((stage == 2) & paused_now, "waiting_for_opd", None)),
            (2, std2, stage >= 3, t["d2"], t["d2"] + std2[1] * M + pause_wall,
             np.where(stage >= 5, t["decided"], nat),
             np.where(stage == 3, t["paused"], np.where((stage == 4) & paused_now,
                                                        t["analysis"], nat)),
             np.where(stage >= 4, "meeting_scheduled",
                      np.where((stage == 3) & paused_now, "waiting_for_opd", None))),
            (3, std3, np.isin(stage, (5, 7, 8)), t["decided"], t["decided"] + std3[1] * M,
             np.where(stage >= 7, t["budgeted"], nat), np.where(stage == 5, t["paused"], nat),
             np.where((stage == 5) & paused_now, "waiting_for_opd", None))):
        done = finished[has]
        steps.append(dict(
            letter_id=letter[has], number=np.full(has.sum(), number),
            standard_id=np.full(has.sum(), sid), standard_minutes=np.full(has.sum(), allowed),
            holder_id=np.full(has.sum(), users["kabid" if number == 1 else "kasi"]),
            started_at=start[has], due_at=due[has], finished_at=done,
            paused_minutes=(pause_wall[has] / M).astype(float) if number == 2
            else np.zeros(has.sum()),
            paused_since=since[has], pause_reason=reason[has],
            output=np.where(np.isnat(done), None, output)))
    yield "step_record", with_ids(ids, "step_record", steps)

    unread = rng.random(n) < 0.5
    note = np.where(urgency == "biasa", None, "Mohon segera ditindaklanjuti.")
    dispositions = []
    for has, giver, taker, key, orders, waiting in (
            (stage >= 2, "kadis", "kabid", "d1", KADIS_ORDERS, stage == 2),
            (stage >= 3, "kabid", "kasi", "d2", KABID_ORDERS, stage == 3)):
        disposed = t[key][has]
        read = np.minimum(disposed + minutes(rng, 1, 2, len(disposed)), at)
        dispositions.append(dict(
            letter_id=letter[has], from_user_id=np.full(has.sum(), users[giver]),
            to_user_id=np.full(has.sum(), users[taker]),
            instructions=rng.choice([",".join(i.value for i in o) for o in orders], has.sum()),
            note=note[has], disposed_at=disposed,
            read_at=np.where((waiting & unread)[has], nat, read), version=np.ones(has.sum(), int)))
    yield "disposition", with_ids(ids, "disposition", dispositions)

    decided = stage >= 5
    rejected = stage == 6
    budget_year = (t["decided"] + LOCAL).astype("datetime64[Y]").astype(int) + 1971
    reason = rng.choice(REJECTION_REASONS, n)
    recommendation = np.where(rejected, reason, np.char.add(
        "Diterima; dianggarkan pada tahun anggaran ", budget_year.astype(str)))
    met = stage >= 4
    meeting = next_ids(ids, "meeting", met.sum())
    held_at = np.where(held, t["meeting"], nat)[met]
    yield "meeting", dict(
        id=meeting, letter_id=letter[met], scheduled_at=t["meeting"][met],
        ends_at=t["meeting"][met] + np.timedelta64(LENGTH), place=DEFAULT_PLACE, held_at=held_at,
        minutes=np.where(np.isnat(held_at), None, "Rapat teknis membahas permohonan bersama OPD."),
        recommendation=np.where(decided, recommendation, None)[met], version=1)
    yield "meeting_staff", dict(meeting_id=np.repeat(meeting, 2), user_id=np.tile(
        [users["kabid"], users["kasi"]], len(meeting)))
    yield "meeting_agency", dict(meeting_id=meeting, agency_id=agency_id[met])

    decision = next_ids(ids, "decision", decided.sum())
    notified = np.where(rejected, t["notified"], nat)[decided]
    yield "decision", dict(
        id=decision, letter_id=letter[decided], outcome=np.where(rejected, "rejected",
                                                                 "accepted")[decided],
        decided_at=t["decided"][decided], decided_by_id=users["kasi"],
        reason=np.where(rejected, reason, None)[decided],
        budget_year=np.where(rejected, None, budget_year)[decided],
        reply_number=np.where(rejected, np.char.add("000.8/R", letter.astype(str)),
                              None)[decided],
        reply_date=(notified + LOCAL).astype("datetime64[D]"), notified_at=notified, version=1)

    budgeted = stage[decided] >= 7
    rka = next_ids(ids, "rka_item", budgeted.sum())
    fiscal = budget_year[decided][budgeted]
    price = rng.choice([7_500_000_000, 12_000_000_000, 25_000_000_000], len(rka))  # in sen
    this_year = int(str((at + LOCAL).astype("datetime64[Y]")))
    yield "rka_item", dict(
        id=rka, decision_id=decision[budgeted], fiscal_year=fiscal,
        nomenclature_code=rng.choice(BUDGET_CODES, len(rka)),
        description=np.char.add("Pembuatan Aplikasi ", name[decided][budgeted]),
        volume="1.00", unit="Paket", unit_price=price, total=price,
        funding_source=rng.choice(["dau", "pad"], len(rka)),
        status=np.where(fiscal <= this_year, "dpa", rng.choice(["usulan", "rka"], len(rka))),
        planned_at=t["budgeted"][decided][budgeted], version=1)

    built = stage[decided][budgeted] == 8
    yield "application", dict(
        id=next_ids(ids, "application", built.sum()), name=name[decided][budgeted][built],
        agency_id=agency_id[decided][budgeted][built],
        spbe_category=spbe[decided][budgeted][built], platform="web",
        year_built=fiscal[built], status="aktif", letter_id=letter[decided][budgeted][built],
        rka_item_id=rka[built], version=1)


def with_ids(ids: dict, table: str, parts: list[dict]) -> dict:
    """Concatenate row groups of one table and number them."""
    columns = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
    return {"id": next_ids(ids, table, len(columns["letter_id"])), **columns}


def analyze(engine) -> None:
    """Fresh planner statistics, as after a real load."""
    with engine.begin() as conn:
        if engine.dialect.name in ("sqlite", "postgresql"):
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE TABLE request_letter, step_record, status_change, "
                                 "disposition, meeting, decision, rka_item")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--letters", type=int, required=True)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fill(args.url, args.letters, args.years, args.seed)


if __name__ == "__main__":
    main()
