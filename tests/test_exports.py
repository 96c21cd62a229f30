"""The screens' CSV exports: every cell defused and as a person reads it, in the user's dialect,
holding the rows the list holds."""

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale

from admin_views.permissions import EXPORT, RESOURCES, can
from models import Language, LetterStatus, RequestKind, Role, db

from .builders import (
    RECEIVED,
    make_agency,
    make_application,
    make_fault,
    make_letter,
    make_meeting,
    make_user,
    staff,
)
from .world import ENDPOINTS, build_world

#: What makes a spreadsheet run a cell (reports/export.py FORMULA_STARTS).
RUNS = ("=", "+", "-", "@", "\t", "\r")


def export(client, endpoint, query="", separator=";") -> list[dict]:
    """The rows of a screen's CSV export, by column title."""
    response = client.get(f"/admin/{endpoint}/export/csv/{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=separator))


def hostile_world():
    """An office whose names start like formulas, in plain and in related columns."""
    agency = make_agency(short_name="=XSS()", name="=HYPERLINK(\"http://x\")")
    world = build_world(agency)
    make_letter(agency=agency, subject="@SUM(A1)", request_kind=RequestKind.UPGRADE,
                application=make_application(agency=agency, name="=1+1"),
                application_name=None)
    officials = world.staff.values()
    for official in officials:
        official.full_name = "+" + official.full_name
    make_meeting(letter=make_letter(agency=agency), staff=list(officials), agencies=[agency])
    db.session.commit()
    return world


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SUPERVISOR, Role.KASI])
def test_every_cell_of_every_export_is_defused(client, login_as, role):
    hostile_world()
    login_as(role)
    exported = [resource for resource in RESOURCES if can(role, EXPORT, resource)]
    assert "letter" in exported
    for resource in exported:
        for row in export(client, ENDPOINTS[resource]):
            for title, cell in row.items():
                assert not cell.startswith(RUNS), (resource, title, cell)


def test_related_names_are_defused_where_the_probe_found_them(client, login_as):
    hostile_world()
    login_as(Role.SYSADMIN)
    assert "'=XSS()" in {row["Perangkat daerah"] for row in export(client, "users")}
    upgrades = [row for row in export(client, "letters") if row["Aplikasi (peningkatan)"]]
    assert [row["Aplikasi (peningkatan)"] for row in upgrades] == ["'=1+1"]
    assert upgrades[0]["Perihal"] == "'@SUM(A1)"


def test_cells_read_as_on_screen_not_as_codes_html_or_utc(client, login_as):
    clerk = staff(Role.CLERK)
    letter = make_letter(agency=make_agency(short_name="Dinkes"), registered_by=clerk)
    make_fault(reported_at=RECEIVED, repaired_at=RECEIVED + timedelta(hours=36),
               reported_by=clerk)
    db.session.commit()
    login_as(Role.SYSADMIN)
    (row,) = export(client, "letters")
    with force_locale("id"):
        assert row["Status"] == str(LetterStatus.REGISTERED.label) != "registered"
    assert row["Surat dari (OPD)"] == "Dinkes"
    assert row["Pindaian surat"] == "surat.pdf"  # not a link in HTML
    assert row["Diterima"] == "2025-02-28 08:00"  # office time, 01:00 UTC
    assert row["Tgl. Surat"] == "2025-02-27"
    assert row["No. Agenda"] == str(letter.agenda_number)
    assert row["Dicatat oleh"] == str(clerk)
    users = {row["Nama pengguna"]: row for row in export(client, "users")}
    assert users[clerk.username]["Aktif"] == "ya"
    (fault,) = export(client, "faults")
    assert fault["Lama terbuka (hari)"] == "1,5"


