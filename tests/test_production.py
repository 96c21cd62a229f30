"""A production install: the reference data without demo people, the office's own agencies
and staff loaded from files, and one letter walked through the SOP on that alone."""

import csv
import re

import pytest

from models import (
    Agency,
    AuditEntry,
    DomainError,
    LetterStatus,
    Role,
    ServiceStandard,
    User,
    WorkSchedule,
    db,
)
from models.reference import read_agencies, read_schedules

from .browser import Desk
from .builders import PASSWORD, make_disposition, make_letter
from .test_browser_walks import _letter, clock, dispose, meet_and_decide, register

STAFF = [
    ("tu", "Siti Rahmawati", "clerk", "DISKOMINFO", "Pengadministrasi Umum"),
    ("kadis", "Hendra Gunawan", "kadis", "DISKOMINFO", "Kepala Dinas"),
    ("kabid", "Yuliana Sari", "kabid", "DISKOMINFO", "Kepala Bidang TKPBET"),
    ("kasi", "Agus Salim", "kasi", "DISKOMINFO", "Kepala Seksi PK&AI"),
    ("pengawas", "Dewi Lestari", "supervisor", "DISKOMINFO", "Sekretaris Dinas"),
    ("opd.dinkes", "Fransiska Natalia", "opd", "DINKES", "Pranata Komputer"),
]
HEADER = ["username", "full_name", "role", "agency_code", "position", "nip"]


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.commit()
    return result


def _table(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([header, *rows])
    return str(path)


def test_the_reference_data_loads_without_demo_people_and_only_once(app):
    first = _cli(app, "load-reference")
    assert first.exit_code == 0, first.output
    assert db.session.query(Agency).count() == len(read_agencies())
    assert {s.name for s in db.session.query(WorkSchedule)} == {
        row["name"] for row in read_schedules()}
    assert db.session.query(ServiceStandard).count() == 3
    assert db.session.query(User).count() == 0
    ramadan = db.session.query(WorkSchedule).filter_by(name="Ramadan 1446 H").one()
    assert (str(ramadan.first_day), str(ramadan.last_day)) == ("2025-03-01", "2025-03-30")
    entries = db.session.query(AuditEntry).count()
    again = _cli(app, "load-reference")
    assert "0 schedules added, 0 agencies added" in again.output
    assert db.session.query(AuditEntry).count() == entries


def test_staff_load_all_or_nothing_naming_line_and_column(app, tmp_path):
    _cli(app, "load-reference")
    bad = [*STAFF[:2], ("x", "X", "lurah", "DISKOMINFO", "Staf"), ("y", "Y", "kasi", "NOPE", "S")]
    result = _cli(app, "import-users", _table(tmp_path / "bad.csv", HEADER[:5], bad))
    assert result.exit_code != 0
    assert "baris 4, kolom role" in result.output and "baris 5, kolom agency_code" in result.output
    assert db.session.query(User).count() == 0
    good = _cli(app, "import-users", _table(tmp_path / "staff.csv", HEADER[:5], STAFF))
    assert good.exit_code == 0, good.output
    users = db.session.query(User).all()
    assert len(users) == len(STAFF) and all(u.must_change_password for u in users)
    twice = _cli(app, "import-users", _table(tmp_path / "again.csv", HEADER[:5], STAFF[:1]))
    assert twice.exit_code != 0 and "baris 2, kolom username" in twice.output


def test_agencies_load_from_a_file_with_their_kecamatan(app, tmp_path):
    _cli(app, "load-reference")
    rows = [("KEL-BARU", "Kel. Baru", "Kelurahan Baru", "kelurahan", "KEC-PTK-UTARA"),
            ("KEL-YATIM", "Kel. Yatim", "Kelurahan Yatim", "kelurahan", "")]
    header = ["code", "name", "short_name", "kind", "parent_code"]
    result = _cli(app, "import-agencies", _table(tmp_path / "a.csv", header,
                                                  [(c, n, s, k, p) for c, s, n, k, p in rows]))
    assert result.exit_code != 0 and "baris 3, kolom parent_code" in result.output
    assert db.session.query(Agency).filter_by(code="KEL-BARU").first() is None
    result = _cli(app, "import-agencies", _table(tmp_path / "b.csv", header,
                                                  [(c, n, s, k, p) for c, s, n, k, p in rows[:1]]))
    assert result.exit_code == 0, result.output
    assert db.session.query(Agency).filter_by(code="KEL-BARU").one().parent.code == "KEC-PTK-UTARA"


def test_a_production_install_walks_a_letter_with_no_demo_data(app, chromium, live_server,
                                                               tmp_path):
    assert _cli(app, "load-reference").exit_code == 0
    admin = _cli(app, "create-user", "--username", "admin", "--full-name", "Admin Sistem",
                 "--role", "sysadmin", "--agency-code", "DISKOMINFO", "--password", PASSWORD)
    assert admin.exit_code == 0, admin.output
    loaded = _cli(app, "import-users", _table(tmp_path / "staff.csv", HEADER[:5], STAFF))
    assert loaded.exit_code == 0, loaded.output
    first = dict(re.findall(r"^\s+(\S+)\s+(\S+)$", loaded.output, re.MULTILINE))
    assert set(first) == {row[0] for row in STAFF}

    desk = Desk(chromium, live_server)
    desk.login("admin")
    users = desk.open("/admin/users/").content()
    assert all(name in users for _, name, *_ in STAFF)
    desk.logout()
    for username in first:
        desk.first_login(username, first[username])
        desk.logout()

    number = "000.8/90/Dinkes/2026"
    desk.login("tu")
    register(desk, number, "Permohonan aplikasi antrean puskesmas")
    desk.logout()
    desk.login("kadis")
    dispose(desk, number, "Yuliana Sari", "Mohon ditindaklanjuti")
    desk.logout()
    desk.login("kabid")
    dispose(desk, number, "Agus Salim", "Telaah dan jadwalkan rapat teknis")
    desk.logout()
    desk.login("kasi")
    meet_and_decide(desk, number, "Ditolak", reason="Sudah ada aplikasi serupa",
                    reply_number="000.8/5/Diskominfo/2026", reply_date=clock()[:10])
    desk.logout()
    letter = _letter(number)
    assert letter.status is LetterStatus.REJECTED
    assert {s.holder.username for s in letter.steps} == {"kabid", "kasi"}
    desk.login("opd.dinkes")
    assert number in desk.open("/admin/notices/").content()
    assert desk.errors == [], desk.errors
    desk.close()
    assert db.session.query(User).filter_by(role=Role.OPD).one().agency.code == "DINKES"


def test_a_step_without_its_standard_loaded_is_explained_not_a_traceback(app):
    letter = make_letter(status=LetterStatus.AT_KADIS)
    db.session.query(ServiceStandard).delete()
    with pytest.raises(DomainError, match="load-reference"):
        make_disposition(letter=letter)
    db.session.rollback()
