"""The downloads opened by a real spreadsheet: LibreOffice Calc set to Indonesian (id-ID) and to
English (en-US), each reading the CSV of its own dialect and the XLSX. What a person types into
a formula must be a number or a date cell, not text that looks like one."""

import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from models import LetterStatus, Role, db

from .builders import make_agency, make_decision, make_letter, make_rka_item

#: A LibreOffice profile: the locale every document is read in, as the user's settings set it.
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""
#: The spreadsheet each dialect is written for, and the separator its CSV import is given
#: (as a spreadsheet of that language offers it: ";" is Indonesian Excel's list separator).
SPREADSHEETS = {"id": ("id-ID", ord(";")), "en": ("en-US", ord(","))}


def opened(path: Path, locale: str, separator: int, tmp: Path):
    """The first sheet of `path` as LibreOffice set to `locale` reads it (saved as XLSX)."""
    profile = tmp / f"profile-{locale}"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE.format(locale=locale))
    out = tmp / f"out-{locale}-{path.stem}"
    # filter options: separator, text quote ("), UTF-8 (76), first line 1
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    f"--infilter=CSV:{separator},34,76,1", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=120)
    return openpyxl.load_workbook(out / f"{path.stem}.xlsx").active


def columns(sheet) -> dict[str, list]:
    header = [cell.value for cell in sheet[1]]
    return {name: [row[i].value for row in sheet.iter_rows(min_row=2)]
            for i, name in enumerate(header)}


@pytest.fixture
def year_of_requests(app):
    """Requests of 2025 through the SOP, one budgeted with cents and a fractional volume."""
    agency = make_agency(code="DINKES", name="Dinas Kesehatan")
    for _ in range(3):
        make_letter(agency=agency, status=LetterStatus.IN_RKA)
    make_rka_item(decision=make_decision(letter=make_letter(agency=agency)),
                  volume=Decimal("1.50"), unit_price=Decimal("166666666.66"))
    db.session.commit()


@pytest.mark.parametrize("dialect", ["id", "en"])
def test_a_spreadsheet_of_the_dialects_language_reads_numbers_and_times(
        client, login_as, year_of_requests, tmp_path, dialect):
    locale, separator = SPREADSHEETS[dialect]
    login_as(Role.SUPERVISOR)
    year = "from=2025-01-01&to=2025-12-31"
    downloads = {
        "durations": f"/admin/reports/?report=step-durations&{year}&format=csv",
        "compliance": f"/admin/reports/?report=compliance&{year}&format=csv",
        "budget": "/admin/reports/budget/?year=2026&format=csv"}
    sheets = {}
    for name, url in downloads.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(client.get(f"{url}&dialect={dialect}").data)
        sheets[name] = columns(opened(path, locale, separator, tmp_path))

    durations = sheets["durations"]
    assert all(isinstance(value, datetime) for value in durations["Mulai"])
    assert all(isinstance(value, int | float) for value in durations["Menit kerja"])
    assert set(durations["Sesuai standar"]) <= {"ya", "tidak"}
    shares = sheets["compliance"]["Sesuai standar (%)"]
    assert shares and all(isinstance(value, int | float) for value in shares)
    assert all(isinstance(value, int | float) for value in sheets["compliance"]["Median (menit)"])
    budget = sheets["budget"]
    assert 1.5 in budget["Volume"] and 249999999.99 in budget["Jumlah (Rp)"]


def test_the_other_dialect_is_text_to_that_spreadsheet(client, login_as, year_of_requests,
                                                        tmp_path):
    """The check above can fail: an English file in an Indonesian spreadsheet keeps 1.5 and
    249999999.99 as text, which is why there are two dialects."""
    login_as(Role.SUPERVISOR)
    path = tmp_path / "budget.csv"
    path.write_bytes(client.get("/admin/reports/budget/?year=2026&format=csv&dialect=en").data)
    budget = columns(opened(path, "id-ID", ord(","), tmp_path))
    assert "1.5" in budget["Volume"] or "1.50" in budget["Volume"]
    assert 249999999.99 not in budget["Jumlah (Rp)"]


def test_an_xlsx_download_keeps_its_cells_through_a_spreadsheet(client, login_as,
                                                                  year_of_requests, tmp_path):
    login_as(Role.SUPERVISOR)
    path = tmp_path / "budget.xlsx"
    path.write_bytes(client.get("/admin/reports/budget/?year=2026&format=xlsx").data)
    # opened and saved again by LibreOffice, as a person who edits it would
    sheet = opened(path, "id-ID", ord(";"), tmp_path)
    budget = columns(sheet)
    assert 249999999.99 in budget["Jumlah (Rp)"] and 1.5 in budget["Volume"]
    assert sheet.auto_filter.ref == f"A1:J{sheet.max_row}"
