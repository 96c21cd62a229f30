"""The demo's screens in Chromium, as each role sees them: accessible (axe-core), one heading
and a main landmark, a skip link; the letter list fitting 1366 px, and a phone's screens
nothing cut off."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import RequestLetter, User, db
from models.demo import DEMO_PASSWORD, seed_demo
from models.standards import load_sop_standards

from .browser import Desk
from .builders import make_notice

#: The demo's log-ins, one of each role.
DEMO_USERS = ("tu", "kadis", "kabid", "kasi", "pengawas", "admin", "opd.dinkes")
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(app):
    at = datetime.now(UTC)
    load_sop_standards(db.session, at=at)
    seed_demo(db.session, at=at)
    kadis = db.session.scalar(select(User).where(User.username == "kadis"))
    letter = db.session.scalars(select(RequestLetter).order_by(RequestLetter.id)).first()
    make_notice(recipient=kadis, letter=letter, created_at=at)  # unread: the badge shows
    db.session.commit()
    return letter


def _log_in(desk, username):
    desk.login(username, DEMO_PASSWORD)


def main_pages(page) -> list[str]:
    """The home page, every page the menu offers, and a form and a record of the letters."""
    links = page.evaluate("""() => [...document.querySelectorAll('nav a[href]')]
        .map(a => a.getAttribute('href'))
        .filter(h => h.startsWith('/') && !h.startsWith('/auth'))""")
    return list(dict.fromkeys(["/admin/", *links]))


#: Pages whose content depends on who looks: scanned for every role; any other page once.
OWN_PAGES = ("/admin/", "/admin/letters/", "/admin/letters/new/", "/admin/notices/")


def test_every_main_page_of_every_role_passes_axe_with_one_heading(chromium, live_server,
                                                                    demo):
    found, scanned = {}, set()
    for username in DEMO_USERS:
        desk = Desk(chromium, live_server, viewport=LAPTOP)
        _log_in(desk, username)
        pages = main_pages(desk.page)
        letters = desk.open("/admin/letters/")
        pages += [letters.locator("a[href*='/details/']").first.get_attribute("href")]
        if letters.locator("a[href$='/letters/new/']").count():
            pages.append("/admin/letters/new/")
        for path in pages:
            if path in scanned and path not in OWN_PAGES and "/details/" not in path:
                continue
            scanned.add(path)
            page = desk.open(path)
            problems = desk.serious_violations()
            if page.locator("h1").count() != 1:
                problems.append(f"{page.locator('h1').count()} h1")
            if page.locator("main#main").count() != 1:
                problems.append("no main landmark")
            if page.locator("a.skip-link[href='#main']").count() != 1:
                problems.append("no skip link")
            if problems:
                found[f"{username} {path}"] = problems
        assert desk.errors == [], desk.errors
        desk.close()
    assert found == {}, "\n".join(f"{page}: {v}" for page, v in found.items())


def test_the_main_pages_on_a_phone_pass_axe_and_cut_nothing_off(chromium, live_server, demo):
    """And the unread notices stay in sight beside the menu button."""
    found = {}
    for username in ("kadis", "tu", "opd.dinkes"):
        desk = Desk(chromium, live_server, viewport=PHONE)
        _log_in(desk, username)
        letters = desk.open("/admin/letters/")
        details = letters.locator("a[href*='/details/']").first.get_attribute("href")
        for path in ("/admin/", "/admin/letters/", details, "/admin/notices/",
                     "/admin/reports/"):
            page = desk.open(path)
            problems = desk.serious_violations()
            wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if wider > 0:
                problems.append(f"{wider}px wider than the phone")
            clipped = page.evaluate("""() => [...document.querySelectorAll(
                'table.searchable > tbody > tr > td')].filter(
                td => !td.querySelector('table') && td.scrollWidth > td.clientWidth + 1).length""")
            if clipped:
                problems.append(f"{clipped} details cut off")
            if problems:
                found[f"{username} {path}"] = problems
            if username == "kadis" and path == "/admin/":
                badge = page.locator("nav .badge-warning").filter(has_text="belum dibaca")
                box = badge.first.bounding_box() if badge.first.is_visible() else None
                menu = page.locator(".navbar-toggler").bounding_box()
                if box is None or box["x"] < menu["x"] + menu["width"] or (
                        box["x"] + box["width"] > PHONE["width"]):
                    found["kadis unread badge"] = ["hidden behind the menu button"]
                desk.shot("phone-home-kadis")
        desk.close()
    assert found == {}, "\n".join(f"{page}: {v}" for page, v in found.items())


def test_the_letter_list_fits_a_laptop_with_its_deadlines_and_twelve_rows(chromium,
                                                                          live_server, demo):
    desk = Desk(chromium, live_server, viewport=LAPTOP)
    _log_in(desk, "tu")
    page = desk.open("/admin/letters/")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    deadline = page.locator("th.col-due").bounding_box()
    assert deadline["x"] + deadline["width"] <= LAPTOP["width"]
    rows = page.locator("table.model-list tbody tr")
    shown = [box for box in (rows.nth(i).bounding_box() for i in range(rows.count()))
             if box["y"] + box["height"] <= LAPTOP["height"]]
    assert len(shown) >= 12, f"{len(shown)} rows on the first screen"
    assert page.locator("table.model-list .pill.pill-late").count()  # a late letter, in red
    assert page.locator(".status-open, .status-new").count()
    urgent = page.locator("table.model-list .mark-very-urgent, table.model-list .mark-urgent")
    assert urgent.count() and urgent.first.inner_text() in ("Sangat segera", "Segera")
    desk.shot("letter-list-1366")
    desk = Desk(chromium, live_server, viewport=PHONE)
    _log_in(desk, "tu")
    desk.open("/admin/letters/")
    desk.shot("letter-list-phone")
    desk.close()
