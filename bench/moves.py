"""Measure: how many interactions each SOP move takes, from the person's desk to the saved move.

    .venv/bin/python bench/moves.py [--keep DIR] [--screenshots DIR]

Builds a fresh demo database (SQLite, `flask seed-demo`'s data), serves the app on a loopback
port and, in Chromium (Playwright, /usr/bin/chromium or $CHROMIUM), each official opens their
desk (/admin/desk/) and makes their move on a letter waiting there: every click, key entry (a
field typed in counts once) and selection is counted, from the desk to the saved move (checked
in the database). Then the phone check: on a 390x844 touch screen the Kepala Dinas goes from
the notice of a forwarded letter to a saved disposition, counting the taps, and no page is
wider than the screen. Prints a table; exits 1 if a move was not saved or the phone check
failed. Goal: at most 3 interactions a move (about 9 for a disposition before the workbench).
"""

import argparse
import logging
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from models import (  # noqa: E402
    Decision,
    LetterStatus,
    Meeting,
    Notice,
    RequestLetter,
    RkaItem,
    User,
    db,
)
from models.demo import DEMO_PASSWORD, seed_demo  # noqa: E402

S = LetterStatus
GOAL = 3
PHONE = {"width": 390, "height": 844}


@dataclass
class Move:
    """One SOP move: who makes it, on a letter in which status, the buttons and fields it
    takes after opening the letter from the desk, and how the database shows it saved."""

    name: str
    who: str
    status: LetterStatus
    button: str
    #: Field id -> the text typed into it (the form's required fields not filled in for one).
    typed: dict
    saves: bool  # the button opens a form whose "Simpan" saves it (else the button saves)
    saved: object  # letter -> bool
    paused: bool | None = None  # the letter's open step must be paused (True) / running


def _step(letter):
    return next((s for s in letter.steps if s.is_open), None)


def _has(model, letter):
    return db.session.scalar(select(model.id).where(model.letter_id == letter.id)) is not None


MOVES = [
    Move("Forward to the Kepala Dinas", "tu", S.REGISTERED, "Teruskan ke Kepala Dinas", {},
         False, lambda letter: letter.status is S.AT_KADIS),
    Move("Dispose to the Kabid", "kadis", S.AT_KADIS, "Disposisikan ke Kabid", {}, True,
         lambda letter: letter.status is S.AT_KABID),
    Move("Dispose to the Kasi", "kabid", S.AT_KABID, "Disposisikan ke Kasi", {}, True,
         lambda letter: letter.status is S.AT_KASI),
    Move("Schedule the technical meeting", "kasi", S.AT_KASI, "Jadwalkan rapat teknis", {},
         True, lambda letter: letter.status is S.IN_ANALYSIS and _has(Meeting, letter),
         paused=False),
    Move("Pause the step (waiting for the OPD)", "kasi", S.AT_KASI, "Jeda: menunggu OPD", {},
         False, lambda letter: _step(letter).paused_since is not None, paused=False),
    Move("Resume the step", "kasi", S.IN_ANALYSIS, "Lanjutkan langkah", {}, False,
         lambda letter: _step(letter).paused_since is None, paused=True),
    Move("Record the decision: accepted", "kasi", S.IN_ANALYSIS, "Terima permohonan", {}, True,
         lambda letter: letter.status is S.ACCEPTED and _has(Decision, letter)),
    Move("Record the decision: rejected", "kasi", S.IN_ANALYSIS, "Tolak permohonan",
         {"reason": "Kebutuhan sudah dipenuhi aplikasi yang ada.",
          "reply_number": "000.8/901/Diskominfo/2026"}, True,
         lambda letter: letter.status is S.REJECTED),
    Move("Add the RKA item", "kasi", S.ACCEPTED, "Tambah rincian RKA",
         {"unit_price": "150.000.000"}, True,
         lambda letter: letter.status is S.IN_RKA and db.session.scalar(
             select(RkaItem.id).join(Decision).where(Decision.letter_id == letter.id))
         is not None),
]


class Counted:
    """A page whose clicks, taps and typed fields are counted."""

    def __init__(self, page, touch=False):
        self.page, self.touch, self.count = page, touch, 0

    def press(self, locator):
        """A link or button that opens the next page (or saves and returns)."""
        with self.page.expect_navigation():
            locator.tap() if self.touch else locator.click()
        self.count += 1

    def type(self, locator, text):
        locator.fill(text)
        self.count += 1


def pick(status, paused, taken) -> RequestLetter:
    """The newest letter in `status` not used yet (with its step paused or running if asked)."""
    letters = db.session.scalars(select(RequestLetter).where(
        RequestLetter.status == status, RequestLetter.archived_at.is_(None))
        .order_by(RequestLetter.received_at.desc()))
    for letter in letters:
        step = _step(letter)
        if letter.id in taken or (paused is not None and (
                step is None or (step.paused_since is not None) is not paused)):
            continue
        taken.add(letter.id)
        return letter
    raise SystemExit(f"the demo holds no letter in {status} for the walk")


