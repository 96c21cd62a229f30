"""flask backup and flask restore: a restore gives back every row of every table."""

import pytest
from sqlalchemy import select, text

from models import AttachmentKind, db
from models.attachments import Attachment

from .builders import NOW, make_agency, make_letter
from .world import build_world

#: A scan whose bytes are no valid text (a NUL, every byte value): dumps must keep them as is.
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256))


def snapshot():
    """Every row of every table, ordered by primary key, and the schema's Alembic revision."""
    tables = {t.name: db.session.execute(select(t).order_by(*t.primary_key)).all()
              for t in db.metadata.sorted_tables}
    tables["alembic_version"] = db.session.execute(
        text("SELECT version_num FROM alembic_version")).all()
    db.session.commit()  # hold no transaction, hence no lock, while the commands run
    return tables


def test_a_restore_brings_back_every_table_as_it_was_backed_up(app, tmp_path):
    world = build_world()
    make_letter(scan=Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "foto.jpg", JPEG, NOW))
    db.session.commit()
    before = snapshot()
    runner = app.test_cli_runner()
    backed_up = runner.invoke(args=["backup", str(tmp_path / "cadangan")])
    assert backed_up.exit_code == 0 and "Cadangan ditulis" in backed_up.output, backed_up.output

    make_agency(code="BARU")
    world.letter.subject = "Perihal diubah"
    world.rows["application"].archive(NOW)
    db.session.commit()
    assert snapshot() != before

    restored = runner.invoke(args=["restore", "--yes", str(tmp_path / "cadangan")])
    assert restored.exit_code == 0 and "dipulihkan" in restored.output, restored.output
    db.session.remove()
    db.engine.dispose()
    after = snapshot()
    for table in before:
        assert after[table] == before[table], table
    make_agency(code="SESUDAH")  # the ids carry on from the restored rows
    db.session.commit()


def test_a_restore_asks_first(app, tmp_path):
    make_agency(code="TETAP")
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "cadangan")]).exit_code == 0
    before = snapshot()
    refused = runner.invoke(args=["restore", str(tmp_path / "cadangan")], input="n\n")
    assert refused.exit_code == 1 and "Ganti seluruh basis data" in refused.output
    assert snapshot() == before


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated"])
def test_a_restore_refuses_what_is_not_a_whole_backup_and_changes_nothing(app, tmp_path,
                                                                           damage):
    build_world()
    db.session.commit()
    runner = app.test_cli_runner()
    path = tmp_path / "cadangan"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"garbage\n" * 100)
    else:
        path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    before = snapshot()
    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code != 0
    assert {"missing": "does not exist", "garbage": "bukan cadangan"}.get(
        damage, "Error:") in result.output, result.output
    db.session.remove()
    db.engine.dispose()
    assert snapshot() == before
