"""Simulated Diskominfo staff for the load test: lists, filters, details, reports and saves.

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8000

Run by bench/load.sh (`make load`). Officials (kabid, kasi, kadis, pengawas) read; the clerk
(tu) also registers letters; the administrator also renames agencies. A response fails unless
it is a 200 (or a save's 302 back to its list) that is neither the app's error page nor the
log-in form; every request goes to the loopback host given with --host.
"""

import json
import random
import re
import uuid
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PASSWORD = "demo-sop-2026"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SEARCHES = ("Presensi", "SIMRS", "Antrean", "e-Kinerja", "Dinkes", "Kel. Mariana", "2025")

#: The app's error page (templates/error.html) is titled "<status> · <title>".
ERROR_PAGE = re.compile(r"<title>\d{3} · ")
#: A flashed error (Flask-Admin maps the "error" category to Bootstrap's alert-danger) or a
#: field's error under the field.
ERROR_TEXT = re.compile(r'<div class="(?:alert alert-danger|invalid-feedback)[^>]*>(.*?)</div>',
                        re.S)


class FormReader(HTMLParser):
    """The fields a browser would send from the page's form that posts back to the page
    itself (the log-in form, an admin create or edit form; not the language or log-out ones)."""

    def __init__(self):
        super().__init__()
        self.inside, self.select, self.textarea = False, None, None
        self.fields, self.options = {}, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("method") or "").lower() == "post" and not a.get("action")
        elif not self.inside or "name" not in a and tag != "option":
            return
        elif tag == "input" and a.get("type") not in ("submit", "file", "checkbox"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields[a["name"]] = a.get("value") or "y"
        elif tag == "select":
            self.select = a["name"]
            self.options[self.select] = []
        elif tag == "option" and self.select:
            self.options[self.select].append(a.get("value"))
            if "selected" in a or self.select not in self.fields:
                self.fields[self.select] = a.get("value")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    @classmethod
    def read(cls, html):
        """(fields, options of each select) of the page's form."""
        reader = cls()
        reader.feed(html)
        return reader.fields, reader.options


def ids(html, endpoint, action="details"):
    """Row ids linked from a list page, e.g. /admin/letters/details/?id=7."""
    return [int(n) for n in re.findall(rf"/admin/{endpoint}/{action}/\?id=(\d+)", html)]


def problem(response, saved_to=None) -> str | None:
    """What is wrong with a response: not a good page or, for a save (`saved_to` given),
    not a redirect to that list; None when nothing is."""
    if saved_to is not None:
        if response.status_code == 302 and urlsplit(
                response.headers.get("Location", "")).path == saved_to:
            return None
        why = " / ".join(re.sub(r"<[^>]+>|&times;|\s+", " ", text).strip()
                         for text in ERROR_TEXT.findall(response.text or ""))
        return f"save not accepted: {response.status_code} {why}".strip()
    if response.status_code != 200:
        return f"status {response.status_code}"
    if ERROR_PAGE.search(response.text):
        return "the app's error page"
    if response.history and urlsplit(response.url or "").path.startswith("/auth/login"):
        return "sent back to the log-in form"
    return None


@events.test_stop.add_listener
def print_percentiles(environment, **kwargs):
    """The figures the note needs, once every user has stopped: median and p95 per request."""
    entries = sorted(environment.stats.entries.values(), key=lambda e: (e.name, e.method))
    print(f"\n{'request':60} {'count':>7} {'fails':>6} {'median':>7} {'p95':>7}  (ms)")
    for entry in [*entries, environment.stats.total]:
        print(f"{entry.method or '':5} {entry.name[:54]:54} {entry.num_requests:>7} "
              f"{entry.num_failures:>6} {entry.get_response_time_percentile(0.5):>7.0f} "
              f"{entry.get_response_time_percentile(0.95):>7.0f}")


class Staff(HttpUser):
    """A logged-in member of staff browsing the letters; subclasses pick the accounts."""

    abstract = True
    wait_time = between(1, 4)
    usernames: tuple = ()

    def on_start(self):
        if urlsplit(self.host).hostname not in LOOPBACK:
            raise SystemExit(f"refusing to load {self.host}: loopback only")
        self.letters, self.deadline_arg = [], None
        fields, _ = FormReader.read(self.get("/auth/login", "/auth/login [form]"))
        fields.update(username=random.choice(self.usernames), password=PASSWORD)
        self.save("/auth/login", fields, "/admin/", "/auth/login")

    def get(self, path, name=None) -> str:
        """The page at `path`, or "" when it failed (counted under `name`)."""
        with self.client.get(path, name=name or path, catch_response=True) as response:
            why = problem(response)
            if why:
                response.failure(why)
                return ""
            return response.text

    def save(self, path, fields, saved_to, name, expected_refusal=None) -> bool:
        """Post a form back as a browser would, then open the page it leads to. The save is
        good when it redirects to `saved_to`, or when `expected_refusal()` explains why not."""
        with self.client.post(path, name=name, data=fields, allow_redirects=False,
                              catch_response=True) as response:
            why = problem(response, saved_to=saved_to)
            if why and not (expected_refusal and expected_refusal()):
                response.failure(why)
        if not why:
            self.get(saved_to, f"{saved_to} [after POST {urlsplit(path).path}]")
        return not why

    @task(6)
    def letter_list(self):
        html = self.get("/admin/letters/")
        self.letters = ids(html, "letters") or self.letters
        groups = re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S)
        if groups and self.deadline_arg is None:  # the filter that offers "overdue"
            self.deadline_arg = next((
                option["arg"] for options in json.loads(groups.group(1)).values()
                for option in options
                if "overdue" in [value for value, _ in option["options"] or ()]), None)

    @task(4)
    def later_page(self):
        self.get(f"/admin/letters/?page={random.randint(1, 4)}", "/admin/letters/?page=2..5")

    @task(3)
    def overdue_letters(self):
        if self.deadline_arg is not None:
            self.get(f"/admin/letters/?flt0_{self.deadline_arg}=overdue",
                     "/admin/letters/?deadline=overdue")

    @task(3)
    def search(self):
        self.get(f"/admin/letters/?search={random.choice(SEARCHES)}", "/admin/letters/?search=…")

    @task(6)
    def letter_details(self):
        if self.letters:
            self.get(f"/admin/letters/details/?id={random.choice(self.letters)}",
                     "/admin/letters/details/?id=…")

    @task(2)
    def dispositions(self):
        self.get("/admin/dispositions/")

    @task(2)
    def steps(self):
        self.get("/admin/steps/")

    @task(1)
    def step_durations(self):
        self.get("/admin/reports/?report=step-durations")

    @task(2)
    def home(self):
        self.get("/admin/")


