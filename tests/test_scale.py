"""Lists at scale: a page costs the same number of SQL statements whatever its rows, counts
stop early, and every filter the screens offer is served by an index (PostgreSQL's plan)."""

import csv
import io
import itertools
import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, text

from admin_views import paging
from admin_views.base import SecuredModelView
from admin_views.permissions import EXPORT, RESOURCES, can
from models import ActingAssignment, LocalHoliday, Role, db
from models.desk import Desk
from models.office_calendar import office_calendar

from .builders import RECEIVED, S, make_fault, make_letter, make_notice, make_user, staff
from .world import ENDPOINTS

#: The screens whose rows the test can multiply, and so show that a row costs no query.
GROWN = ("letters", "dispositions", "meetings", "decisions", "rka", "applications", "notices",
         "steps", "history", "acting", "holidays", "agencies", "users", "faults", "audit")


def views(app):
    return {view.endpoint: view for view in app.extensions["admin"][0]._views
            if isinstance(view, SecuredModelView)}


@contextmanager
def statements():
    """The SQL statements the database is sent meanwhile."""
    sent = []

    def count(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


ROW = re.compile(r'<input[^>]*class="action-checkbox"|<td class="list-buttons-column')


_days = itertools.count()


def grow(viewer, rounds):
    """`rounds` more of every kind of row the screens list."""
    for _ in range(rounds):
        n = next(_days)
        letter = make_letter(status=S.BUILT if n % 3 else S.REJECTED)
        make_notice(recipient=viewer, letter=letter)
        make_fault(reported_by=staff(Role.CLERK))
        acting = make_user(Role.KASI)
        db.session.add(ActingAssignment(acting_user=acting, absent_user=staff(Role.KABID),
                                        first_day=date(2025, 1, 1) + timedelta(days=n),
                                        last_day=date(2025, 1, 1) + timedelta(days=n)))
        db.session.add(LocalHoliday(day=date(2030, 1, 1) + timedelta(days=n), name=f"Libur {n}"))
    db.session.commit()


def page(client, view):
    with statements() as sent:
        response = client.get(f"{view.url}/?page_size=100")  # the longest page a user picks
    assert response.status_code == 200, view.endpoint
    return len(sent), len(ROW.findall(response.get_data(as_text=True)))


def test_a_list_page_costs_the_same_statements_whatever_its_rows(app, client, login_as):
    viewer = login_as(Role.SUPERVISOR)
    screens = views(app)
    # a few rows of every kind first (a built letter and a rejected one): the audit trail
    # names each kind of record it lists with a statement or two, so a page costs the same
    # however many rows of those kinds it shows
    grow(viewer, 3)
    before = {name: page(client, screens[name]) for name in GROWN}
    grow(viewer, 12)
    after = {name: page(client, screens[name]) for name in GROWN}
    # more rows the second time, or a full page both times (the audit trail's, already long)
    grown = {name for name in GROWN
             if after[name][1] > before[name][1] or before[name][1] == after[name][1] == 100}
    assert grown == set(GROWN), f"every screen must list more rows the second time: {after}"
    changed = {name: (before[name][0], after[name][0]) for name in GROWN
               if before[name][0] != after[name][0]}
    assert not changed, f"statements per page (few rows, many rows): {changed}"


def test_an_export_costs_the_same_statements_whatever_its_rows(app, client, login_as):
    """A screen's CSV export reads a batch's rows and their names in a few statements, never a
    record per row (a per-row formatter on the letters' scan had made the export 3x slower)."""
    viewer = login_as(Role.SUPERVISOR)
    screens = views(app)
    exported = [ENDPOINTS[resource] for resource in RESOURCES
                if can(Role.SUPERVISOR, EXPORT, resource) and ENDPOINTS[resource] in GROWN]
    assert "letters" in exported

    def export(name):
        db.session.expunge_all()  # nothing known beforehand: the request reads what it shows
        with statements() as sent:
            response = client.get(f"{screens[name].url}/export/csv/")
            lines = response.get_data(as_text=True).count("\n")  # streamed: read meanwhile
        assert response.status_code == 200, name
        return len(sent), lines

    grow(viewer, 3)
    before = {name: export(name) for name in exported}
    grow(viewer, 12)
    after = {name: export(name) for name in exported}
    assert all(after[name][1] > before[name][1] for name in exported), after
    changed = {name: (before[name][0], after[name][0]) for name in exported
               if before[name][0] != after[name][0]}
    assert not changed, f"statements per export (few rows, many rows): {changed}"


def test_a_long_list_counts_only_past_its_page(app, client, login_as, monkeypatch):
    login_as(Role.SUPERVISOR)
    for _ in range(23):
        make_letter()
    db.session.commit()
    monkeypatch.setattr(paging, "COUNT_AHEAD", 1)
    first = client.get("/admin/letters/").get_data(as_text=True)
    assert "(21+)" in first and "page=1" in first  # stopped one row past the page
    second = client.get("/admin/letters/?page=1").get_data(as_text=True)
    assert "(23)" in second  # the end is in reach from the second page


# Filters and indexes: PostgreSQL is asked for the plan of every filter with sequential scans
# priced out, so it takes an index whenever one can serve the condition.
#: Operations an index cannot serve by nature (they match nearly every row), by class name.
NEGATIVE = re.compile(r"Not|Empty")


def _sample(flt):
    name = type(flt).__name__
    if "Deadline" in name:
        return "overdue"
    if getattr(flt, "enum_class", None):
        return next(iter(flt.enum_class)).name
    if getattr(flt, "options", None):
        options = flt.options() if callable(flt.options) else flt.options
        return str(next(iter(options))[0])
    if "Date" in name:
        day = "2025-01-01 00:00:00" if "DateTime" in name else "2025-01-01"
        return f"{day} to {day.replace('01-01', '12-31')}" if "Between" in name else day
    if "Int" in name or "Float" in name:
        return "2025"
    return "Kota"


def _conditions(plan):
    """Every index condition in a plan, with the index's name."""
    found = []
    for key in ("Index Cond", "Recheck Cond"):
        if key in plan:
            found.append(f"{plan.get('Index Name', '')} {plan[key]}")
    for child in plan.get("Plans", []):
        found += _conditions(child)
    return found


@pytest.mark.skipif("postgresql" not in __import__("os").environ.get("TEST_DATABASE_URL", ""),
                    reason="reads PostgreSQL's query plans")
def test_every_filter_is_served_by_an_index(app):
    """Each filter's own condition on its own table (a related table's filter reaches the
    screen's rows through an indexed foreign key)."""
    unserved = []
    for view in views(app).values():
        for flt in view._filters or []:
            if NEGATIVE.search(type(flt).__name__):
                continue
            column = flt.column
            sample = _sample(flt)
            with app.test_request_context():
                assert flt.validate(sample), (view.endpoint, flt.name, sample)
                query = flt.apply(db.session.query(column.table), flt.clean(sample))
                sql = str(query.statement.compile(dialect=db.engine.dialect,
                                                  compile_kwargs={"literal_binds": True}))
            with db.engine.connect() as conn:
                conn.execute(text("SET enable_seqscan = off"))
                plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {sql}")).scalar()
            # the deadline filter's condition is on the step records' due time
            name = "due_at" if "Deadline" in type(flt).__name__ else column.name
            if not any(name in found for found in _conditions(plan[0]["Plan"])):
                unserved.append(f"{view.endpoint}: {flt.name} {flt.operation()}")
    assert not unserved, "filters no index serves:\n" + "\n".join(unserved)


@pytest.mark.skipif("postgresql" not in __import__("os").environ.get("TEST_DATABASE_URL", ""),
                    reason="reads PostgreSQL's query plans")
def test_a_desk_page_reads_an_index_of_open_rows_in_its_order(app):
    """PostgreSQL takes no index's order past an IS NULL column: without the partial indexes
    a desk's first page walked every step by due time (every letter by reception)."""
    clerk, kasi = staff(Role.CLERK), staff(Role.KASI)
    make_letter()
    db.session.commit()
    read = {}
    for user, wanted in ((kasi, 0), (clerk, 1)):  # running steps; letters waiting
        query = Desk(db.session, user, RECEIVED, office_calendar()).groups[wanted][1].limit(20)
        sql = str(query.compile(dialect=db.engine.dialect,
                                compile_kwargs={"literal_binds": True}))
        with db.engine.connect() as conn:
            conn.execute(text("SET enable_sort = off"))  # the order from an index, or no plan
            conn.execute(text("SET enable_incremental_sort = off"))
            plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {sql}")).scalar()
        read[user.role] = " ".join(_conditions(plan[0]["Plan"]))
    assert "pgpart_step_record_desk" in read[Role.KASI], read
    assert "pgpart_request_letter_desk" in read[Role.CLERK], read


def test_the_leaders_charts_are_drawn_again_only_after_a_write(app, client, login_as,
                                                                monkeypatch):
    from admin_views import home
    drawn = []

    def draw(*args, **kwargs):
        drawn.append(args)
        return compliance_charts(*args, **kwargs)

    compliance_charts = home.compliance_charts
    monkeypatch.setattr(home, "compliance_charts", draw)
    login_as(Role.KABID)
    make_letter(status=S.AT_KASI)
    db.session.commit()
    first = client.get("/admin/").get_data(as_text=True)
    assert client.get("/admin/").status_code == 200
    assert len(drawn) == 1 and 'id="charts-title"' in first
    make_letter(status=S.AT_KASI)
    db.session.commit()
    assert client.get("/admin/").status_code == 200
    assert len(drawn) == 2


def test_big_tables_are_searched_as_one_types_not_listed_in_the_form(client, login_as):
    for n in range(12):
        make_letter(number=f"CARI/{n}/2025", status=S.AT_KADIS)
    other = make_letter(number="LAIN/1/2025", status=S.AT_KADIS)
    db.session.commit()
    login_as(Role.KADIS)
    form = client.get("/admin/dispositions/new/").get_data(as_text=True)
    assert "CARI/" not in form and 'data-role="select2-ajax"' in form
    lookup = "/admin/dispositions/ajax/lookup/?name=letter&query="
    found = client.get(lookup + "CARI").get_json()
    assert len(found) == 10 and all("CARI/" in text for _, text in found)
    assert [key for key, _ in client.get(lookup + "LAIN").get_json()] == [other.id]
    for hostile in ("%00", "x" * 600, "CARI&offset=-5&limit=100000", "CARI&offset=99999999999"):
        response = client.get(lookup + hostile)
        assert response.status_code == 200 and len(response.get_json()) <= 10


def test_only_those_who_fill_in_a_form_may_search_its_dropdowns(client, login_as):
    make_letter(number="CARI/1/2025")
    db.session.commit()
    login_as(Role.SUPERVISOR)  # reads dispositions, writes none
    assert client.get("/admin/dispositions/ajax/lookup/?name=letter&query=CARI"
                      ).status_code == 403


def test_an_export_streams_every_row_in_order_across_batches(client, login_as, monkeypatch):
    from admin_views import export
    monkeypatch.setattr(export, "BATCH", 3)
    registrar = login_as(Role.CLERK)
    for n in range(8):  # each with its scan and registrar: related rows read per batch
        letter = make_letter(number=f"EKS/{n}", received_at=RECEIVED - timedelta(hours=n))
        letter.registered_by = registrar
    db.session.commit()
    body = client.get("/admin/letters/export/csv/").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    number = rows[0].index("No. Surat")
    assert [row[number] for row in rows[1:]] == [f"EKS/{n}" for n in range(8)]
    assert all(registrar.full_name in ",".join(row) and "surat.pdf" in ",".join(row)
               for row in rows[1:])
