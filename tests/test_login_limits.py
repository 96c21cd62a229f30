"""The log-in limits: guessing is kept out, and nobody can pause an account's owner."""

from datetime import timedelta
from threading import Thread

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from admin_views.login_limits import KNOWN_BROWSER, counters
from models import Role, db
from models.login_counters import Limit, forgive, login_counter, take
from models.write_turn import begin_write

from .builders import NOW, make_user
from .conftest import Client

WRONG = "salah-sandi-1"


def _from(app, address) -> Client:
    """A browser of its own, at `address`."""
    client = Client(app)
    client.http.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_owner_logs_in_from_another_address_while_an_attacker_is_paused(app):
    owner = make_user(Role.KADIS)
    db.session.commit()
    attacker = _from(app, "203.0.113.9")
    for _ in range(5):
        assert attacker.login(owner.username, WRONG).status_code == 200
    assert attacker.login(owner.username).status_code == 429  # even the right password
    assert _from(app, "10.20.0.15").login(owner.username).status_code == 302


def test_failures_from_many_addresses_pause_the_account_but_not_its_owners_browser(
        app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT", "6 per 15 minutes")
    owner = make_user(Role.KADIS)
    db.session.commit()
    browser = _from(app, "10.20.0.15")
    assert browser.login(owner.username).status_code == 302  # the owner's usual browser
    browser.logout()
    for n in range(3):  # two guesses from each of three addresses: none is paused alone
        for _ in range(2):
            assert _from(app, f"203.0.113.{n}").login(owner.username, WRONG).status_code == 200
    refused = _from(app, "198.51.100.7").login(owner.username)
    assert refused.status_code == 429  # a browser never seen before waits
    assert browser.login(owner.username).status_code == 302


def test_a_known_browser_is_counted_on_its_own_wherever_it_is(app):
    """A copied cookie buys no more guesses: 5 in all, from any number of addresses."""
    owner = make_user(Role.KADIS)
    db.session.commit()
    browser = _from(app, "10.20.0.15")
    assert browser.login(owner.username).status_code == 302
    cookie = browser.http.get_cookie(KNOWN_BROWSER, path="/auth/login")
    assert cookie.http_only and cookie.same_site == "Lax"
    copies = [_from(app, f"203.0.113.{n}") for n in range(6)]
    for copy in copies:
        copy.http.set_cookie(KNOWN_BROWSER, cookie.value, path="/auth/login")
    for copy in copies[:5]:
        assert copy.login(owner.username, WRONG).status_code == 200
    assert copies[5].login(owner.username).status_code == 429


def test_a_forged_known_browser_cookie_counts_for_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT", "2 per 15 minutes")
    owner = make_user(Role.KADIS)
    db.session.commit()
    for n in range(2):
        assert _from(app, f"203.0.113.{n}").login(owner.username, WRONG).status_code == 200
    forged = _from(app, "10.20.0.15")
    forged.http.set_cookie(KNOWN_BROWSER, "eyJrYWRpcyI6IngifQ.forged", path="/auth/login")
    assert forged.login(owner.username).status_code == 429


def test_an_ipv6_visitor_is_counted_by_its_network(app, monkeypatch):
    """One subscriber holds a whole /64: changing the last bits is not a new address."""
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "3 per 15 minutes")
    users = [make_user(Role.CLERK) for _ in range(4)]
    db.session.commit()
    for n, user in enumerate(users[:3]):
        assert _from(app, f"2001:db8:7:1::{n + 1}").login(user.username, WRONG).status_code == 200
    assert _from(app, "2001:db8:7:1:ffff::9").login(users[3].username).status_code == 429
    assert _from(app, "2001:db8:7:2::1").login(users[3].username).status_code == 302


def test_a_failed_log_in_never_waits_for_the_write_turn(client, app):
    """Another request holds the write turn (a long save); wrong passwords are still
    answered and counted meanwhile, on SQLite too."""
    user = make_user(Role.CLERK)
    db.session.commit()
    token, results = client.token(), []

    def fail():
        with app.app_context():
            results.append(client.http.post("/auth/login", data={
                "username": user.username, "password": WRONG, "csrf_token": token}))

    with Session(db.engine) as writer:
        begin_write(writer)  # held until this block ends
        thread = Thread(target=fail)
        thread.start()
        thread.join(timeout=20)
        done = not thread.is_alive()
        writer.rollback()
    thread.join()
    assert done and results[0].status_code == 200


def test_concurrent_wrong_passwords_are_checked_no_more_than_the_limit_allows(app):
    username = make_user(Role.CLERK).username
    db.session.commit()
    browsers = [Client(app) for _ in range(12)]
    tokens = [browser.token() for browser in browsers]
    answers = []

    def guess(browser, token):
        with app.app_context():
            answers.append(browser.http.post("/auth/login", data={
                "username": username, "password": WRONG, "csrf_token": token}).status_code)

    threads = [Thread(target=guess, args=pair) for pair in zip(browsers, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] * 5 + [429] * 7


@pytest.mark.parametrize("text, attempts, seconds", [
    ("5 per 15 minutes", 5, 900), ("20 per hour", 20, 3600), ("1 per 2 days", 1, 172800)])
def test_a_limit_is_read_as_the_settings_write_it(text, attempts, seconds):
    assert Limit.parse(text) == Limit(attempts, timedelta(seconds=seconds))


def test_a_limit_written_otherwise_is_refused():
    with pytest.raises(ValueError, match="5 per 15 minutes"):
        Limit.parse("5/15m")


def test_a_counter_refuses_at_its_limit_until_its_window_lapses(app):
    limit = Limit(2, timedelta(minutes=15))
    with counters().connect() as store:
        assert [take(store, "k", limit, NOW).counted for _ in range(3)] == [True, True, False]
        assert not take(store, "k", limit, NOW + timedelta(minutes=14, seconds=59)).counted
        opened = take(store, "k", limit, NOW + timedelta(minutes=15))
        assert opened.counted and opened.ends_at == NOW + timedelta(minutes=30)
        assert take(store, "k", limit, NOW + timedelta(minutes=16)).counted
        assert not take(store, "k", limit, NOW + timedelta(minutes=16)).counted


def test_a_forgiven_attempt_does_not_count(app):
    limit = Limit(2, timedelta(minutes=15))
    with counters().connect() as store:
        for _ in range(5):
            forgive(store, [take(store, "k", limit, NOW)])
        assert take(store, "k", limit, NOW).counted


def test_a_counter_another_attempt_commits_between_looking_and_reading_is_counted_on(app):
    """PostgreSQL reads each statement afresh: the update finds no counter (another attempt's
    is not committed yet), the read after it finds one. The attempt counts on that counter;
    it is not refused as if the limit had been reached."""
    if counters().dialect.name != "postgresql":  # elsewhere the update waits for the insert
        pytest.skip("read committed, statement by statement, is PostgreSQL's")
    limit = Limit(5, timedelta(minutes=15))
    with counters().connect() as other, counters().connect() as store:
        other.begin()
        other.execute(insert(login_counter).values(key="k", ends_at=NOW + limit.window,
                                                   attempts=1))

        @event.listens_for(store, "after_cursor_execute")
        def commit_the_other(conn, cursor, statement, *args):
            if statement.startswith("UPDATE") and other.in_transaction():
                other.commit()  # after the update looked, before the read

        assert take(store, "k", limit, NOW).counted
        assert store.scalar(select(login_counter.c.attempts)) == 2