class Official(Staff):
    """Kepala bidang, kepala seksi, the Kepala Dinas and the supervisor: they read."""

    weight = 6
    usernames = ("kabid", "kabid", "kasi", "kasi", "pengawas", "kadis")


class Clerk(Staff):
    """The front office (TU): reads, and registers the letters that come in."""

    weight = 3
    usernames = ("tu",)

    @task(3)
    def register_letter(self):
        fields, options = FormReader.read(
            self.get("/admin/letters/new/", "/admin/letters/new/ [form]"))
        if "received_at" not in fields:
            return
        received = date.fromisoformat(fields["received_at"][:10])  # the form's "now", local
        fields.update(
            number=f"LOAD/{uuid.uuid4().hex[:12]}/2026",
            agency=random.choice([v for v in options["agency"] if v != "__None"]),
            letter_date=(received - timedelta(days=random.randint(0, 10))).isoformat(),
            subject="Permohonan Pembuatan Aplikasi Uji Beban", request_kind="new",
            application_name=f"Aplikasi Uji Beban {random.randint(1, 999)}",
            spbe_category=random.choice(("general", "specific")))
        self.save("/admin/letters/new/", fields, "/admin/letters/", "/admin/letters/new/ [save]")


class Administrator(Staff):
    """The system administrator: reads, and keeps the agencies' short names right."""

    weight = 1
    usernames = ("admin",)

    @task(3)
    def rename_agency(self):
        agencies = ids(self.get("/admin/agencies/"), "agencies", "edit")
        if not agencies:
            return
        path = f"/admin/agencies/edit/?id={random.choice(agencies)}"
        fields, _ = FormReader.read(self.get(path, "/admin/agencies/edit/ [form]"))
        if "edit_version" not in fields:
            return
        short = fields["short_name"]
        fields["short_name"] = short[:-1] if short.endswith("~") else short[:59] + "~"
        self.save(path, fields, "/admin/agencies/", "/admin/agencies/edit/ [save]",
                  expected_refusal=lambda: self.saved_meanwhile(path, fields["edit_version"]))

    def saved_meanwhile(self, path, version) -> bool:
        """Whether someone saved the record after our form was read: then the app's refusal
        of the stale form is the right answer (counted apart, as a NOTE row)."""
        now, _ = FormReader.read(self.get(path, "/admin/agencies/edit/ [form]"))
        stale = now.get("edit_version", version) != version
        if stale:
            events.request.fire(request_type="NOTE", name="agency save refused: stale form",
                                response_time=0, response_length=0, exception=None,
                                context={})
        return stale
