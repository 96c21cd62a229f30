"""`flask import-register`: a paper register replayed through the workflow, all rows or none."""

import csv

import pandas as pd
import pytest

from models import LetterStatus, RequestLetter, Role, StepRecord, db

from .builders import PDF, make_agency, staff

HEADER = ["agency_code", "number", "letter_date", "received_at", "subject", "request_kind",
          "application_name", "spbe_category", "scan_file", "sent_to_kadis_at",
          "disposed_to_kabid_at", "disposed_to_kasi_at", "meeting_at", "decided_at", "outcome",
          "reason", "reply_number", "reply_date", "rka_code", "rka_volume", "rka_unit_price",
          "rka_planned_at"]

BUDGETED = ["DINKES", "440/1/2024", "2024-03-01", "2024-03-04 09:00", "Aplikasi Antrean",
            "new", "Antrean Puskesmas", "specific", "surat1.pdf", "2024-03-04 09:10",
            "2024-03-04 10:00", "2024-03-04 10:40", "2024-03-06 09:00", "2024-03-07 10:00",
            "accepted", "", "", "", "2.16.03.1.02.0005", "1", "150000000.00",
            "2024-03-07 10:30"]
REJECTED = ["DINKES", "440/2/2024", "2024-04-01", "2024-04-02 13:00", "Aplikasi Gizi", "new",
            "Pemantauan Gizi", "specific", "surat2.pdf", "2024-04-02 13:05",
            "2024-04-02 14:00", "2024-04-03 08:00", "2024-04-05 09:00", "2024-04-08 09:00",
            "rejected", "Sudah ada aplikasi serupa", "000.8/77/Diskominfo/2024", "2024-04-08",
            "", "", "", ""]
REGISTERED = ["DINKES", "440/3/2024", "2024-05-01", "2024-05-02 08:00", "Aplikasi Rapor",
              "new", "Rapor Digital", "general", "", "", "", "", "", "", "", "", "", "", "", "",
              "", ""]


@pytest.fixture
def office(app, tmp_path):
    make_agency(code="DINKES")
    for role in (Role.CLERK, Role.KADIS, Role.KABID, Role.KASI):
        staff(role)
    db.session.commit()
    for name in ("surat1.pdf", "surat2.pdf"):
        (tmp_path / name).write_bytes(PDF)
    return tmp_path


def _write(folder, rows, name="register.csv"):
    path = folder / name
    if name.endswith(".xlsx"):
        pd.DataFrame(rows, columns=HEADER).to_excel(path, index=False)
    else:
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([HEADER, *rows])
    return path


@pytest.mark.parametrize("name", ["register.csv", "register.xlsx"])
def test_a_register_is_replayed_through_the_workflow(app, office, name):
    path = _write(office, [BUDGETED, REJECTED, REGISTERED], name)
    result = app.test_cli_runner().invoke(args=["import-register", str(path)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    status = {letter.number: letter.status for letter in db.session.query(RequestLetter)}
    assert status == {"440/1/2024": LetterStatus.IN_RKA, "440/2/2024": LetterStatus.REJECTED,
                      "440/3/2024": LetterStatus.REGISTERED}
    budgeted = db.session.query(RequestLetter).filter_by(number="440/1/2024").one()
    first = {s.number: s for s in budgeted.steps}[1]
    assert first.finished_at > first.due_at  # 40 minutes for a 15-minute step: late
    assert all(change.backdated for change in budgeted.history)
    assert db.session.query(StepRecord).count() == 5


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(app, office):
    bad = list(REJECTED)
    bad[HEADER.index("decided_at")] = "8 April 2024"
    path = _write(office, [BUDGETED, bad, REGISTERED])
    result = app.test_cli_runner().invoke(args=["import-register", str(path)])
    assert result.exit_code != 0
    assert "baris 3, kolom decided_at" in result.output
    assert "tidak ada yang diimpor" in result.output
    db.session.expire_all()
    assert db.session.query(RequestLetter).count() == 0


def test_a_row_that_breaks_the_procedure_is_refused(app, office):
    bad = list(BUDGETED)
    bad[HEADER.index("disposed_to_kasi_at")] = "2024-03-04 09:30"  # before the Kabid had it
    path = _write(office, [REGISTERED, bad])
    result = app.test_cli_runner().invoke(args=["import-register", str(path)])
    assert result.exit_code != 0 and "baris 3" in result.output
    db.session.expire_all()
    assert db.session.query(RequestLetter).count() == 0
