"""`flask import-register`: a paper register replayed through the workflow, all rows or none."""

import csv

import openpyxl
import pandas as pd
import pytest

from models import Agency, LetterStatus, RequestLetter, RkaItem, Role, StepRecord, db
from models.db import MAX_RUPIAH

from .builders import PDF, make_agency, make_application, staff

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


def _import(app, folder, rows, name="register.csv"):
    return app.test_cli_runner().invoke(args=["import-register", str(_write(folder, rows,
                                                                            name))])


def _refused(result):
    """Refused with a message, never a traceback, and nothing imported."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    db.session.expire_all()
    assert db.session.query(RequestLetter).count() == 0
    return result.output


def _with(row, **changes):
    row = list(row)
    for column, value in changes.items():
        row[HEADER.index(column)] = value
    return row


@pytest.mark.parametrize("column,value,message", [
    ("rka_volume", "-3", "antara"),
    ("rka_volume", "1e40", "antara"),
    ("rka_volume", "NaN", "angka"),
    ("rka_unit_price", "Infinity", "angka"),
    ("rka_unit_price", "-Infinity", "angka"),
    ("rka_unit_price", "10000000000000000.00", "9999999999999999.99"),
    ("rka_unit_price", "1.001", "2 angka"),
    ("letter_date", "0001-01-01", "1945"),
    ("received_at", "0001-01-01 09:00", "1945"),
    ("rka_planned_at", "9999-01-01 09:00", "1945"),
    ("number", "4" * 300, "100 karakter"),
    ("subject", "Aplikasi \x07 Antrean", "karakter kendali"),
    ("subject", "Aplikasi \x00 Antrean", "karakter kendali"),
    ("subject", "Aplikasi \u202egnp.exe Antrean", "karakter tak terlihat"),
    ("decided_at", "2024-03-06 08:00", "sebelum"),  # before the meeting
    ("rka_planned_at", "", "wajib"),  # step 3 would end at a guessed time
    ("outcome", "", "wajib"),
])
def test_a_value_the_screens_refuse_is_refused_naming_line_and_column(app, office, column,
                                                                       value, message):
    output = _refused(_import(app, office, [_with(BUDGETED, **{column: value})]))
    assert f"baris 2, kolom {column}:" in output and message in output


def test_a_rejection_without_reason_names_the_reason_column(app, office):
    output = _refused(_import(app, office, [REGISTERED, _with(REJECTED, reason="")]))
    assert "baris 3, kolom reason: Penolakan" in output


def test_a_duplicate_number_names_the_number_column(app, office):
    output = _refused(_import(app, office, [BUDGETED, _with(REGISTERED, number="440/1/2024")]))
    assert "baris 3, kolom number: Nomor surat 440/1/2024" in output


def test_a_figure_without_what_it_belongs_to_is_refused(app, office):
    output = _refused(_import(app, office, [_with(REGISTERED, rka_volume="2")]))
    assert "baris 2, kolom rka_volume: diisi tanpa rka_code" in output


def test_an_unknown_column_is_refused_rather_than_ignored(app, office):
    path = office / "register.csv"
    path.write_text("agency_code,number,letter_date,received_at,subject,request_kind,"
                    "spbe_category,rka_planed_at\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-register", str(path)])
    assert "rka_planed_at" in _refused(result)


@pytest.mark.parametrize("name,content,message", [
    ("register.csv", "agency_code,subject\nDINKES,Pemeriksaan é\n".encode("latin-1"),
     "bukan teks UTF-8"),
    ("register.xlsx", b"\x00\x01binary\xff" * 100, "XLSX"),
    ("register.xlsx", b"PK\x03\x04" + b"\x00" * 200, "XLSX"),
    ("register.csv", b"", "kosong"),
])
def test_a_file_that_cannot_be_read_gets_one_clear_message(app, office, name, content,
                                                           message):
    path = office / name
    path.write_bytes(content)
    output = _refused(app.test_cli_runner().invoke(args=["import-register", str(path)]))
    assert output.startswith("Error: ") and message in output and output.count("\n") == 1


def test_a_formula_cell_is_refused_naming_the_cell(app, office):
    path = _write(office, [BUDGETED], "register.xlsx")
    book = openpyxl.load_workbook(path)
    column = HEADER.index("rka_planned_at") + 1
    book.active.cell(2, column, "=N2+1/24")  # an optional column, computed in Excel
    book.save(path)
    output = _refused(app.test_cli_runner().invoke(args=["import-register", str(path)]))
    assert f"baris 2, kolom rka_planned_at: sel {book.active.cell(2, column).coordinate} " \
           f"berisi rumus" in output


def test_an_upgrade_names_an_application_of_the_agency(app, office):
    dinkes = db.session.query(Agency).filter_by(code="DINKES").one()
    built = make_application(agency=dinkes, name="Antrean Puskesmas")
    db.session.commit()
    upgrade = _with(REGISTERED, request_kind="upgrade", application_name="antrean puskesmas")
    unknown = _with(upgrade, application_name="Tidak Ada")
    assert "baris 2, kolom application_name" in _refused(_import(app, office, [unknown]))
    result = _import(app, office, [upgrade])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.query(RequestLetter).one().application_id == built.id


def test_the_largest_amount_comes_back_exactly(app, office):
    row = _with(BUDGETED, rka_volume="1", rka_unit_price="9999999999999999.99")
    result = _import(app, office, [row], "register.xlsx")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    item = db.session.query(RkaItem).one()
    assert item.unit_price == item.total == MAX_RUPIAH
    assert str(item.total) == "9999999999999999.99"
