"""Hostile input on every screen: a clear message or a 4xx, never a 500, never half a save.

The screens come from the app itself: the list parameters, filters, forms and record ids of every
generated screen, the report pages and their downloads, attachment downloads and the log-in form.
A fixed list of nasty values always runs; hypothesis then draws more values of the same families.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import reduce
from urllib.parse import urlencode

import pytest
from flask_admin.model import filters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from wtforms import fields as wtf
from wtforms.fields.core import UnboundField

from admin_views.base import SecuredModelView
from admin_views.entry import parse_rupiah
from admin_views.fields import LocalDateTimeField, RupiahField, UploadField
from admin_views.permissions import CREATE, EDIT, EXPORT, VIEW, can
from app import create_app
from models import Role, WorkSchedule, db
from models.timezone import to_local
from reports.catalogue import COLUMNS

from .builders import make_agency, make_application, make_letter, make_user, scan
from .conftest import Client
from .world import ENDPOINTS, build_world, edit_row_form

# -- The hostile values, by family ----------------------------------------------------------

TEXTS = ("x" * 70_000, "a\x00b", "\x01\x08\x0b\x1b[2J\x7f\x85", "😀🇮🇩👩🏽‍💻 𝕏 \U0010fffd",
         "' OR 1=1 --", '"; DROP TABLE letter; --', "<script>alert(1)</script>",
         '=HYPERLINK("http://contoh.invalid","klik")')
#: More texts for the query parameters (each form field gets the ones above).
ODD_TEXTS = ("\u202egnp.exe", "%s%n{0}{{7*7}}", " ", "")
DATES = ("0001-01-01", "9999-12-31", "2025-02-30", "10000-01-01", "1899-12-31", "0000-00-00")
DATETIMES = ("0001-01-01 00:00:00", "9999-12-31 23:59:59", "2025-02-30 09:00:00",
             "2025-03-01 24:00:00", "10000-01-01 00:00:00", "0001-01-01 00:00")
NUMBERS = ("-1", str(-(10**20)), str(10**30), "1e309", "NaN", "sNaN", "-Infinity", str(2**31),
           str(2**63), "0.001", "1,5")
IDS = ("0", "-1", str(2**63), str(2**31), "abc", "1 OR 1=1", "1.5")
#: Values for the filters that take two moments.
RANGES = ("0001-01-01 to 9999-12-31", "0001-01-01 00:00:00 to 9999-12-31 23:59:59", " to ")
NAMED = TEXTS + ODD_TEXTS + DATES + DATETIMES + NUMBERS + IDS + RANGES
#: One value of each family, where every value would take the same path.
SAMPLE = (TEXTS[0], TEXTS[1], DATES[0], DATETIMES[0], NUMBERS[2], IDS[2], RANGES[0])

_chars = st.characters(codec="utf-8")  # every code point a browser can send
hostile = st.one_of(
    st.sampled_from(NAMED),
    st.text(_chars, max_size=40),
    st.text(_chars, min_size=1, max_size=3).map(lambda s: s * 12_000),
    st.integers(-(2**70), 2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(date.isoformat),
    st.datetimes().map(lambda moment: moment.isoformat(sep=" ", timespec="seconds")),
)
#: Hypothesis: modest numbers, so that the sweep stays quick on every database.
sweep = settings(max_examples=15, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _screens():
    """Endpoint -> resource of every generated screen (read from a throwaway app)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    return {view.endpoint: view.resource for admin in app.extensions["admin"]
            for view in admin._views if isinstance(view, SecuredModelView)}


SCREENS = _screens()
REPORTS = (*COLUMNS, "", "x" * 300)
#: The reports of a chosen period (the others are of a year).
PERIODIC = ("step-durations", "overdue", "compliance")
#: Who uses a screen when several roles may: the officials first.
OFFICIALS = (Role.SYSADMIN, Role.CLERK, Role.KASI, Role.KABID, Role.KADIS, Role.SUPERVISOR)
#: A valid form for the screen that the world does not know (the world's "calendar" form is
#: the local holidays').
HOURS = dict(name="Jam kerja Ramadan", first_day="2025-03-01", last_day="2025-03-30",
             **{day: "08:00-14:00" for day in ("monday", "tuesday", "wednesday", "thursday",
                                                "friday")})


def _view(app, endpoint):
    return next(view for admin in app.extensions["admin"] for view in admin._views
                if view.endpoint == endpoint)


def _role(action, resource):
    return next((role for role in OFFICIALS if can(role, action, resource)), Role.SYSADMIN)


