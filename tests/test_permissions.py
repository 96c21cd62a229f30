"""The permission table, proven cell by cell through the screens themselves."""

from itertools import dropwhile, takewhile
from pathlib import Path

import pytest

from admin_views.permissions import ACTIONS, PAGES, RESOURCES, TABLE, can
from models import Role, db

from .builders import make_agency
from .world import EDITS, ENDPOINTS, build_world, edit_row_form

README = Path(__file__).resolve().parent.parent / "README.md"

#: One test per role and resource walks all five actions (cells) on one world: view and
#: export first, archive last, so no action hides what a later one checks.
PAIRS = [(role, resource) for role in Role for resource in RESOURCES]
ORDER = ("view", "export", "edit", "create", "archive")


def _url(resource, path=""):
    return f"/admin/{ENDPOINTS[resource]}/{path}"


def _count(model):
    return db.session.query(model).count()


def check_view(client, world, resource, allowed):
    row = world.rows[resource]
    listing = client.get(_url(resource))
    details = client.get(_url(resource, f"details/?id={row.id}"))
    if allowed:
        assert listing.status_code == 200 and details.status_code == 200
    else:
        assert listing.status_code == 403 and details.status_code == 403
    if resource == "letter":  # its scanned letter comes through the same permission
        scan = client.get(f"/berkas/{row.scan_id}")
        assert (scan.status_code == 200 and scan.data.startswith(b"%PDF")) is allowed


def check_create(client, world, resource, allowed):
    model = type(world.rows[resource])
    before = _count(model)
    response = client.post(_url(resource, "new/"), world.form(resource))
    db.session.commit()
    if allowed:
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
        assert _count(model) == before + 1
    else:
        assert response.status_code in (302, 403)
        assert _count(model) == before


def check_edit(client, world, resource, allowed):
    row = world.rows[resource]
    if resource == "step":  # a step is never edited: it is paused and resumed
        response = client.post(_url(resource, "action/"), {"action": "pause_opd",
                                                           "rowid": row.id})
        db.session.commit()
        assert response.status_code in (302, 403)
        assert (row.paused_since is not None) is allowed
        return
    name, value = EDITS[resource]
    old = getattr(row, name)
    response = client.post(_url(resource, f"edit/?id={row.id}"), edit_row_form(world, resource))
    db.session.commit()
    now = getattr(row, name)
    shown = str(getattr(now, "value", now))
    if allowed:
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
        assert shown == value
    else:
        assert response.status_code in (302, 403)
        assert now == old


def _hidden(row):
    db.session.refresh(row)
    return (row.archived_at is not None) if hasattr(row, "archived_at") else \
        (getattr(row, "active", True) is False)


def check_archive(client, world, resource, allowed):
    """Both ways in: the row's own archive button, and the list's bulk action."""
    row = world.rows[resource]
    response = client.post(_url(resource, "delete/"), {"id": row.id})
    db.session.commit()
    assert response.status_code in (302, 403)
    assert _hidden(row) is allowed
    if allowed:  # bring it back for the second way
        row.restore() if hasattr(row, "restore") else setattr(row, "active", True)
        db.session.commit()
    response = client.post(_url(resource, "action/"), {"action": "delete", "rowid": row.id})
    db.session.commit()
    assert response.status_code in (302, 403)
    assert _hidden(row) is allowed


def check_export(client, world, resource, allowed):
    response = client.get(_url(resource, "export/csv/"))
    body = response.get_data(as_text=True)  # read to the end: the export streams
    is_csv = response.status_code == 200 and response.mimetype == "text/csv"
    assert is_csv is allowed
    if allowed:
        assert len(body.splitlines()) >= 2  # the titles, and at least the world's own row


CHECKS = {"view": check_view, "create": check_create, "edit": check_edit,
          "archive": check_archive, "export": check_export}


@pytest.mark.parametrize("role,resource", PAIRS, ids=[f"{r.value}-{res}" for r, res in PAIRS])
def test_permission_cells(client, login_as, role, resource):
    owner = make_agency()
    world = build_world(owner)
    user = login_as(role, agency=owner if role is Role.OPD else None)
    world.address_notice_to(user)
    world.role = role
    assert set(ORDER) == set(ACTIONS.values())
    for action in ORDER:
        try:
            CHECKS[action](client, world, resource, can(role, action, resource))
        except AssertionError as exc:
            raise AssertionError(f"{role.value} {action} {resource}: {exc}") from exc


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_menu_shows_exactly_the_screens_a_role_may_view(client, login_as, role):
    login_as(role)
    page = client.get("/admin/").get_data(as_text=True)
    for resource in RESOURCES:
        assert (f'href="{_url(resource)}"' in page) is can(role, "view", resource), resource


def test_every_role_and_resource_is_in_the_table():
    assert set(TABLE) == set(Role)
    for grants in TABLE.values():
        assert set(grants) <= set(RESOURCES) | set(PAGES)
        assert all(set(codes) <= set(ACTIONS) for codes in grants.values())