def log_in(browser, base, username, **context):
    page = browser.new_context(base_url=base, locale="id-ID", timezone_id="Asia/Pontianak",
                               **context).new_page()
    page.goto("/auth/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/admin/")
    return page


def walk(browser, base, app, move, taken, shots) -> tuple[int, bool, str]:
    """Make `move` from the desk; returns (interactions, saved, the letter)."""
    with app.app_context():
        letter = pick(move.status, move.paused, taken)
        letter_id, shown = letter.id, f"{letter.agenda_number}/{letter.agenda_year}"
    page = log_in(browser, base, move.who, viewport={"width": 1366, "height": 900})
    page.goto("/admin/desk/")
    counted = Counted(page)
    link = page.locator(f'a.desk-letter[href$="id={letter_id}"]')
    if not link.count():
        page.context.close()
        return 0, False, f"{shown} (not on the first page of the desk)"
    counted.press(link)
    counted.press(page.locator(".moves").get_by_role("button", name=move.button).or_(
        page.locator(".moves").get_by_role("link", name=move.button)))
    for field, text in move.typed.items():
        counted.type(page.locator(f"#{field}"), text)
    if move.saves:
        counted.press(page.get_by_role("button", name="Simpan", exact=True))
    page.wait_for_url(f"**/admin/letters/details/?id={letter_id}")
    if shots:
        page.screenshot(path=shots / f"move-{move.who}-{move.button}.png", full_page=True)
    page.context.close()
    with app.app_context():
        saved = bool(move.saved(db.session.get(RequestLetter, letter_id)))
    return counted.count, saved, shown


def phone_check(browser, base, app, shots) -> tuple[int, bool, str]:
    """The Kepala Dinas, on a phone, from the notice of a forwarded letter to its disposition."""
    with app.app_context():
        kadis = db.session.scalar(select(User).where(User.username == "kadis"))
        notice = db.session.scalar(select(Notice).join(RequestLetter).where(
            Notice.recipient_id == kadis.id, RequestLetter.status == S.AT_KADIS)
            .order_by(Notice.id.desc()).limit(1))
        if notice is None:
            return 0, False, "no notice of a forwarded letter"
        notice_id, letter_id = notice.id, notice.letter_id
    page = log_in(browser, base, "kadis", viewport=PHONE, is_mobile=True, has_touch=True)
    counted, wide = Counted(page, touch=True), []

    def fits():
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide.append(f"{page.url} is {overflow}px too wide")

    fits()  # the home page, with its list of new notices
    counted.press(page.locator(f'a[href$="notices/details/?id={notice_id}"]').first)
    fits()
    counted.press(page.locator(".moves").get_by_role("link", name="Disposisikan ke Kabid"))
    fits()
    counted.press(page.get_by_role("button", name="Simpan", exact=True))
    page.wait_for_url(f"**/admin/letters/details/?id={letter_id}")
    fits()
    if shots:
        page.screenshot(path=shots / "phone-kadis-disposed.png", full_page=True)
    page.context.close()
    with app.app_context():
        saved = db.session.get(RequestLetter, letter_id).status is S.AT_KABID
    return counted.count, saved and not wide, "; ".join(wide)


def demo_app(folder: Path):
    url = f"sqlite:///{folder / 'moves.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-moves"})
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        seed_demo(db.session, at=datetime.now(UTC))
        db.session.commit()
    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the demo database in this folder")
    parser.add_argument("--screenshots", type=Path, help="save each saved move's page here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="moves-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    app = demo_app(folder)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    rows, failed, taken = [], False, set()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox"])
        for move in MOVES:
            count, saved, letter = walk(browser, base, app, move, taken, args.screenshots)
            rows.append((move.name, move.who, letter, count, saved))
        taps, fits, note = phone_check(browser, base, app, args.screenshots)
        browser.close()
    server.shutdown()
    width = max(len(name) for name, *_ in rows)
    print(f"{'move':<{width}}  {'who':<6} {'letter':<8} {'steps':>5}  saved  goal<={GOAL}")
    for (name, who, letter, count, saved), move in zip(rows, MOVES, strict=True):
        ok = saved and count <= GOAL
        failed |= not saved
        typed = f"  (typed: {', '.join(move.typed)})" if move.typed else ""
        print(f"{name:<{width}}  {who:<6} {letter:<8} {count:>5}  {'yes' if saved else 'NO':<5}"
              f"  {'met' if ok else 'not met'}{typed}")
    print(f"\nPhone ({PHONE['width']}x{PHONE['height']}): notice -> saved disposition by the "
          f"Kepala Dinas in {taps} taps; {'fits' if fits else 'FAILED ' + note}"
          f" (goal <= {GOAL} taps, nothing wider than the screen)")
    return 1 if failed or not fits or taps > GOAL else 0


if __name__ == "__main__":
    sys.exit(main())
