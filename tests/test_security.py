"""Log-in, sessions and the headers every page carries."""

import re
from urllib.parse import urlsplit

import pytest

from models import Role, User, db

from .builders import PASSWORD, make_user

NEW_PASSWORD = "Sandi-Baru-2026"


def _body(response):
    """A page without its per-request parts (CSRF token, CSP nonce), to compare two pages."""
    return re.sub(r'(value|nonce)="[^"]+"', "", response.get_data(as_text=True))


def test_repeated_failures_for_one_account_pause_its_log_in(client, app):
    user = make_user(Role.CLERK)
    db.session.commit()
    for _ in range(5):
        assert client.login(user.username, "salah-sandi-1").status_code == 200
    refused = client.login(user.username)  # even the right password now waits
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    other = make_user(Role.KASI)
    db.session.commit()
    assert client.login(other.username).status_code == 302  # other accounts are not paused


def test_the_pause_names_the_window_the_limit_is_configured_with(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "2 per 7 minutes")
    user = make_user(Role.CLERK)
    db.session.commit()
    for _ in range(2):
        assert client.login(user.username, "salah-sandi-1").status_code == 200
    refused = client.login(user.username)
    assert refused.status_code == 429
    assert "Tunggu 7 menit" in refused.get_data(as_text=True)


def test_repeated_failures_from_one_address_pause_every_log_in_from_it(client, app):
    for n in range(20):
        assert client.login(f"tebakan{n}", "salah-sandi-1").status_code == 200
    user = make_user(Role.CLERK)
    db.session.commit()
    assert client.login(user.username).status_code == 429


def test_behind_a_load_balancer_the_limit_counts_each_visitors_address(database_url, app):
    from app import create_app

    from .conftest import Client
    balanced = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                           "SECRET_KEY": "test", "PROXY_COUNT": 1})
    visitor, neighbour = Client(balanced), Client(balanced)
    visitor.http.environ_base["HTTP_X_FORWARDED_FOR"] = "10.1.1.7"
    neighbour.http.environ_base["HTTP_X_FORWARDED_FOR"] = "10.1.1.8"
    try:
        for n in range(20):
            assert visitor.login(f"tebakan{n}", "salah-sandi-1").status_code == 200
        user = make_user(Role.CLERK)
        db.session.commit()
        assert visitor.login(user.username).status_code == 429
        assert neighbour.login(user.username).status_code == 302  # not the balancer paused
    finally:
        with balanced.app_context():  # this app's own connections
            db.engine.dispose()


def test_a_successful_log_in_does_not_count_against_the_limit(client, app):
    user = make_user(Role.CLERK)
    db.session.commit()
    for _ in range(8):
        assert client.login(user.username).status_code == 302
        client.logout()


def test_the_log_in_page_does_not_tell_whether_a_username_exists(client, app):
    user = make_user(Role.CLERK)
    db.session.commit()
    wrong_password = client.login(user.username, "salah-sandi-1")
    unknown_user = client.login("tidak.ada", "salah-sandi-1")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert _body(wrong_password).replace(user.username, "") == \
        _body(unknown_user).replace("tidak.ada", "")