def test_follow_up_exports_show_amounts_linked_names_and_words(client, login_as):
    world = build_world()
    make_meeting(letter=make_letter(agency=world.agency),
                 staff=[world.staff[Role.KASI], world.staff[Role.KABID]],
                 agencies=[world.agency])
    db.session.commit()
    login_as(Role.SYSADMIN)
    (item,) = export(client, "rka")
    assert item["Harga satuan (Rp)"] == "150000000,00" and item["Volume"] == "1,00"
    assert item["Permohonan yang diterima"] == f"{world.decision.letter} · Diterima"
    staffed = [row for row in export(client, "meetings") if row["Pegawai yang hadir"]]
    assert [row["Pegawai yang hadir"] for row in staffed] == [", ".join(sorted(
        str(world.staff[role]) for role in (Role.KASI, Role.KABID)))]
    assert staffed[0]["OPD yang hadir"] == str(world.agency)
    assert {row["Pencatatan susulan"] for row in export(client, "history")} == {"ya", "tidak"}
    assert all("<" not in row["Perubahan (lama → baru)"] for row in export(client, "audit"))
    instructions = {row["Instruksi"] for row in export(client, "dispositions")}
    assert "process" not in ", ".join(instructions)


def test_the_dialect_is_the_one_asked_for_or_the_users_language(client, login_as):
    build_world()
    db.session.commit()
    login_as(Role.SYSADMIN)
    (item,) = export(client, "rka", "?dialect=en", separator=",")
    assert item["Harga satuan (Rp)"] == "150000000.00"
    (item,) = export(client, "rka", "?dialect=unknown")
    assert item["Harga satuan (Rp)"] == "150000000,00"
    client.logout()
    english = make_user(Role.SUPERVISOR, language=Language.EN)
    db.session.commit()
    assert client.login(english.username).status_code == 302
    (item,) = export(client, "rka", separator=",")
    assert item["Unit price (Rp)"] == "150000000.00"
    assert {row["Transcribed"] for row in export(client, "history", separator=",")} == {
        "yes", "no"}


def test_an_export_holds_the_rows_the_list_holds_searched_and_sorted(client, login_as,
                                                                    monkeypatch):
    from admin_views import export as streaming
    monkeypatch.setattr(streaming, "BATCH", 2)
    for n in range(5):
        make_letter(number=f"URUT/{n}", received_at=RECEIVED - timedelta(hours=n))
    make_letter(number="LAIN/1")
    db.session.commit()
    login_as(Role.SUPERVISOR)
    numbers = [row["No. Surat"] for row in export(client, "letters", "?search=URUT")]
    assert numbers == [f"URUT/{n}" for n in range(5)]  # newest first, as the list
    view = next(v for v in client.app.extensions["admin"][0]._views
                if v.endpoint == "letters")
    # the list's "received_at" column, by its place among the sortable ones: sort ascending
    received = [name for name, _ in view._list_columns].index("received_at")
    numbers = [row["No. Surat"] for row in export(client, "letters",
                                                  f"?search=URUT&sort={received}")]
    assert numbers == [f"URUT/{n}" for n in reversed(range(5))]


def test_related_names_stay_right_when_few_are_kept(client, login_as, monkeypatch):
    from admin_views import export as streaming
    from admin_views import export_labels
    monkeypatch.setattr(streaming, "BATCH", 2)
    monkeypatch.setattr(export_labels, "LABELS_KEPT", 3)
    agencies = [make_agency(short_name=f"OPD {n}") for n in range(4)]
    for n in range(9):
        make_letter(number=f"NAMA/{n}", agency=agencies[n % 4],
                    received_at=RECEIVED - timedelta(hours=n))
    db.session.commit()
    login_as(Role.SUPERVISOR)
    rows = export(client, "letters")
    assert [(row["No. Surat"], row["Surat dari (OPD)"]) for row in rows] == [
        (f"NAMA/{n}", f"OPD {n % 4}") for n in range(9)]


def test_the_list_offers_its_export_for_a_spreadsheet_in_the_other_language(client, login_as):
    make_letter(number="DUA/1")
    db.session.commit()
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/letters/?search=DUA").get_data(as_text=True)
    link = re.search(r'href="([^"]*export/csv/[^"]*dialect=en[^"]*)"', page).group(1)
    assert "search=DUA" in link and "CSV untuk spreadsheet berbahasa Inggris" in page
    (row,) = export(client, "letters", "?" + html.unescape(link).split("?", 1)[1],
                    separator=",")
    assert row["No. Surat"] == "DUA/1"
