"""The browser walks' desk: one person in Chromium, logging in through the log-in page."""

import os
from pathlib import Path

from .builders import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
#: Where the walks leave their screenshots: under .browser/ (not kept in git) unless
#: SCREENSHOTS names another folder; `make screenshots` renews the README's, in docs/.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", ROOT / ".browser" / "screenshots"))
#: axe-core, the npm package, installed by `make test` (see the Makefile).
AXE = Path(os.environ.get("AXE_CORE", ROOT / ".browser/node_modules/axe-core/axe.min.js"))
#: Phone width for the small-screen checks (a common Android phone, in CSS pixels).
PHONE = {"width": 360, "height": 780}


class Desk:
    """A browser window with one person at it; collects console errors and CSP reports."""

    def __init__(self, browser, base_url, viewport=None):
        self.context = browser.new_context(
            base_url=base_url, locale="id-ID", timezone_id="Asia/Pontianak",
            viewport=viewport or {"width": 1280, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        # no revalidation: the development server leaves a static file open on a 304
        self.context.new_cdp_session(self.page).send("Network.setCacheDisabled",
                                                     {"cacheDisabled": True})
        self.errors = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(
            f"{r.status} {r.url}"))
        self.page.on("dialog", lambda dialog: dialog.accept())

    def login(self, username, password=PASSWORD, lands_on="**/admin/"):
        page = self.page
        page.goto("/auth/login")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(lands_on)

    def first_login(self, username, first_password, password=PASSWORD):
        """Log in with the password someone else chose, and choose one's own as asked."""
        self.login(username, first_password, lands_on="**/auth/password")
        page = self.page
        page.locator("#current").fill(first_password)
        page.locator("#new").fill(password)
        page.locator("#repeat").fill(password)
        page.get_by_role("button", name="Ganti kata sandi").click()
        page.wait_for_url("**/admin/")

    def logout(self):
        self.page.get_by_role("button", name="Keluar").click()
        self.page.wait_for_url("**/auth/login")

    def open(self, path):
        response = self.page.goto(path)
        assert response.status < 400, (path, response.status)
        return self.page

    def fill(self, field, value):
        """A text, date or time field; a date picker that opened is closed again."""
        box = self.page.locator(f"#{field}")
        box.fill(value)
        box.press("End")  # a key up, as typing gives: the date picker reads the text then
        size = self.page.viewport_size  # a click on the empty margin closes a picker
        self.page.mouse.click(size["width"] - 3, size["height"] - 3)

    def choose(self, field, *labels):
        """A (Select2-enhanced) dropdown: the options whose text starts with each label."""
        select = self.page.locator(f"select#{field}")
        values = []
        for label in labels:
            option = select.locator("option").filter(has_text=label).first
            values.append(option.get_attribute("value"))
        select.select_option(values, force=True)

    def search(self, field, text):
        """A search-as-you-type dropdown (Select2 over the look-up): type, take the first match."""
        self.page.locator(f"#s2id_{field} .select2-choice").click()
        self.page.locator("#select2-drop input.select2-input").press_sequentially(text)
        self.page.locator("#select2-drop .select2-result-selectable").first.click()

    def save(self):
        self.page.get_by_role("button", name="Simpan", exact=True).click()
        self.page.wait_for_load_state()

    def flashed(self):
        """The page's messages, and any field's error after them."""
        return " ".join(self.page.locator(".alert, .invalid-feedback, .help-block, .text-danger")
                        .all_inner_texts())

    def shot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def serious_violations(self):
        """axe-core's serious and critical findings on the page now."""
        # evaluated through the DevTools protocol, so the page's own CSP does not block it
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        return self.page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3)
                    .map(n => n.target.join(" ")).join(", ")}`);
        }""")

    def close(self):
        self.context.close()