def test_the_session_cookie_is_http_only_and_same_site(client, login_as):
    login_as(Role.CLERK)
    cookie = client.http.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_the_session_cookie_is_secure_behind_https():
    from app import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SESSION_COOKIE_SECURE": True})
    with app.app_context():
        response = app.test_client().get("/auth/login", base_url="https://panel.local")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_a_session_ends_after_half_an_hour_without_activity(client, login_as):
    login_as(Role.CLERK)
    assert client.get("/admin/letters/").status_code == 200
    with client.http.session_transaction() as session:
        session["seen"] -= 31 * 60
    response = client.get("/admin/letters/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sesi Anda berakhir setelah 30 menit tanpa aktivitas" in page
    assert client.get("/admin/letters/").status_code == 302


def test_log_out_ends_the_session_even_for_a_copied_cookie(client, login_as, app):
    login_as(Role.CLERK)
    stolen = client.http.get_cookie("session").value
    client.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    with app.app_context():
        response = thief.get("/admin/letters/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def _change(client, current, new, repeat=None):
    return client.post("/auth/password", {"current": current, "new": new,
                                          "repeat": repeat or new})


def test_changing_ones_password_checks_the_current_one_and_the_policy(client, login_as):
    user = login_as(Role.CLERK)
    cases = {("salah-sandi-1", NEW_PASSWORD): "Kata sandi saat ini salah",
             (PASSWORD, "pendek1"): "paling sedikit 10 karakter",
             (PASSWORD, "hanyahurufsaja"): "huruf dan angka",
             (PASSWORD, f"{user.username}-2026-x"): "tidak boleh memuat nama pengguna"}
    for (current, new), message in cases.items():
        page = _change(client, current, new)
        assert page.status_code == 200 and message in page.get_data(as_text=True), message
    page = _change(client, PASSWORD, NEW_PASSWORD, "Sandi-Lain-2026")
    assert "Kedua kata sandi baru berbeda" in page.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_changing_ones_password_ends_the_other_sessions_only(client, login_as, app):
    from .conftest import Client
    user = login_as(Role.CLERK)
    phone = Client(app)
    assert phone.login(user.username).status_code == 302
    assert _change(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert client.get("/admin/letters/").status_code == 200
    assert phone.get("/admin/letters/").status_code == 302
    client.logout()
    assert client.login(user.username, NEW_PASSWORD).status_code == 302


def test_a_password_reset_by_the_sysadmin_must_be_changed_at_the_next_log_in(app, login_as):
    from .conftest import Client
    from .world import build_world, edit_row_form
    world = build_world()
    staffer = world.rows["user"]
    desk = Client(app)
    assert desk.login(staffer.username).status_code == 302
    admin = Client(app)
    admin_user = make_user(Role.SYSADMIN)
    db.session.commit()
    admin.login(admin_user.username)
    data = dict(edit_row_form(world, "user"), new_password=NEW_PASSWORD,
                full_name=staffer.full_name)
    assert admin.post(f"/admin/users/edit/?id={staffer.id}", data).status_code == 302
    assert desk.get("/admin/letters/").status_code == 302  # the reset ended their session
    assert desk.login(staffer.username, NEW_PASSWORD).status_code == 302
    forced = desk.get("/admin/letters/")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/auth/password")
    assert _change(desk, NEW_PASSWORD, "Pilihan-Sendiri-77").status_code == 302
    assert desk.get("/admin/letters/").status_code == 200


def test_every_page_carries_the_security_headers(client, login_as):
    login_as(Role.SYSADMIN)
    response = client.get("/admin/letters/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _pages(world):
    from admin_views.permissions import RESOURCES

    from .world import ENDPOINTS
    yield "/admin/"
    yield "/auth/password"
    yield "/admin/reports/"
    yield "/admin/archive/"
    yield "/admin/sop/"
    for resource in RESOURCES:
        base = f"/admin/{ENDPOINTS[resource]}/"
        yield base
        yield base + f"details/?id={world.rows[resource].id}"
        yield base + "new/"
        yield base + f"edit/?id={world.rows[resource].id}"


def test_the_panels_own_pages_satisfy_its_content_security_policy(client, login_as):
    """Every inline script carries the page's nonce; no element has an inline handler."""
    from .world import build_world
    world = build_world()
    login_as(Role.SYSADMIN)
    checked = 0
    for path in _pages(world):
        response = client.get(path)
        if response.status_code != 200:
            continue
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        page = response.get_data(as_text=True)
        for attributes in SCRIPT.findall(page):
            assert "src=" in attributes or f'nonce="{nonce.group(1)}"' in attributes, path
        assert not HANDLER.search(page), (path, HANDLER.search(page).group(0))
        checked += 1
    assert checked > 40


def test_an_unexpected_database_error_shows_a_plain_message_not_the_sql(client, login_as,
                                                                          monkeypatch):
    from sqlalchemy.exc import OperationalError

    from models import Agency

    def fail(self, at, by):
        raise OperationalError("UPDATE agency SET secret_column = 1", {}, Exception("disk full"))

    login_as(Role.SYSADMIN)
    agency = db.session.query(Agency).first()
    before = agency.short_name
    monkeypatch.setattr(Agency, "before_save", fail)
    form = client.get(f"/admin/agencies/edit/?id={agency.id}").get_data(as_text=True)
    version = re.search(r'name="edit_version"[^>]*value="(\d+)"', form).group(1)
    page = client.post(f"/admin/agencies/edit/?id={agency.id}", {
        "code": agency.code, "name": agency.name, "short_name": "Baru", "kind": agency.kind.value,
        "active": "y", "edit_version": version})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "tidak ada yang disimpan" in text and "secret_column" not in text
    db.session.commit()
    assert db.session.get(Agency, agency.id).short_name == before


def test_nobody_deactivates_their_own_account_from_the_list(client, login_as):
    me = login_as(Role.SYSADMIN)
    response = client.post("/admin/users/delete/", {"id": me.id}, follow_redirects=True)
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri" in response.get_data(as_text=True)
    client.post("/admin/users/action/", {"action": "delete", "rowid": me.id})
    db.session.commit()
    assert db.session.get(User, me.id).active


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example", "/%20/evil.example",
    "//evil.example", "/\\evil.example", "https://evil.example/", "/%E2%80%8B/evil.example",
    "/%00/evil.example", "javascript:alert(1)"])
def test_after_log_in_only_a_path_of_this_site_is_followed(client, app, target):
    """Whatever the encoding: the right password lands on the home page, counted as a
    success (no 500, no failed attempt), never on another site."""
    user = make_user(Role.CLERK)
    db.session.commit()
    for _ in range(6):  # more than the limit of failures: none of these is one
        response = client.post(f"/auth/login?next={target}",
                               {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
        assert response.headers["Location"].endswith("/admin/")
        client.logout()


def test_a_path_of_this_site_is_still_followed_after_log_in(client, app):
    user = make_user(Role.CLERK)
    db.session.commit()
    response = client.post("/auth/login?next=/admin/letters/%3Fsearch%3D54%252F2026",
                           {"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/admin/letters/?search=54%2F2026"


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example"])
def test_the_language_switch_follows_only_paths_of_this_site(client, app, target):
    from urllib.parse import unquote
    response = client.post("/auth/language", {"language": "en", "next": unquote(target)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")


def test_a_log_in_never_waits_for_the_write_turn(client, app):
    """Another request holds the write turn (a long save); log-ins go on meanwhile."""
    from threading import Thread

    from sqlalchemy.orm import Session

    from models.write_turn import begin_write
    user = make_user(Role.CLERK)
    db.session.commit()
    results, token = [], client.token()

    def log_in():
        with app.app_context():
            results.append(client.http.post("/auth/login", data={
                "username": user.username, "password": PASSWORD, "csrf_token": token}))

    with Session(db.engine) as writer:
        begin_write(writer)  # held until this block ends
        thread = Thread(target=log_in)
        thread.start()
        thread.join(timeout=20)
        done = not thread.is_alive()
        writer.rollback()
    thread.join()
    assert done and results[0].status_code == 302