def _family(field_class):
    """The hostile values that fit a form field's type, or None for a file upload."""
    for kind, values in ((UploadField, None), (LocalDateTimeField, DATETIMES),
                         (wtf.DateField, DATES), (wtf.IntegerField, NUMBERS),
                         (wtf.DecimalField, NUMBERS), (wtf.BooleanField, IDS),
                         (wtf.StringField, TEXTS)):
        if issubclass(field_class, kind):
            return values
    return IDS  # choices: enums and relations


def _fields(form_class):
    """name -> UnboundField of the form's fields, inherited ones too (uploads left out)."""
    fields = {name: getattr(form_class, name) for name in dir(form_class)}
    return {name: field for name, field in fields.items()
            if isinstance(field, UnboundField) and _family(field.field_class) is not None}


def _filter_family(flt):
    for kinds, values in (((filters.BaseIntFilter, filters.BaseIntListFilter), NUMBERS + IDS),
                          ((filters.BaseDateFilter, filters.BaseDateBetweenFilter),
                           DATES + RANGES),
                          ((filters.BaseDateTimeFilter, filters.BaseDateTimeBetweenFilter),
                           DATETIMES + RANGES)):
        if isinstance(flt, kinds):
            return values
    return TEXTS + ODD_TEXTS  # text, enum, yes/no and deadline filters


def _list_params(view):
    """Every query parameter a list screen reads, with the hostile values of its type and
    control characters: paging, sorting, search and each filter."""
    params = dict.fromkeys(("page", "page_size", "sort", "desc"), NUMBERS + IDS)
    params["search"] = TEXTS + ODD_TEXTS
    for i, flt in enumerate(view._filters or ()):
        params[f"flt{i}_{view.get_filter_arg(i, flt)}"] = _filter_family(flt)
    return {name: tuple(dict.fromkeys(TEXTS[1:3] + values)) for name, values in params.items()}


def _queries(params):
    """Query strings that, between them, give each parameter each of its values."""
    for n in range(max(len(values) for values in params.values())):
        yield {name: values[n % len(values)] for name, values in params.items()}


# -- What the database holds ----------------------------------------------------------------

def _state(table=None, row_id=None):
    """Row counts of every table, and the row being edited: what a refused save leaves alone."""
    db.session.commit()  # end the test's own transaction to see the requests' writes
    tables = db.metadata.sorted_tables
    counts = db.session.execute(select(*(
        select(func.count()).select_from(t).scalar_subquery() for t in tables))).one()
    row = None if row_id is None else db.session.execute(
        select(table).where(table.c.id == row_id)).one_or_none()
    return dict(zip((t.name for t in tables), counts, strict=True)), row


def _parse(field_class, text):
    """The value a valid field of this type holds for `text` (for reading a save back)."""
    if issubclass(field_class, LocalDateTimeField):
        for layout in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
            try:
                return datetime.strptime(text, layout)
            except ValueError:
                pass
    if issubclass(field_class, wtf.DateField):
        return datetime.strptime(text, "%Y-%m-%d").date()
    if issubclass(field_class, RupiahField):  # typed the Indonesian way: 1,5 is Rp1,50
        return parse_rupiah(text, locale="id")
    if issubclass(field_class, (wtf.IntegerField, wtf.DecimalField)):
        return Decimal(text)
    return text


def _reads_back(row, name, unbound, sent) -> bool:
    """Whether a saved field holds what was typed, after the field's own filters."""
    field_class = unbound.field_class
    if not hasattr(row, name) or issubclass(field_class, (wtf.PasswordField, wtf.BooleanField)):
        return True  # a form-only field (a version, a password), or a flag
    value = getattr(row, name)
    if hasattr(value, "id"):
        return str(value.id) == sent.strip()
    if hasattr(value, "value"):  # an enum member
        return value.value == sent
    if isinstance(value, list):
        return True  # a multiple choice: an unknown code is refused by the field
    if isinstance(value, datetime):
        return to_local(value).replace(tzinfo=None) == _parse(field_class, sent)
    if isinstance(value, date):
        return value == _parse(field_class, sent)
    if isinstance(value, int | Decimal):
        try:
            return Decimal(value) == _parse(field_class, sent)
        except InvalidOperation:
            return False
    expected = reduce(lambda text, f: f(text), unbound.kwargs.get("filters", ()), sent)
    return value == expected


def _shows_an_error(response) -> bool:
    page = response.get_data(as_text=True)
    return 'class="invalid-feedback"' in page or "alert-danger" in page


# -- The office the sweeps run in -----------------------------------------------------------

