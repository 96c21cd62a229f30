"""Two app servers, real gunicorn processes, on one database and one SECRET_KEY, as behind a
load balancer: what one saves the other shows, a session from one holds on the other, a save
through one from a form that the other has made stale is refused, and failed log-ins through
either count together."""

import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from models import RequestLetter, Role, db

from .builders import PASSWORD, make_agency, make_letter, make_user

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "two-servers-share-this-key"
#: Seconds a server may take to answer its first request (generous: a busy CI machine).
STARTUP = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/auth/login")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _start(url, logs: Path):
    """One server as `make serve` runs it (two workers, no control socket, which would be one
    file shared by every gunicorn of this user); returns (process, port, its stderr file)."""
    port = _free_port()
    stderr = logs / f"gunicorn-{port}.err"
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET_KEY)
    with stderr.open("w") as sink:  # the child keeps its own copy
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--no-control-socket", "app:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    return process, port, stderr


def _wait_until_it_answers(process, port, stderr):
    deadline = time.monotonic() + STARTUP
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            state = (f"exited with {process.returncode}" if process.poll() is not None
                     else f"did not answer within {STARTUP} s")
            pytest.fail(f"gunicorn on port {port} {state}:\n{stderr.read_text()[-3000:]}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def servers(database_url, tmp_path_factory):
    """Server A and server B, started together; stopped after the module's tests."""
    logs = tmp_path_factory.mktemp("gunicorn")
    started = [_start(database_url, logs) for _ in "AB"]
    try:
        for process, port, stderr in started:
            _wait_until_it_answers(process, port, stderr)
        yield [port for _, port, _ in started]
    finally:
        for process, _, _ in started:
            process.terminate()  # gunicorn's graceful stop
        for process, _, _ in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Form(HTMLParser):
    """The fields a browser would send from the page's form that holds `marker`."""

    def __init__(self, page, marker):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None
        self.feed(page)
        self.fields = next(form for form in self.forms if marker in form)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.forms.append({})
        elif tag == "input" and name and attrs.get("type") not in ("submit", "file"):
            ticked = attrs.get("type") in ("checkbox", "radio")
            if not ticked or "checked" in attrs:  # a browser sends "on" for a bare checkbox
                self.forms[-1][name] = attrs.get("value", "on" if ticked else "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            # the first option stands until a selected one replaces it
            if "selected" in attrs or self._select not in self.forms[-1]:
                self.forms[-1][self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.forms[-1][name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Browser:
    """A user agent over plain HTTP with its own cookies, pointed at one server or the other."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers, body = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}, None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            page = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.getheader("Location", ""), page

    def get(self, path):
        return self.request("GET", path)

    def submit(self, path, marker, **values):
        """Open the form at `path`, change `values`, send it back to `path`."""
        status, _, page = self.get(path)
        assert status == 200, page[-2000:]
        return self.request("POST", path, {**Form(page, marker).fields, **values})

    def attempt(self, username, password=PASSWORD) -> int:
        """Log in with `password`: the answer's status."""
        return self.submit("/auth/login", "password", username=username, password=password)[0]

    def login(self, username):
        status, location, page = self.submit("/auth/login", "password", username=username,
                                             password=PASSWORD)
        assert status == 302 and "/auth/login" not in location, page[-2000:]

    def logout(self):
        _, _, page = self.get("/admin/")
        return self.request("POST", "/auth/logout",
                            {"csrf_token": Form(page, "csrf_token").fields["csrf_token"]})


def test_a_letter_registered_on_one_server_shows_on_the_other(app, servers):
    a, b = servers
    agency = make_agency()
    clerk, kadis = make_user(Role.CLERK), make_user(Role.KADIS)
    db.session.commit()
    at_a, at_b = Browser(a), Browser(b)
    at_a.login(clerk.username)
    status, _, page = at_a.submit(
        "/admin/letters/new/", "subject", number="000.8/71/DINKES/2025",
        letter_date="2025-02-27", received_at="2025-02-28 09:00:00", agency=str(agency.id),
        subject="Permohonan lewat server A", request_kind="new",
        application_name="Aplikasi Dua Server", spbe_category="specific")
    assert status == 302, page[-3000:]
    at_b.login(kadis.username)
    status, _, page = at_b.get("/admin/letters/")
    assert status == 200 and "000.8/71/DINKES/2025" in page
    db.session.commit()  # the test's snapshot ends: it reads what the servers saved
    letter = db.session.query(RequestLetter).one()
    assert letter.subject == "Permohonan lewat server A"
    status, _, page = at_b.get(f"/admin/letters/details/?id={letter.id}")
    assert status == 200 and "Permohonan lewat server A" in page


def test_a_session_from_one_server_holds_on_the_other(app, servers):
    a, b = servers
    clerk = make_user(Role.CLERK, full_name="Sari Petugas")
    db.session.commit()
    at_a = Browser(a)
    at_a.login(clerk.username)
    stranger, carried = Browser(b), Browser(b)
    carried.cookies = dict(at_a.cookies)  # only the cookie travels, as through a balancer
    status, location, _ = stranger.get("/admin/letters/")
    assert status == 302 and "/auth/login" in location
    status, _, page = carried.get("/admin/letters/")
    assert status == 200 and "Sari Petugas" in page
    # logging out through B ends the session that A handed out
    status, location, _ = carried.logout()
    assert status == 302 and "/auth/login" in location
    status, location, _ = at_a.get("/admin/letters/")
    assert status == 302 and "/auth/login" in location


def test_a_save_through_one_server_from_a_form_the_other_made_stale_is_refused(app, servers):
    a, b = servers
    letter = make_letter(subject="Perihal semula")
    ani = make_user(Role.CLERK, full_name="Ani Petugas")
    budi = make_user(Role.CLERK, full_name="Budi Petugas")
    db.session.commit()
    at_a, at_b = Browser(a), Browser(b)
    at_a.login(ani.username)
    at_b.login(budi.username)
    edit = f"/admin/letters/edit/?id={letter.id}"
    forms = []
    for browser in (at_a, at_b):
        status, _, page = browser.get(edit)
        assert status == 200
        forms.append(Form(page, "edit_version").fields)
    assert forms[0]["edit_version"] == forms[1]["edit_version"] == str(letter.version)
    status, _, page = at_a.request("POST", edit, dict(forms[0], subject="Perihal dari A"))
    assert status == 302, page[-3000:]
    status, _, page = at_b.request("POST", edit, dict(forms[1], subject="Perihal dari B"))
    assert status == 200
    assert "Ani Petugas mengubah data ini pada" in page
    assert "tidak ada yang disimpan" in page
    db.session.commit()
    assert db.session.get(RequestLetter, letter.id).subject == "Perihal dari A"



def test_failed_log_ins_through_either_server_count_together(app, servers):
    """Five wrong passwords, alternating between the servers (and their workers), pause the
    account on both: each process counting its own would have allowed many more."""
    clerk = make_user(Role.CLERK)
    db.session.commit()
    for n in range(5):
        assert Browser(servers[n % 2]).attempt(clerk.username, "salah-sandi-1") == 200
    assert [Browser(port).attempt(clerk.username) for port in servers] == [429, 429]


@pytest.mark.parametrize("usernames, checked", [
    (["sasaran.sama"] * 12, 5),  # one account from one address: 5
    ([f"tebakan{n}" for n in range(24)], 20),  # one address over every account: 20
])
def test_guesses_sent_at_once_to_both_servers_check_no_more_passwords_than_the_limit(
        app, servers, usernames, checked):
    def guess(n):
        return Browser(servers[n % 2]).attempt(usernames[n], "salah-sandi-1")

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = sorted(pool.map(guess, range(len(usernames))))
    assert answers == [200] * checked + [429] * (len(usernames) - checked)
