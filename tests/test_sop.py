"""The SOP page, from data; a revision adds a version and keeps the earlier one."""

from models import Role, ServiceStandard, SopDocument, db
from models.workflow import STEP_EXECUTOR, TRANSITIONS


def test_the_sop_page_shows_the_document_and_its_step_table(client, login_as):
    login_as(Role.OPD)
    page = client.get("/admin/sop/").get_data(as_text=True)
    for text in ("SOP 100 / TKPBET.DKI / 2020", "3 Februari 2020", "13 Agustus 2020",
                 "Dasar Hukum", "Undang-Undang Nomor 25 Tahun 2009", "Kualifikasi Pelaksanaan",
                 "Keterkaitan", "Ruang Rapat Pontive Center", "Pencatatan dan Pendataan",
                 "Surat telah didisposisikan", "RKA Pembuatan / Peningkatan Aplikasi"):
        assert text in page, text


def test_a_standard_changed_by_the_sysadmin_shows_on_the_page(client, login_as):
    db.session.query(ServiceStandard).filter_by(number=1).one().minutes = 20
    db.session.commit()
    login_as(Role.CLERK)
    page = client.get("/admin/sop/").get_data(as_text=True)
    assert "<td>20</td>" in page


def test_each_step_shows_as_executor_the_role_the_workflow_lets_finish_it(app):
    started = {t.starts for t in TRANSITIONS.values() if t.starts}
    assert set(STEP_EXECUTOR) == started
    for standard in db.session.query(ServiceStandard):
        assert standard.actor_role is STEP_EXECUTOR[standard.number]


def test_the_standards_screen_does_not_let_the_sysadmin_change_executor_or_kelengkapan(
        client, login_as):
    standard = db.session.query(ServiceStandard).filter_by(number=1).one()
    role, kelengkapan = standard.actor_role, standard.kelengkapan
    login_as(Role.SYSADMIN)
    form = client.get(f"/admin/standards/edit/?id={standard.id}").get_data(as_text=True)
    assert 'name="actor_role"' not in form and 'name="kelengkapan"' not in form
    response = client.post(f"/admin/standards/edit/?id={standard.id}", dict(
        name=standard.name, actor_role="opd", kelengkapan="Apa saja", minutes="20",
        output="Surat telah didisposisikan kepada Kasi", edit_version=str(standard.version)))
    assert response.status_code == 302
    db.session.refresh(standard)
    assert (standard.actor_role, standard.kelengkapan, standard.minutes, standard.output) == (
        role, kelengkapan, 15, "Surat telah didisposisikan kepada Kasi")  # a time: a version


def test_a_revision_adds_a_version_and_keeps_the_earlier_one(client, login_as):
    login_as(Role.SYSADMIN)
    form = client.get("/admin/sop_versions/new/").get_data(as_text=True)
    assert "SOP 100 / TKPBET.DKI / 2020" in form  # prefilled from the version in force
    first = SopDocument.current(db.session)
    data = {field: getattr(first, field) or "" for field in (
        "number", "name", "effective", "approver_name", "approver_title", "approver_nip",
        "legal_basis", "qualifications", "related", "equipment", "warning", "records")}
    data.update(created_on="2020-02-03", revised_on="2026-01-05", effective="2026",
                warning="Peralatan rusak segera dilaporkan kepada Kasi PK&AI.")
    assert client.post("/admin/sop_versions/new/", data).status_code == 302
    db.session.commit()
    versions = db.session.query(SopDocument).order_by(SopDocument.version).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].warning.startswith("Bila adanya kerusakan")
    assert "segera dilaporkan" in client.get("/admin/sop/").get_data(as_text=True)
