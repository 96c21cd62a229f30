"""The one save path, the write turn and the models' import graph."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import models
from models import (
    AuditEntry,
    Decision,
    Disposition,
    DomainError,
    Instruction,
    Meeting,
    Notice,
    RequestKind,
    RequestLetter,
    Role,
    db,
)
from models.audit import AuditHead
from models.contracts import LetterPart
from models.errors import AgencyScopeViolation
from models.recording import save
from models.write_turn import begin_write

from .builders import NOW, RECEIVED, S, make_agency, make_letter, make_user, staff

MODELS = Path(models.__file__).parent


def test_an_entry_carries_the_time_and_the_writer_the_save_was_given(app):
    clerk = make_user(Role.CLERK)
    at = NOW + timedelta(days=3, minutes=7)
    letter = make_letter(at=at)
    save(db.session, letter, at=at, by=clerk, created=False)
    letter.subject = "Perihal baru"
    save(db.session, letter, at=at + timedelta(hours=1), by=clerk, created=False)
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.table_name == "request_letter").order_by(AuditEntry.id.desc())).first()
    assert entry.changed_fields["subject"][1] == "Perihal baru"
    assert (entry.at, entry.user_id) == (at + timedelta(hours=1), clerk.id)


def test_a_write_no_one_stamped_is_refused_rather_than_timed_by_a_hidden_clock(app):
    db.session.commit()
    db.session.info.clear()
    db.session.add(models.Agency(code="X1", name="Dinas X", short_name="X",
                                 kind=models.AgencyKind.DINAS))
    with pytest.raises(RuntimeError, match="stamp"):
        db.session.flush()
    db.session.rollback()


def test_opd_staff_cannot_save_a_record_of_another_agency(app):
    mine, other = make_agency(), make_agency()
    opd = make_user(Role.OPD, agency=mine)
    letter = RequestLetter(agency=other, number="1/X/2025", letter_date=RECEIVED.date(),
                           received_at=RECEIVED, subject="Bukan milik saya",
                           request_kind=models.RequestKind.NEW, application_name="SI X",
                           spbe_category=models.SpbeCategory.GENERAL)
    with pytest.raises(AgencyScopeViolation):
        save(db.session, letter, at=NOW, by=opd)
    db.session.rollback()
    assert db.session.scalar(select(RequestLetter.id).where(
        RequestLetter.number == "1/X/2025")) is None


def test_only_a_persons_save_announces_history_replayed_does_not(app):
    letter = make_letter(status=S.AT_KADIS)
    replayed = Disposition(letter=letter, from_user=staff(Role.KADIS), to_user=staff(Role.KABID),
                           instructions=[Instruction.PROCESS],
                           disposed_at=RECEIVED + timedelta(minutes=30))
    save(db.session, replayed, at=NOW, by=staff(Role.KADIS))
    assert db.session.scalar(select(Notice.id)) is None
    later = make_letter(status=S.AT_KADIS)
    by_hand = Disposition(letter=later, from_user=staff(Role.KADIS), to_user=staff(Role.KABID),
                          instructions=[Instruction.PROCESS],
                          disposed_at=RECEIVED + timedelta(minutes=30))
    save(db.session, by_hand, at=NOW, by=staff(Role.KADIS), announce=True)
    notice = db.session.scalars(select(Notice)).one()
    assert (notice.recipient, notice.letter) == (staff(Role.KABID), later)


@pytest.mark.parametrize("model", [Decision, Disposition, Meeting, models.StepRecord])
def test_records_that_hang_from_a_letter_belong_to_its_agency(app, model):
    mine, other = make_agency(), make_agency()
    make_letter(agency=other, status=S.ACCEPTED)
    own = make_letter(agency=mine, status=S.ACCEPTED)
    assert issubclass(model, LetterPart)
    rows = db.session.scalars(select(model).where(model.agency_scope(mine.id))).all()
    assert rows and {row.letter for row in rows} == {own}
    assert {row.owner_agency_id for row in rows} == {mine.id}


def test_taking_the_write_turn_commits_nothing(app):
    db.session.query(AuditHead).delete()  # a wiped trail: the turn must make the head row
    db.session.commit()
    begin_write(db.session)
    db.session.rollback()
    assert db.session.get(AuditHead, 1) is None
    db.session.info.clear()


def _module_imports(path: Path) -> tuple[set[str], list[int]]:
    """The sibling modules `path` imports at module level, and the lines of any import made
    inside a function (a cycle dodged)."""
    tree = ast.parse(path.read_text())
    top = {node.module.split(".")[0] for node in tree.body
           if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}
    nested = [node.lineno for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.level == 1
              and node not in tree.body and not _type_checking_only(tree, node)]
    return top, nested


def _type_checking_only(tree, node) -> bool:
    return any(isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
               and node in block.body for block in tree.body)


def test_the_models_import_each_other_without_a_cycle():
    graph, nested = {}, {}
    for path in MODELS.glob("*.py"):
        graph[path.stem], lines = _module_imports(path)
        if lines:
            nested[path.name] = lines
    assert nested == {}

    def walk(module, trail):
        for dep in graph.get(module, ()):
            assert dep not in trail, " -> ".join([*trail, dep])
            walk(dep, [*trail, dep])

    for module in graph:
        if module != "__init__":
            walk(module, [module])


@pytest.mark.parametrize("text", ["Aplikasi \u202egnp.exe", "Apli\u200bkasi", "\ufeffAplikasi",
                                  "Aplikasi \u2066antrean\u2069", "Aplikasi \x07"])
def test_invisible_and_turning_characters_are_refused_naming_the_field(app, text):
    letter = make_letter(status=S.REGISTERED)
    letter.subject = text
    with pytest.raises(DomainError) as refused:
        save(db.session, letter, at=NOW, by=staff(Role.CLERK), created=False)
    assert refused.value.field == "subject"
    db.session.rollback()


def test_a_files_name_keeps_nothing_invisible_or_turning():
    from models.attachments import Attachment, AttachmentKind
    pdf = b"%PDF-1.4\n%%EOF\n"
    named = Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "surat\u202egnp.exe.pdf", pdf, NOW)
    assert named.filename == "suratgnp.exe.pdf"
    assert Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "\u200b\u2066", pdf,
                                 NOW).filename == "berkas"


def test_an_upgrade_letter_names_only_its_own_agencys_application(app):
    from .builders import make_application
    dinkes, disdukcapil = make_agency(code="DINKES"), make_agency(code="DUKCAPIL")
    theirs = make_application(agency=disdukcapil)
    with pytest.raises(DomainError) as refused:
        make_letter(agency=dinkes, request_kind=RequestKind.UPGRADE, application=theirs,
                    application_name=None, status=S.REGISTERED)
    assert refused.value.field == "application"
    db.session.rollback()


def test_an_application_links_only_its_own_agencys_rka_item(app):
    from .builders import make_application, make_decision, make_rka_item
    dinkes, disdik = make_agency(code="DINKES"), make_agency(code="DISDIK")
    item = make_rka_item(decision=make_decision(letter=make_letter(agency=disdik)))
    application = make_application(agency=dinkes)
    application.rka_item = item
    with pytest.raises(DomainError) as refused:
        save(db.session, application, at=NOW, by=staff(Role.KASI), created=False)
    assert refused.value.field == "rka_item"
    db.session.rollback()
