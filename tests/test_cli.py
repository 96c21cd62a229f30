"""The command line: demo data for every role, and creating a user."""

from datetime import UTC, datetime

from models import (
    AgencyKind,
    DocumentKind,
    IssuedDocument,
    LetterStatus,
    RequestLetter,
    Role,
    StepRecord,
    User,
    db,
)
from models.demo import DEMO_PASSWORD

from .builders import make_agency


def test_seed_demo_loads_pontianak_and_a_log_in_for_every_role(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.commit()
    from models import Agency
    kinds = [a.kind for a in db.session.query(Agency)]
    assert kinds.count(AgencyKind.KECAMATAN) == 6 and kinds.count(AgencyKind.KELURAHAN) == 29
    statuses = {s for (s,) in db.session.query(RequestLetter.status)}
    assert statuses == set(LetterStatus)
    roles = {u.role for u in db.session.query(User)}
    assert roles == set(Role)
    for user in db.session.query(User).filter(User.role != Role.OPD):
        assert user.username in result.output
    letters = db.session.query(RequestLetter).count()
    # the demo's letters issued, PDF and QR code and all: invitations, minutes, rejections
    issued = {d.kind for d in db.session.query(IssuedDocument) if d.pdf is not None}
    assert issued == {DocumentKind.MEETING_INVITATION, DocumentKind.MINUTES,
                      DocumentKind.REJECTION_LETTER}
    documents = db.session.query(IssuedDocument).count()
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0
    db.session.commit()
    assert db.session.query(RequestLetter).count() == letters
    assert db.session.query(IssuedDocument).count() == documents  # the same, not issued again
    supervisor = db.session.query(User).filter_by(role=Role.SUPERVISOR).first()
    assert client.login(supervisor.username, DEMO_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200
    overdue = client.get("/admin/steps/?flt0_0=overdue").get_data(as_text=True)
    late = [s for s in db.session.query(StepRecord).filter(StepRecord.finished_at.is_(None))
            if s.due_at < datetime.now(UTC) and s.paused_since is None]
    assert late and f"Daftar ({len(late)})" in overdue
    assert str(min(late, key=lambda s: s.due_at).letter) in overdue  # oldest first
    finished_late = db.session.query(StepRecord).filter(
        StepRecord.finished_at > StepRecord.due_at).count()
    assert finished_late > 0


def test_create_user_checks_the_nip(app):
    make_agency(code="DISKOMINFO")
    db.session.commit()
    runner = app.test_cli_runner()
    args = ["create-user", "--username", "budi", "--full-name", "Budi", "--role", "kasi",
            "--agency-code", "DISKOMINFO", "--password", "kata-sandi-1"]
    bad = runner.invoke(args=args + ["--nip", "123"])
    assert bad.exit_code != 0 and "18" in bad.output
    good = runner.invoke(args=args + ["--nip", "19610329 198903 1 004"])
    assert good.exit_code == 0, good.output
    db.session.commit()
    assert db.session.query(User).filter_by(username="budi").one().nip == "196103291989031004"
