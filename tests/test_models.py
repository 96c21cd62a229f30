"""Rules the models decide, checked on the real database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import StatementError

from models import AgencyKind, AttachmentKind, DomainError, Outcome, RequestLetter, db
from models.attachments import MAX_BYTES, Attachment
from models.errors import DuplicateLetterNumber, InvalidHierarchy, ReasonRequired

from .builders import NOW, make_agency, make_decision, make_disposition, make_letter, make_rka_item


def test_agenda_numbers_count_up_and_restart_each_year(app):
    agency = make_agency()
    first = make_letter(agency=agency, received_at=datetime(2024, 12, 31, 8, 0, tzinfo=UTC),
                        letter_date=datetime(2024, 12, 30).date())
    new_year = datetime(2025, 1, 1).date()
    second = make_letter(agency=agency, received_at=datetime(2025, 1, 2, 2, 0, tzinfo=UTC),
                         letter_date=new_year)
    third = make_letter(agency=agency, received_at=datetime(2025, 1, 3, 2, 0, tzinfo=UTC),
                        letter_date=new_year)
    assert (first.agenda_year, first.agenda_number) == (2024, 1)
    assert [(x.agenda_year, x.agenda_number) for x in (second, third)] == [(2025, 1), (2025, 2)]


def test_the_agenda_year_is_the_office_year_not_the_utc_year(app):
    # 31 December 2024 17:30 UTC is 1 January 2025 00:30 in Pontianak
    letter = make_letter(received_at=datetime(2024, 12, 31, 17, 30, tzinfo=UTC),
                         letter_date=datetime(2024, 12, 30).date())
    assert letter.agenda_year == 2025


def test_a_letter_number_is_unique_per_sending_agency(app):
    agency = make_agency()
    make_letter(agency=agency, number="005/1/2025")
    make_letter(agency=make_agency(), number="005/1/2025")
    with pytest.raises(DuplicateLetterNumber):
        make_letter(agency=agency, number="005/1/2025")


def test_a_letter_cannot_be_received_in_the_future_or_dated_after_receipt(app):
    with pytest.raises(DomainError):
        make_letter(received_at=NOW + timedelta(days=1), letter_date=NOW.date())
    db.session.rollback()
    with pytest.raises(DomainError):
        make_letter(letter_date=datetime(2025, 3, 1).date())
    db.session.rollback()


def test_a_disposition_cannot_come_before_the_letter(app):
    letter = make_letter()
    with pytest.raises(DomainError):
        make_disposition(letter=letter, disposed_at=letter.received_at - timedelta(minutes=1))


def test_an_accepted_request_is_budgeted_the_following_office_year(app):
    later = datetime(2026, 1, 5, tzinfo=UTC)
    letter = make_letter(received_at=datetime(2025, 12, 30, 2, 0, tzinfo=UTC),
                         letter_date=datetime(2025, 12, 29).date(), at=later)
    # 31 December 2025 17:30 UTC is already 1 January 2026 in Pontianak
    decision = make_decision(letter=letter, at=later,
                             decided_at=datetime(2025, 12, 31, 17, 30, tzinfo=UTC))
    assert decision.budget_year == 2027


def test_a_rejection_needs_a_reason(app):
    with pytest.raises(ReasonRequired):
        make_decision(outcome=Outcome.REJECTED, reason="  ")


def test_rka_items_hang_only_from_accepted_decisions(app):
    with pytest.raises(DomainError):
        make_rka_item(decision=make_decision(outcome=Outcome.REJECTED))


def test_rka_totals_are_exact_decimals(app):
    item = make_rka_item(volume=Decimal("3"), unit_price=Decimal("33333333.33"))
    db.session.commit()
    db.session.expire_all()
    assert item.total == Decimal("99999999.99")
    assert item.fiscal_year == item.decision.budget_year


def test_a_budget_code_must_follow_the_nomenclature(app):
    with pytest.raises(DomainError):
        make_rka_item(nomenclature_code="program-satu")


def test_a_kelurahan_hangs_from_a_kecamatan(app):
    dinas = make_agency(kind=AgencyKind.DINAS)
    with pytest.raises(InvalidHierarchy):
        make_agency(kind=AgencyKind.KELURAHAN, parent=dinas)
    kecamatan = make_agency(kind=AgencyKind.KECAMATAN)
    assert make_agency(kind=AgencyKind.KELURAHAN, parent=kecamatan).parent is kecamatan


def test_times_come_back_from_the_database_as_the_same_utc_moment(app):
    moment = datetime(2025, 2, 28, 2, 0, 59, tzinfo=UTC)
    letter = make_letter(received_at=moment)
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(RequestLetter, letter.id).received_at
    assert loaded == moment and loaded.tzinfo is UTC


def test_a_naive_time_is_refused_rather_than_guessed(app):
    letter = make_letter()
    letter.received_at = datetime(2025, 2, 28, 9, 0)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("data,ok", [
    (b"%PDF-1.7 ...", True), (b"\xff\xd8\xff\xe0JFIF", True), (b"\x89PNG\r\n\x1a\nIHDR", True),
    (b"MZ\x90\x00 executable", False), (b"<html><script>", False), (b"", False),
])
def test_uploads_are_recognised_by_content(app, data, ok):
    if ok:
        assert Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "x.pdf", data, NOW).size
    else:
        with pytest.raises(DomainError):
            Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "surat.pdf", data, NOW)


def test_an_upload_over_the_limit_is_refused(app):
    with pytest.raises(DomainError):
        Attachment.from_bytes(AttachmentKind.LETTER_SCAN, "x.pdf",
                              b"%PDF-" + b"0" * MAX_BYTES, NOW)