@pytest.fixture
def office(app):
    """A world owned by one agency, office hours to edit, and a neighbour agency with a
    letter, a scan and an application: the ids an OPD user must not reach."""
    world = build_world(make_agency(name="Dinas Pemilik"))
    world.hours = WorkSchedule(**dict(HOURS, first_day=date(2025, 3, 1),
                                      last_day=date(2025, 3, 30)))
    db.session.add(world.hours)
    neighbour = make_agency(name="Dinas Tetangga")
    letter = make_letter(agency=neighbour, scan=scan())
    world.foreign = {"agency": neighbour.id, "letter": letter.id, "scan": letter.scan_id,
                     "application": make_application(agency=neighbour).id}
    world.foreign_ids = tuple(str(key) for key in world.foreign.values())
    db.session.commit()
    return world


class Session:
    """A user of `role` logged in on a client of their own, sending their CSRF token."""

    def __init__(self, app, role, agency):
        self.user = make_user(role, agency=agency)
        db.session.commit()
        self.client = Client(app)
        assert self.client.login(self.user.username).status_code == 302
        self.csrf = self.client.token("/admin/sop/")  # a light page: the home page draws charts

    def get(self, path, params=None):
        response = self.client.get(path + ("?" + urlencode(params) if params else ""))
        assert response.status_code < 500, (path, params)
        return response

    def post(self, path, data):
        response = self.client.post(path, {**data, "csrf_token": self.csrf}, csrf=False)
        assert response.status_code < 500, (path, data)
        return response


@pytest.fixture
def session_as(app, office, diskominfo, monkeypatch):
    """The session of a user of a role (an OPD user of the office's agency), made once."""
    # a database error that Flask-Admin would swallow into a raw "Failed to create record"
    # message counts as the server error it is
    monkeypatch.setitem(app.config, "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION", True)
    sessions = {}

    def session(role):
        if role not in sessions:
            sessions[role] = Session(app, role, office.agency if role is Role.OPD else diskominfo)
        return sessions[role]
    return session


def _valid_form(world, endpoint, resource, mode):
    """A valid form for the screen, or {} for one the world knows no form for."""
    if resource not in ENDPOINTS:
        return {}
    if endpoint == "hours":
        return dict(HOURS, name="Jam kerja diubah" if mode == "edit" else HOURS["name"])
    if mode == "edit":
        return edit_row_form(world, resource) if world.form(resource) else {}
    return world.form(resource)


def _row(world, endpoint, resource):
    return world.hours if endpoint == "hours" else world.rows[resource]


def _renew_letter(world, endpoint):
    """A fresh letter waiting for the step the screen records, the last one having moved on."""
    waiting = {"dispositions": "AT_KABID" if world.role is Role.KABID else "AT_KADIS",
               "meetings": "AT_KASI", "decisions": "IN_ANALYSIS"}
    if endpoint in waiting:
        status = next(s for s in world.letters if s.name == waiting[endpoint])
        world.letters[status] = make_letter(agency=world.agency, status=status)
        db.session.commit()


def _unique(endpoint, serial):
    """Form values that keep a new record clear of those saved before (numbers, codes, days)."""
    return {"letters": {"number": f"H/{serial}/2025"},
            "agencies": {"code": f"H{serial}", "name": f"Badan Uji {serial}"},
            "users": {"username": f"uji.{serial}"},
            "holidays": {"day": (date(2030, 1, 1) + timedelta(days=serial)).isoformat()},
            }.get(endpoint, {})


