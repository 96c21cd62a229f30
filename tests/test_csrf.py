"""State-changing requests without the form's CSRF token are refused and change nothing."""

from models import AuditEntry, RequestLetter, Role, db

from .world import build_world


def test_login_without_a_token_is_refused(client, login_as):
    user = login_as(Role.CLERK)
    client.post("/auth/logout")
    response = client.post("/auth/login", {"username": user.username, "password": "x"},
                           csrf=False)
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)


def test_saving_or_archiving_without_a_token_changes_nothing(client, login_as):
    world = build_world()
    login_as(Role.CLERK)
    before = db.session.query(RequestLetter).count()
    assert client.post("/admin/letters/new/", world.form("letter"), csrf=False).status_code \
        == 400
    assert client.post("/admin/letters/delete/", {"id": world.letter.id},
                       csrf=False).status_code == 400
    assert client.post("/admin/letters/action/", {"action": "delete",
                                                  "rowid": world.letter.id},
                       csrf=False).status_code == 400
    db.session.commit()
    assert db.session.query(RequestLetter).count() == before
    assert db.session.get(RequestLetter, world.letter.id).archived_at is None


def test_logout_without_a_token_keeps_the_session(client, login_as):
    login_as(Role.CLERK)
    assert client.post("/auth/logout", csrf=False).status_code == 400
    assert client.get("/admin/letters/").status_code == 200


def _paths(app):
    """Every URL that accepts a POST, with sample values for its variables."""
    urls = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        for sample in ("1", "budget"):
            try:
                yield rule.endpoint, urls.build(rule.endpoint, dict.fromkeys(rule.arguments,
                                                                             sample))
                break
            except ValueError:
                continue


def test_every_post_without_its_token_is_refused_and_changes_nothing(client, login_as, app):
    world = build_world()
    login_as(Role.SYSADMIN)
    before = db.session.query(AuditEntry).count()
    paths = dict(_paths(app))
    assert len(paths) > 80
    for endpoint, path in paths.items():
        response = client.post(f"{path}?id={world.letter.id}", {
            "id": world.letter.id, "rowid": world.letter.id, "action": "delete",
            "list_form_pk": world.letter.id, "subject": "palsu"}, csrf=False)
        assert response.status_code == 400, endpoint
    db.session.commit()
    assert db.session.query(AuditEntry).count() == before
    assert client.get("/admin/letters/").status_code == 200
