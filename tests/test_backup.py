"""flask backup and flask restore: a restore gives back every row of every table."""

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select, text

from models import AttachmentKind, db
from models.attachments import Attachment
from models.backup import _run, backup

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


def _other_backup(kind: str, good: Path, path: Path) -> None:
    """A backup file that is whole but not of this app at its revision: one holding only the
    revision table, one without a table, one at another revision."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        shutil.copy(good, path)
        with closing(sqlite3.connect(path)) as copy, copy:
            if kind == "only_revision":
                for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type='table'"
                                            " AND name <> 'alembic_version'").fetchall():
                    copy.execute(f'DROP TABLE "{name}"')
            elif kind == "dropped_table":
                copy.execute("DROP TABLE agency")
            else:
                copy.execute("UPDATE alembic_version SET version_num = '0123456789ab'")
        return
    if kind == "other_revision":  # written so by the app's own backup, then put back
        head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.execute(text("UPDATE alembic_version SET version_num = '0123456789ab'"))
        db.session.commit()
        try:
            backup(db.engine, path)
        finally:
            db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
            db.session.commit()
        return
    if url.get_backend_name() == "postgresql":
        only = ("--table=alembic_version" if kind == "only_revision"
                else "--exclude-table=agency")
        _run("pg_dump", ["--format=custom", only, f"--file={path}",
                         f"--dbname={url.database}"], url)
    else:
        tables = (["alembic_version"] if kind == "only_revision" else [])
        ignore = [] if tables else [f"--ignore-table={url.database}.agency"]
        _run("mariadb-dump", ["--single-transaction", "--hex-blob", *ignore,
                              f"--result-file={path}", url.database, *tables], url)


@pytest.mark.parametrize("kind", ["only_revision", "dropped_table", "other_revision"])
def test_a_restore_refuses_a_backup_of_another_schema_and_changes_nothing(app, tmp_path, kind):
    build_world()
    db.session.commit()
    runner = app.test_cli_runner()
    good, other = tmp_path / "cadangan", tmp_path / "lain"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    _other_backup(kind, good, other)
    before = snapshot()
    result = runner.invoke(args=["restore", "--yes", str(other)])
    assert result.exit_code != 0
    assert "bukan cadangan aplikasi ini" in result.output, result.output
    assert {"only_revision": "tabel hilang", "dropped_table": "tabel hilang: agency",
            "other_revision": "revisi 0123456789ab"}[kind] in result.output, result.output
    db.session.remove()
    db.engine.dispose()
    assert snapshot() == before
    assert runner.invoke(args=["restore", "--yes", str(good)]).exit_code == 0  # the good one