class FormSweep:
    """Posts a valid form with hostile values in it, and judges what the screen did."""

    def __init__(self, session, world, endpoint, mode):
        self.session, self.world, self.endpoint, self.mode = session, world, endpoint, mode
        self.resource = SCREENS[endpoint]
        view = _view(session.client.app, endpoint)
        self.model = view.model
        self.fields = _fields(view._edit_form_class if mode == "edit" else view._create_form_class)
        self.row_id = _row(world, endpoint, self.resource).id if mode == "edit" else None
        self.path = (f"/admin/{endpoint}/edit/?id={self.row_id}" if mode == "edit"
                     else f"/admin/{endpoint}/new/")
        self.base = _valid_form(world, endpoint, self.resource, mode)
        self.saves = 0
        self.fresh = _unique(endpoint, self.saves) if mode == "create" else {}
        self.state = None  # what the database held after the last post

    def post(self, values: dict) -> bool:
        """Whether the screen saved `values` (and they read back as sent)."""
        table = self.model.__table__
        before = self.state or _state(table, self.row_id)
        if "edit_version" in self.fields:  # the version the form was opened at, as a browser
            self.fresh["edit_version"] = str(before[1].version)
        response = self.session.post(self.path, {**self.base, **self.fresh, **values})
        after = self.state = _state(table, self.row_id)
        created = after[0][table.name] - before[0][table.name]
        changed = created if self.mode == "create" else after[1] != before[1]
        if response.status_code == 302 and changed:
            self.check_saved(values)
            return True
        assert after == before, f"a refused save changed data: {values!r:.200}"
        if response.status_code == 200:
            assert _shows_an_error(response), f"no message for {values!r:.200}"
        return False

    def check_saved(self, values):
        query = select(self.model).order_by(self.model.id.desc())
        row = db.session.scalars(query.filter_by(id=self.row_id) if self.row_id else query).first()
        for name, sent in values.items():
            assert _reads_back(row, name, self.fields[name], sent), \
                f"{self.endpoint} {name}: saved {getattr(row, name)!r:.80} for {sent!r:.80}"
        if self.mode == "create":
            self.saves += 1
            _renew_letter(self.world, self.endpoint)
            self.base = _valid_form(self.world, self.endpoint, self.resource, self.mode)
            self.fresh = _unique(self.endpoint, self.saves)
            self.state = None


# -- (a) List screens: paging, sorting, search and every filter -----------------------------

def test_list_parameters_of_every_screen_never_break_it(app, session_as):
    session = session_as(Role.SYSADMIN)
    for endpoint in SCREENS:
        for n, query in enumerate(_queries(_list_params(_view(app, endpoint)))):
            session.get(f"/admin/{endpoint}/", query)
            if n % 8 == 0:  # the export reads the same parameters
                session.get(f"/admin/{endpoint}/export/csv/", query)


@sweep
@given(data=st.data())
def test_random_list_parameters_never_break_a_screen(app, session_as, data):
    session = session_as(Role.SYSADMIN)
    endpoint = data.draw(st.sampled_from(sorted(SCREENS)), label="screen")
    params = sorted(_list_params(_view(app, endpoint)))
    query = data.draw(st.dictionaries(st.sampled_from(params), hostile, min_size=1, max_size=4))
    session.get(f"/admin/{endpoint}/", query)


# -- (b) Forms: one hostile field at a time, in a form that is otherwise valid --------------

ACTIONS = {"create": CREATE, "edit": EDIT}
FORMS = [(endpoint, mode) for endpoint in SCREENS for mode in ACTIONS]


def _form_sweep(session_as, office, endpoint, mode):
    """The sweep of one form, by the first official the permission table lets fill it in."""
    resource, action = SCREENS[endpoint], ACTIONS[mode]
    office.role = _role(action, resource)
    form = FormSweep(session_as(office.role), office, endpoint, mode)
    return form, can(office.role, action, resource) and bool(form.base)


@pytest.mark.parametrize("endpoint", SCREENS)
def test_hostile_form_values_are_refused_or_saved_as_typed(session_as, office, endpoint):
    for mode in ACTIONS:
        form, offered = _form_sweep(session_as, office, endpoint, mode)
        if not offered:
            # nobody fills this form in: a forged post, whatever it holds, saves nothing
            for value in SAMPLE:
                assert not form.post(dict.fromkeys(form.fields, value))
            continue
        assert form.post({}), f"the valid {mode} form itself must save"
        for name, unbound in form.fields.items():
            # the values of the field's type and the worst three texts: the new form takes
            # every other one, the edit form the rest
            values = tuple(dict.fromkeys(TEXTS[:3] + _family(unbound.field_class)))
            for value in values[mode == "edit"::2]:
                form.post({name: value})


@sweep
@given(data=st.data())
def test_random_form_values_are_refused_or_saved_as_typed(session_as, office, data):
    endpoint, mode = data.draw(st.sampled_from(FORMS), label="form")
    form, offered = _form_sweep(session_as, office, endpoint, mode)
    fields = sorted(form.fields) if offered else [None]
    values = data.draw(st.dictionaries(st.sampled_from(fields), hostile, min_size=1,
                                       max_size=3), label="values")
    if not offered:
        values = dict.fromkeys(form.fields, values[None])
    saved = form.post(values)
    assert offered or not saved


def test_an_opd_user_cannot_file_a_letter_for_another_agency(session_as, office):
    office.role = Role.OPD
    form = FormSweep(session_as(Role.OPD), office, "letters", "create")
    for value in IDS + office.foreign_ids:
        assert not form.post({"agency": value})
        assert not form.post({"application": value})


# -- (c) Reports: their screens and downloads -----------------------------------------------

