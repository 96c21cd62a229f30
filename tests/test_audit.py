"""The audit trail: who changed what and when, append-only, and a chain that exposes tampering."""

import pytest
from sqlalchemy import text

from models import AuditAction, AuditEntry, LetterStatus, RequestLetter, Role, db
from models.audit import AuditEntryImmutable, entry_hash, verify

from .world import build_world, edit_row_form


def _entries(table, row_id=None):
    query = db.session.query(AuditEntry).filter_by(table_name=table)
    if row_id is not None:
        query = query.filter_by(row_id=row_id)
    return query.order_by(AuditEntry.id).all()


def test_creating_editing_and_archiving_through_the_screens_is_recorded(client, login_as):
    world = build_world()
    clerk = login_as(Role.CLERK)
    assert client.post("/admin/letters/new/", world.form("letter")).status_code == 302
    letter = db.session.query(RequestLetter).filter_by(number="000.8/N/2025").one()
    created = _entries("request_letter", letter.id)[-1]
    assert created.action is AuditAction.CREATE and created.user_id == clerk.id
    assert created.changed_fields["subject"] == [None, "Permohonan aplikasi baru"]

    row = world.letter
    old_subject = row.subject
    assert client.post(f"/admin/letters/edit/?id={row.id}",
                       edit_row_form(world, "letter")).status_code == 302
    changed = _entries("request_letter", row.id)[-1]
    assert changed.action is AuditAction.UPDATE and changed.user_id == clerk.id
    assert changed.changed_fields["subject"] == [old_subject, "Perihal diubah"]
    assert "version" not in changed.changed_fields

    assert client.post("/admin/letters/delete/", {"id": row.id}).status_code == 302
    archived = _entries("request_letter", row.id)[-1]
    assert archived.action is AuditAction.ARCHIVE and archived.user_id == clerk.id
    assert archived.changed_fields["archived_at"][0] is None


def test_a_status_change_is_recorded_with_its_history_row(client, login_as):
    letter = build_world().letter
    clerk = login_as(Role.CLERK)
    client.post("/admin/letters/action/", {"action": "send_to_kadis", "rowid": letter.id})
    entry = _entries("request_letter", letter.id)[-1]
    assert entry.action is AuditAction.STATUS and entry.user_id == clerk.id
    assert entry.changed_fields["status"] == ["registered", "at_kadis"]
    assert _entries("status_change")[-1].action is AuditAction.CREATE


def test_secrets_and_file_contents_stay_out_of_the_trail(app):
    world = build_world()
    user = world.rows["user"]
    user.set_password("Sandi-Baru-2026")
    db.session.commit()
    entry = _entries("user_account", user.id)[-1]
    assert entry.changed_fields["password_hash"] == ["••••••", "••••••"]
    assert "pbkdf2" not in entry.changes and "scrypt" not in entry.changes
    assert all("data" not in e.changed_fields for e in _entries("attachment"))


def test_the_trail_cannot_be_changed_through_the_application(app):
    build_world()
    entry = db.session.query(AuditEntry).first()
    entry.changes = "{}"
    with pytest.raises(AuditEntryImmutable):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.query(AuditEntry).first())
    with pytest.raises(AuditEntryImmutable):
        db.session.commit()
    db.session.rollback()


