"""The permission table, proven cell by cell through the screens themselves."""

import pytest

from admin_views.permissions import ACTIONS, PAGES, RESOURCES, TABLE, can
from models import Role, db

from .builders import make_agency
from .world import EDITS, ENDPOINTS, build_world, edit_row_form

CELLS = [(role, resource, action) for role in Role for resource in RESOURCES
         for action in ACTIONS.values()]


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


def check_archive(client, world, resource, allowed):
    row = world.rows[resource]
    response = client.post(_url(resource, "delete/"), {"id": row.id})
    db.session.commit()
    hidden = (row.archived_at is not None) if hasattr(row, "archived_at") else \
        (getattr(row, "active", True) is False)
    assert response.status_code in (302, 403)
    assert hidden is allowed


def check_export(client, world, resource, allowed):
    response = client.get(_url(resource, "export/csv/"))
    is_csv = response.status_code == 200 and response.mimetype == "text/csv"
    assert is_csv is allowed


CHECKS = {"view": check_view, "create": check_create, "edit": check_edit,
          "archive": check_archive, "export": check_export}


@pytest.mark.parametrize("role,resource,action", CELLS,
                         ids=[f"{r.value}-{res}-{a}" for r, res, a in CELLS])
def test_permission_cell(client, login_as, role, resource, action):
    owner = make_agency()
    world = build_world(owner)
    login_as(role, agency=owner if role is Role.OPD else None)
    world.role = role
    CHECKS[action](client, world, resource, can(role, action, resource))


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
            buttons["edit"] = "execute('pause_opd')"

        for action, marker in buttons.items():
            assert (marker in page) is can(role, action, resource), (resource, action)


def test_deactivating_an_account_ends_its_session(client, login_as):
    user = login_as(Role.CLERK)
    assert client.get("/admin/letters/").status_code == 200
    user.active = False
    db.session.commit()
    response = client.get("/admin/letters/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
