"""The README's pictures, taken in Chromium from the demo: `make screenshots`.

A fresh demo database (SQLite, in a temporary folder), the app served on a loopback port, and
each role logged in through the log-in page, as a person would. Usage:
    python docs/screenshots.py [FOLDER]      (default: docs/screenshots)
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).with_name("flask"))
PASSWORD = "demo-sop-2026"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
#: Pictures of the whole page, not only of the screen's first view.
WHOLE_PAGE = {"opd-request-timeline", "documents-meeting"}


def next_monday() -> str:
    today = date.today()
    return (today + timedelta(days=7 - today.weekday())).strftime("%d/%m/%Y")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_ids(env, folder: Path) -> dict:
    """Records the pictures open: a letter with the Kepala Dinas, one of the OPD's own that
    has had its meeting, and
    an issued invitation (its meeting and its code); the invitation's first page is drawn
    into `folder` as a picture (pdftoppm)."""
    script = (
        "from app import create_app\n"
        "from models import RequestLetter, LetterStatus, User, db\n"
        "from models.documents import DocumentKind, IssuedDocument\n"
        "from sqlalchemy import select\n"
        "with create_app().app_context():\n"
        "    kadis = db.session.scalar(select(RequestLetter.id).where(\n"
        "        RequestLetter.status == LetterStatus.AT_KADIS).limit(1))\n"
        "    opd = db.session.scalar(select(User).where(User.username == 'opd.dinkes'))\n"
        "    own = db.session.scalar(select(RequestLetter.id).where(\n"
        "        RequestLetter.agency_id == opd.agency_id, RequestLetter.status.in_(\n"
        "        [LetterStatus.IN_ANALYSIS, LetterStatus.ACCEPTED, LetterStatus.REJECTED]))\n"
        "        .order_by(RequestLetter.id.desc()).limit(1))\n"
        "    paper = db.session.scalar(select(IssuedDocument).where(IssuedDocument.kind ==\n"
        "        DocumentKind.MEETING_INVITATION).order_by(IssuedDocument.id.desc()).limit(1))\n"
        f"    open({str(folder / 'invitation.pdf')!r}, 'wb').write(paper.pdf.data)\n"
        "    print(kadis, own, paper.record_id, paper.code)\n")
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(folder / "invitation.pdf"),
                    str(folder / "documents-invitation-pdf")], check=True)
    (folder / "invitation.pdf").unlink()
    return dict(zip(("kadis_letter", "opd_letter", "meeting", "code"), out[-4:], strict=True))


def shots(ids) -> list[tuple[str, str, str, dict]]:
    """(user, path, picture, viewport), one person after another (no user: not logged in)."""
    return [
        ("tu", "/admin/", "home-clerk", DESKTOP),
        ("tu", "/admin/letters/", "clerk-letter-list", DESKTOP),
        ("tu", "/admin/letters/new/", "clerk-new-letter", DESKTOP),
        ("tu", f"/admin/letters/sheet/?id={ids['kadis_letter']}", "disposition-sheet", DESKTOP),
        ("kadis", "/admin/", "home-kadis", DESKTOP),
        ("kadis", f"/admin/letters/details/?id={ids['kadis_letter']}", "kadis-letter", DESKTOP),
        ("kadis", "/admin/", "phone-admin", PHONE),
        ("kasi", "/admin/desk/", "desk-kasi", DESKTOP),
        ("kasi", "/admin/meetings/", "kasi-meetings", DESKTOP),
        ("kasi", f"/admin/room/?week={next_monday()}", "kasi-room", DESKTOP),
        ("kasi", "/admin/decisions/new/", "kasi-new-decision", DESKTOP),
        ("kasi", f"/admin/meetings/details/?id={ids['meeting']}", "documents-meeting", DESKTOP),
        (None, f"/verifikasi/{ids['code']}", "documents-verification", PHONE),
        ("kasi", "/admin/rka/", "kasi-rka", DESKTOP),
        ("pengawas", "/admin/reports/?report=compliance", "supervisor-report", DESKTOP),
        ("pengawas", "/admin/letters/?flt0_0=overdue", "supervisor-overdue", DESKTOP),
        ("opd.dinkes", "/admin/", "home-opd", DESKTOP),
        ("opd.dinkes", f"/admin/letters/details/?id={ids['opd_letter']}",
         "opd-request-timeline", DESKTOP),
        ("opd.dinkes", "/admin/notices/", "opd-notices", DESKTOP),
    ]


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/demo.db",
                   SECRET_KEY="screenshots-only", FLASK_APP="app:create_app")
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run([FLASK, *command], env=env, cwd=ROOT, check=True,
                           capture_output=True)
        ids = demo_ids(env, folder)
        port = free_port()
        server = subprocess.Popen([FLASK, "run", "--port", str(port)], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.2)
            take(f"http://127.0.0.1:{port}", shots(ids), folder)
        finally:
            server.terminate()
            server.wait()


def take(base_url, plan, folder: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
        for user, path, name, viewport in plan:
            context = browser.new_context(base_url=base_url, locale="id-ID",
                                          timezone_id="Asia/Pontianak", viewport=viewport)
            page = context.new_page()
            if user is not None:  # None: a reader who does not log in
                page.goto("/auth/login")
                page.get_by_label("Nama pengguna").fill(user)
                page.get_by_label("Kata sandi").fill(PASSWORD)
                page.get_by_role("button", name="Masuk").click()
                page.wait_for_load_state()
            response = page.goto(path)
            if response is None or response.status >= 400:
                raise SystemExit(f"{path} as {user}: {response and response.status}")
            page.wait_for_timeout(1500)  # a scan's PDF viewer draws after the page has loaded
            page.screenshot(path=folder / f"{name}.png", full_page=name in WHOLE_PAGE)
            print(f"{name}.png  {user}  {path}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