#: The report screen's parameters, with the hostile values of their type.
REPORT_PARAMS = {"from": DATES + DATETIMES, "to": DATETIMES + DATES, "agency": IDS + NUMBERS,
                 "step": NUMBERS + IDS, "holder": IDS + NUMBERS, "by": TEXTS + ODD_TEXTS,
                 "report": (*COLUMNS, *TEXTS, *ODD_TEXTS)}


def test_report_parameters_never_break_a_report(session_as):
    session = session_as(_role(EXPORT, "report"))
    for n, query in enumerate(_queries(REPORT_PARAMS)):
        session.get("/admin/reports/", query)
        if n % 4 == 0:
            session.get("/admin/reports/", {**query, "format": ("csv", "xlsx")[n % 8 // 4]})
    for n, bound in enumerate(DATES):  # one end of the period sane, the other not
        session.get("/admin/reports/", {"report": PERIODIC[n % 3], "from": "2025-01-01",
                                        "to": bound})
        session.get("/admin/reports/", {"report": PERIODIC[n % 3], "from": bound,
                                        "to": "2025-12-31"})
    for n, value in enumerate(NUMBERS + IDS):
        session.get(f"/admin/reports/{('budget', 'annual')[n % 2]}/",
                    {"year": value, "format": ("", "csv", "", "xlsx")[n % 4]})


@sweep
@given(data=st.data())
def test_random_report_parameters_never_break_a_report(session_as, data):
    session = session_as(_role(EXPORT, "report"))
    params = data.draw(st.dictionaries(st.sampled_from(
        ["report", "from", "to", "agency", "step", "holder", "by", "format"]), hostile,
        min_size=1, max_size=5))
    params.setdefault("report", data.draw(st.sampled_from(REPORTS)))
    session.get("/admin/reports/", params)


# -- (d) Record ids: details, edit, archive, bulk actions, attachments ----------------------

def test_hostile_record_ids_never_break_a_screen(app, session_as, office):
    session = session_as(Role.SYSADMIN)
    # and one real key (the neighbour's letter); archiving one's own account is no hostile input
    keys = [key for key in (*IDS, str(office.foreign["letter"])) if key != str(session.user.id)]
    for n, endpoint in enumerate(SCREENS):
        for key in (keys * 2)[n % len(keys):][:4]:  # four keys a screen, each key in turn
            session.get(f"/admin/{endpoint}/details/", {"id": key, "url": "javascript:x()"})
            session.get(f"/admin/{endpoint}/edit/", {"id": key})
            session.post(f"/admin/{endpoint}/delete/", {"id": key})
        for name, _ in _view(app, endpoint)._actions:  # a bulk action takes them all at once
            session.post(f"/admin/{endpoint}/action/", {"action": name, "rowid": keys})
    for key in ("0", str(2**31), str(2**63), "9" * 30):
        assert session.get(f"/berkas/{key}").status_code == 404
    if "archive.restore" in app.view_functions:  # bringing an archived record back
        for key in keys:
            session.post("/admin/archive/restore", {"resource": "letter", "id": key})
            session.post("/admin/archive/restore", {"resource": key, "id": "1"})


def test_an_opd_user_reaches_nothing_of_another_agency_whatever_the_input(app, session_as,
                                                                           office):
    session = session_as(Role.OPD)
    for endpoint, resource in SCREENS.items():
        if not can(Role.OPD, VIEW, resource):
            continue
        params = _list_params(_view(app, endpoint))
        for key in IDS + office.foreign_ids:
            session.get(f"/admin/{endpoint}/", dict.fromkeys(params, key))
            details = session.get(f"/admin/{endpoint}/details/", {"id": key})
            assert "Dinas Tetangga" not in details.get_data(as_text=True)
    for key in office.foreign_ids:
        page = session.get("/admin/reports/", {"agency": key, "holder": key, "step": key})
        assert page.status_code == 200
    assert session.get(f"/berkas/{office.foreign['scan']}").status_code == 404


# -- The log-in form ------------------------------------------------------------------------

def test_hostile_log_ins_are_refused_cleanly(client):
    token = client.token("/auth/login")
    for n, value in enumerate(TEXTS + IDS):
        # each attempt from an address of its own: the failed-log-in limit is not under test
        with client.app.app_context():
            response = client.http.post(
                "/auth/login?next=%2F%2Fcontoh.invalid", environ_base={
                    "REMOTE_ADDR": f"10.9.{n // 250}.{n % 250}"},
                data={"username": value, "password": value, "csrf_token": token})
        assert response.status_code in (200, 429)  # the form again, or a pause: never in
