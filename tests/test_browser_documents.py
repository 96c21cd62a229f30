"""The letters in Chromium: the Kasi writes the invitation from the meeting's page, and a reader
with the paper opens its verification page without logging in."""

import subprocess

from models import DocumentKind, Role, db

from .browser import SCREENSHOTS, Desk
from .builders import make_user
from .test_documents import dinkes, issued, meeting, office  # noqa: F401 (fixtures)


def test_the_kasi_writes_the_invitation_and_a_reader_checks_it_without_logging_in(
        chromium, live_server, meeting):  # noqa: F811
    kasi = make_user(Role.KASI)
    db.session.commit()
    desk = Desk(chromium, live_server)
    desk.login(kasi.username)
    page = desk.open(f"/admin/meetings/details/?id={meeting.id}")
    invitation = page.locator("form").filter(has_text="Undangan rapat teknis")
    with page.expect_download() as download:
        invitation.get_by_role("button", name="PDF").click()
    pdf = download.value.path().read_bytes()
    page.reload()
    assert "undangan-rapat-teknis-" in page.locator(".issued-documents").inner_text()
    desk.shot("documents-meeting")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-",
                    str(SCREENSHOTS / "documents-invitation-pdf")], input=pdf, check=True)
    timeline = desk.open(f"/admin/letters/details/?id={meeting.letter_id}")
    entry = timeline.locator("li").filter(has_text="Dokumen diterbitkan: Undangan rapat teknis")
    assert "005/112/Diskominfo-B/2025" in entry.inner_text()
    entry.scroll_into_view_if_needed()
    desk.shot("documents-timeline")
    assert desk.errors == []
    desk.close()

    [document] = issued(DocumentKind.MEETING_INVITATION)
    reader = Desk(chromium, live_server, viewport={"width": 390, "height": 844})
    page = reader.open(f"/verifikasi/{document.code}")
    assert page.locator("h1").all_inner_texts() == ["Verifikasi dokumen"]
    assert "005/112/Diskominfo-B/2025" in page.locator("dl.verified").inner_text()
    assert reader.serious_violations() == []
    reader.shot("documents-verification")
    altered = document.code[:-1] + ("A" if document.code[-1] != "A" else "B")
    response = page.goto(f"/verifikasi/{altered}")
    assert response.status == 404 and "Dokumen tidak dikenal" in page.inner_text("main")
    reader.shot("documents-verification-unknown")
    assert reader.serious_violations() == []
    reader.close()