def _verify_cli(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_verify_passes_an_untouched_trail(app):
    build_world()
    count = db.session.query(AuditEntry).count()
    result = _verify_cli(app)
    assert result.exit_code == 0, result.output
    assert f"Jejak audit utuh: {count} entri." in result.output


def _middle_entry():
    ids = [i for (i,) in db.session.query(AuditEntry.id).order_by(AuditEntry.id)]
    return ids[len(ids) // 2], ids


def test_verify_names_an_entry_edited_directly_in_the_database(app):
    build_world()
    target, _ = _middle_entry()
    db.session.execute(text("UPDATE audit_entry SET changes = :c WHERE id = :i"),
                       {"c": '{"subject": [null, "palsu"]}', "i": target})
    db.session.commit()
    result = _verify_cli(app)
    assert result.exit_code == 1
    assert f"rusak pada entri {target}: isinya diubah setelah ditulis" in result.output


def test_verify_names_the_entry_after_one_removed_from_the_middle(app):
    build_world()
    target, ids = _middle_entry()
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :i"), {"i": target})
    db.session.commit()
    result = _verify_cli(app)
    assert result.exit_code == 1
    assert f"rusak pada entri {ids[ids.index(target) + 1]}: entri {target} hilang" \
        in result.output


def test_verify_notices_entries_removed_from_the_end(app):
    build_world()
    last = db.session.query(AuditEntry.id).order_by(AuditEntry.id.desc()).first()[0]
    db.session.execute(text("DELETE FROM audit_entry WHERE id >= :i"), {"i": last - 2})
    db.session.commit()
    result = _verify_cli(app)
    assert result.exit_code == 1 and "telah dihapus" in result.output
    assert verify(db.session)[1][0] == last


def test_a_recomputed_entry_still_breaks_the_link_to_the_next(app):
    """Rewriting one entry with a fresh hash does not hide it: the next entry points at the
    old hash."""
    build_world()
    target, ids = _middle_entry()
    entry = db.session.get(AuditEntry, target)
    forged = '{"subject": [null, "palsu"]}'
    fresh = entry_hash(entry.prev_hash, entry.id, entry.at, entry.user_id, entry.action.value,
                       entry.table_name, entry.row_id, forged)
    db.session.execute(text("UPDATE audit_entry SET changes = :c, hash = :h WHERE id = :i"),
                       {"c": forged, "h": fresh, "i": target})
    db.session.commit()
    broken = verify(db.session)[1]
    assert broken[0] == ids[ids.index(target) + 1]


def _filter(app, endpoint, column, operation):
    """The list URL's argument for a view's filter on `column` with `operation`."""
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    for index, flt in enumerate(view._filters):
        if flt.column.key == column and str(flt.operation()) == operation:
            return f"flt0_{index}"
    raise LookupError(column)


def test_supervisors_browse_and_filter_the_trail(client, login_as, app):
    world = build_world()
    login_as(Role.SUPERVISOR)
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "Jejak audit" in page and "Surat Permohonan · " in page
    arg = _filter(app, "audit", "table_name", "sama dengan")
    filtered = client.get(f"/admin/audit/?{arg}=user_account").get_data(as_text=True)
    assert "Pengguna · " in filtered and "Surat Permohonan · " not in filtered
    details = client.get(f"/admin/audit/details/?id={world.rows['audit'].id}")
    assert details.status_code == 200 and world.rows["audit"].hash in details.get_data(
        as_text=True)


def _cut(last_kept: int):
    """Remove the entries after `last_kept` and set the head to the one kept, its id and hash
    copied from the trail: the chain of what is left holds."""
    kept = db.session.get(AuditEntry, last_kept)
    db.session.execute(text("DELETE FROM audit_entry WHERE id > :i"), {"i": last_kept})
    db.session.execute(text("UPDATE audit_head SET last_id = :i, last_hash = :h"),
                       {"i": last_kept, "h": kept.hash if kept else "0" * 64})
    db.session.commit()


@pytest.mark.parametrize("kept", ["some", "none"])
def test_verify_notices_a_trail_cut_and_its_head_rewound(app, kept):
    build_world()
    assert _verify_cli(app).exit_code == 0  # checkpointed
    count = db.session.query(AuditEntry).count()
    _cut(count - 5 if kept == "some" else 0)
    assert verify(db.session)[1] is None  # the chain alone cannot tell
    result = _verify_cli(app)
    assert result.exit_code == 1, result.output
    assert "Jejak audit dipotong" in result.output
    assert f"memuat {count} entri" in result.output, result.output


def test_verify_notices_a_trail_rewritten_behind_the_checkpoint(app):
    """The whole trail replaced by a fresh chain of the same length: the entry the checkpoint
    named is not the same entry."""
    build_world()
    assert _verify_cli(app).exit_code == 0
    count = db.session.query(AuditEntry).count()
    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    previous = "0" * 64
    for entry in entries:
        digest = entry_hash(previous, entry.id, entry.at, entry.user_id, entry.action.value,
                            entry.table_name, entry.row_id, entry.changes.replace("a", "o"))
        db.session.execute(text("UPDATE audit_entry SET changes = :c, prev_hash = :p, hash = :h"
                                " WHERE id = :i"), {"c": entry.changes.replace("a", "o"),
                                                    "p": previous, "h": digest, "i": entry.id})
        previous = digest
    db.session.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": previous})
    db.session.commit()
    assert verify(db.session)[1] is None
    result = _verify_cli(app)
    assert result.exit_code == 1 and f"entri {count} bukan" in result.output, result.output


def test_verify_names_a_row_changed_in_the_database_behind_the_trail(app):
    letter_id = build_world().letter.id
    assert _verify_cli(app).exit_code == 0
    db.session.execute(text("UPDATE request_letter SET subject = 'diubah diam-diam' "
                            "WHERE id = :i"), {"i": letter_id})
    db.session.execute(text("INSERT INTO agency (code, name, short_name, kind, active, version)"
                            " VALUES ('SELUNDUP', 'Dinas Selundupan', 'Selundup', 'dinas', "
                            ":yes, 1)"), {"yes": True})
    db.session.commit()
    result = _verify_cli(app)
    assert result.exit_code == 1, result.output
    assert f"request_letter {letter_id}: subject berbeda dari jejak" in result.output
    assert "tidak ada entri jejak yang membuatnya" in result.output


def test_a_good_verify_leaves_a_checkpoint_outside_the_database(app):
    from pathlib import Path
    build_world()
    assert _verify_cli(app).exit_code == 0
    lines = Path(app.config["AUDIT_CHECKPOINT_FILE"]).read_text().splitlines()
    head = db.session.execute(text("SELECT last_id, last_hash FROM audit_head")).one()
    assert lines[-1].endswith(f'"count": {head[0]}, "hash": "{head[1]}"}}')
    assert _verify_cli(app).exit_code == 0  # nothing new: no second line
    assert len(Path(app.config["AUDIT_CHECKPOINT_FILE"]).read_text().splitlines()) == 1


def test_the_trail_reads_in_labels_not_codes(client, login_as, app):
    """Record and field labels, value labels, WIB times: never request_letter, status,
    at_kadis or a UTC time."""
    world = build_world()
    letter = world.letters[LetterStatus.AT_KADIS]
    login_as(Role.SUPERVISOR)
    action = _filter(app, "audit", "action", "sama dengan")
    row = _filter(app, "audit", "row_id", "sama dengan").replace("flt0", "flt1")
    page = client.get(f"/admin/audit/?{action}=status&{row}={letter.id}")
    text = page.get_data(as_text=True)
    text = text[text.index("<table"):text.rindex("</table>")]  # the rows, not the filters' data
    assert "<strong>Status</strong>: Terdaftar → Di Kepala Dinas" in text
    for code in ("request_letter", "at_kadis", "registered", "<code>status</code>"):
        assert code not in text
    created = _entries("request_letter", letter.id)[0]
    details = client.get(f"/admin/audit/details/?id={created.id}").get_data(as_text=True)
    assert f"Surat Permohonan · {letter}" in details
    assert "<strong>Diterima</strong>: 28 Februari 2025 08:00 WIB" in details  # 01:00 UTC
    assert "<strong>Sifat</strong>: Biasa<" in details and ": biasa<" not in details
    assert f"<strong>Surat dari (OPD)</strong>: {letter.agency}" in details
    assert "+00:00" not in details
