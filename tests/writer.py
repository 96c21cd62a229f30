"""One app server process for the concurrent-writers test: logs in, then registers letters
through the app's own WSGI stack and prints each response's status, one per line."""

import sys
import time

from app import create_app

from .conftest import Client


def main(url, username, agency_id, prefix, count, start_at):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    client = Client(app)
    with app.app_context():
        assert client.login(username).status_code == 302
        time.sleep(max(0.0, start_at - time.time()))  # every process starts writing at once
        for n in range(count):
            response = client.post("/admin/letters/new/", dict(
                number=f"{prefix}/{n}", letter_date="2025-02-27",
                received_at="2025-02-28 09:00:00", agency=agency_id,
                subject="Permohonan serentak", request_kind="new",
                application_name=f"Aplikasi {prefix} {n}", spbe_category="specific",
                security_class="biasa", urgency="biasa", archive_code="500.12"))
            page = response.get_data(as_text=True).lower()
            print(response.status_code, "locked" if "locked" in page else "ok", flush=True)


if __name__ == "__main__":
    url, username, agency_id, prefix, count, start_at = sys.argv[1:]
    main(url, username, agency_id, prefix, int(count), float(start_at))
