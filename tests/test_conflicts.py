"""Two people editing the same record: the second save is refused, nothing is overwritten."""

import pytest

from admin_views.permissions import RESOURCES, can
from models import Role, db

from .builders import make_agency, make_user
from .conftest import Client
from .world import EDITS, ENDPOINTS, build_world, edit_row_form

#: resource -> the first role that may edit it (steps are paused, not edited)
EDITORS = {resource: next(role for role in Role if can(role, "edit", resource))
           for resource in RESOURCES
           if resource != "step" and any(can(role, "edit", resource) for role in Role)}
#: a second value for the edited field, other than the first editor's
SECOND = {"standard": "50", "acting": "2025-03-06"}


def _value(row, name):
    value = getattr(row, name)
    return str(getattr(value, "value", value))


@pytest.mark.parametrize("resource", sorted(EDITORS))
def test_a_save_from_an_outdated_form_is_refused(client, login_as, resource):
    world = build_world(make_agency())
    world.role = EDITORS[resource]
    login_as(world.role)
    url = f"/admin/{ENDPOINTS[resource]}/edit/?id={world.rows[resource].id}"
    name, value = EDITS[resource]
    first = edit_row_form(world, resource)
    second = dict(first, **{name: SECOND.get(resource, value + " kedua")})
    assert client.post(url, first).status_code == 302
    page = client.post(url, second)  # opened at the same version as the first
    assert page.status_code == 200
    assert "setelah Anda membukanya; tidak ada yang disimpan" in page.get_data(as_text=True)
    db.session.commit()
    row = db.session.get(type(world.rows[resource]), world.rows[resource].id)
    assert _value(row, name) == value


def test_the_message_names_who_changed_the_record_and_when(app, login_as):
    world = build_world()
    ani, budi = Client(app), Client(app)
    for client, name in ((ani, "Ani Clerk"), (budi, "Budi Clerk")):
        user = make_user(Role.CLERK, full_name=name)
        db.session.commit()
        client.login(user.username)
    url = f"/admin/letters/edit/?id={world.letter.id}"
    ani_form, budi_form = edit_row_form(world, "letter"), edit_row_form(world, "letter")
    budi_form["subject"] = "Perihal dari Budi"
    assert ani.post(url, ani_form).status_code == 302
    page = budi.post(url, budi_form).get_data(as_text=True)
    assert "Ani Clerk mengubah data ini pada" in page and "WIB" in page
    assert 'value="Perihal dari Budi"' in page  # Budi's typing is kept on the form
    db.session.commit()
    assert db.session.get(type(world.letter), world.letter.id).subject == "Perihal diubah"


def test_a_form_without_its_version_is_refused(client, login_as):
    world = build_world()
    login_as(Role.CLERK)
    data = edit_row_form(world, "letter")
    del data["edit_version"]
    assert client.post(f"/admin/letters/edit/?id={world.letter.id}", data).status_code == 200
    db.session.commit()
    assert db.session.get(type(world.letter), world.letter.id).subject != "Perihal diubah"


def test_the_edit_form_carries_the_version_it_was_opened_at(client, login_as):
    world = build_world()
    login_as(Role.CLERK)
    page = client.get(f"/admin/letters/edit/?id={world.letter.id}").get_data(as_text=True)
    assert f'name="edit_version" type="hidden" value="{world.letter.version}"' in page
