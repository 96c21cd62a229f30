"""NIP: 18 digits of birth date, appointment, sex and sequence; PPPK numbers too."""

import pytest

from models.errors import InvalidNip
from models.nip import parse_nip


def test_the_sop_approvers_nip_is_valid_and_read_back():
    nip = parse_nip("19610329 198903 1 004")
    assert nip.number == "196103291989031004"
    assert (nip.birth_date.isoformat(), nip.appointed_year, nip.appointed_month) == \
        ("1961-03-29", 1989, 3)
    assert (nip.sex, nip.sequence, nip.is_pppk) == (1, 4, False)


def test_a_pppk_number_is_accepted():
    nip = parse_nip("199001012022212001")
    assert nip.is_pppk and nip.appointed_year == 2022 and nip.sex == 2


@pytest.mark.parametrize("text,reason", [
    ("19610329198903100", "17 digits"),
    ("1961032919890310044", "19 digits"),
    ("19610329A98903 1 004", "a letter"),
    ("196102301989031004", "30 February"),
    ("196103291989131004", "month 13"),
    ("196103291989001004", "month 00"),
    ("196103291989033004", "sex digit 3"),
    ("196103291989031000", "sequence 000"),
    ("196103291960031004", "appointed before birth"),
    ("", "empty"),
])
def test_an_invalid_nip_is_refused(text, reason):
    with pytest.raises(InvalidNip):
        parse_nip(text)