def _readme_table() -> dict[str, dict[str, str]]:
    """The README's "Who may do what" table: role -> resource -> its letters ("" for –)."""
    section = README.read_text(encoding="utf-8").split("## Who may do what\n", 1)[1]
    lines = takewhile(lambda line: line.startswith("|"),
                      dropwhile(lambda line: not line.startswith("|"), section.splitlines()))
    header, _rule, *rows = [[cell.strip() for cell in line.strip("|").split("|")]
                            for line in lines]
    return {role: {resource: "" if codes == "–" else codes
                   for resource, codes in zip(header[1:], cells, strict=True)}
            for role, *cells in rows}


def test_the_readme_permission_table_is_the_table_in_the_code():
    readme = _readme_table()
    assert list(readme) == [role.value for role in Role]
    for role in Role:
        assert set(readme[role.value]) == set(RESOURCES) | set(PAGES)
        for resource, codes in readme[role.value].items():
            assert codes == TABLE[role].get(resource, ""), (role.value, resource)


def test_anonymous_visitor_is_sent_to_the_login_page(client, app):
    for resource in RESOURCES:
        response = client.get(_url(resource))
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_list_screens_show_exactly_the_buttons_a_role_may_use(client, login_as, role):
    owner = make_agency()
    world = build_world(owner)
    login_as(role, agency=owner if role is Role.OPD else None)
    for resource in RESOURCES:
        if not can(role, "view", resource):
            continue
        page = client.get(_url(resource)).get_data(as_text=True)
        row = world.rows[resource].id
        buttons = {"create": f'href="{_url(resource, "new/")}',
                   "export": _url(resource, "export/csv/"),
                   "edit": f"{_url(resource, 'edit/')}?id={row}",
                   "archive": f'action="{_url(resource, "delete/")}"'}
        if resource == "step":  # pausing and resuming are its only edits
            buttons["edit"] = 'data-action="pause_opd"'

        for action, marker in buttons.items():
            assert (marker in page) is can(role, action, resource), (resource, action)


def test_deactivating_an_account_ends_its_session(client, login_as):
    user = login_as(Role.CLERK)
    assert client.get("/admin/letters/").status_code == 200
    user.active = False
    db.session.commit()
    response = client.get("/admin/letters/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


#: Every page-resource cell: the reports (view, export) and the archive (view, restore).
PAGE_CELLS = [(role, page, action) for role in Role for page in PAGES
              for action in ({"report": ("view", "export"), "archive": ("view", "edit")}[page])]
REPORT_PAGES = ["/admin/reports/?report=step-durations", "/admin/reports/?report=compliance",
                "/admin/reports/?report=overdue", "/admin/reports/budget/",
                "/admin/reports/annual/"]


@pytest.mark.parametrize("role,page,action", PAGE_CELLS,
                         ids=[f"{r.value}-{p}-{a}" for r, p, a in PAGE_CELLS])
def test_page_cell(client, login_as, role, page, action):
    owner = make_agency()
    world = build_world(owner)
    login_as(role, agency=owner if role is Role.OPD else None)
    allowed = can(role, action, page)
    if page == "report":
        for url in REPORT_PAGES:
            if action == "view":
                assert (client.get(url).status_code == 200) is allowed, url
            else:
                for fmt in ("csv", "xlsx"):
                    response = client.get(f"{url}{'&' if '?' in url else '?'}format={fmt}")
                    is_file = response.status_code == 200 and response.mimetype != "text/html"
                    assert is_file is allowed, (url, fmt)
        return
    if action == "view":
        assert (client.get("/admin/archive/").status_code == 200) is allowed
        return
    letter = world.letter
    letter.archived_at = letter.received_at
    db.session.commit()
    response = client.post("/admin/archive/restore", {"resource": "letter", "id": letter.id})
    assert response.status_code in (302, 403)
    db.session.refresh(letter)
    assert (letter.archived_at is None) is allowed


@pytest.mark.parametrize("role", [None, *Role], ids=["anonymous", *(r.value for r in Role)])
def test_inline_edits_and_ajax_lookups_are_closed_on_every_screen(client, login_as, role):
    world = build_world(make_agency())
    if role is not None:
        login_as(role, agency=world.agency if role is Role.OPD else None)
    for resource in RESOURCES:
        row = world.rows[resource]
        name, value = EDITS[resource]
        before = getattr(row, name)
        response = client.post(_url(resource, "ajax/update/"),
                               {"list_form_pk": row.id, name: value})
        assert response.status_code in (302, 403, 404), resource
        db.session.commit()
        assert getattr(db.session.get(type(row), row.id), name) == before
        lookup = client.get(_url(resource, "ajax/lookup/?name=agency&query=a"))
        assert lookup.status_code in (302, 403, 404), resource


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_only_the_role_the_workflow_names_forwards_letters_in_bulk(client, login_as, role):
    world = build_world(make_agency())
    login_as(role, agency=world.agency if role is Role.OPD else None)
    letter = world.letter
    response = client.post(_url("letter", "action/"), {"action": "send_to_kadis",
                                                       "rowid": letter.id})
    assert response.status_code in (302, 403)
    db.session.refresh(letter)
    assert (letter.status.value == "at_kadis") is (role is Role.CLERK)
