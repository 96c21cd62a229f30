"""NIP (Nomor Induk Pegawai): the 18-digit civil servant number, parsed and checked."""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from .errors import InvalidNip

#: Digits 13-14 of a PPPK number (Pegawai Pemerintah dengan Perjanjian Kerja), not a month.
PPPK_MARKER = 21


@dataclass(frozen=True)
class Nip:
    number: str
    birth_date: date
    appointed_year: int
    appointed_month: int | None
    sex: int
    sequence: int

    @property
    def is_pppk(self) -> bool:
        return self.appointed_month is None


def parse_nip(text: str) -> Nip:
    """Parse a NIP (PNS: birth date, appointment YYYYMM, sex, sequence; PPPK: YYYY + 21)."""
    number = re.sub(r"[\s.]", "", text or "")
    if not re.fullmatch(r"\d{18}", number):
        raise InvalidNip(_l("The NIP must be exactly 18 digits."))
    try:
        birth = date(int(number[:4]), int(number[4:6]), int(number[6:8]))
    except ValueError:
        raise InvalidNip(_l("The first 8 digits of the NIP must be a real birth date "
                            "(YYYYMMDD).")) from None
    year, month = int(number[8:12]), int(number[12:14])
    if month == PPPK_MARKER:
        month = None
    elif not 1 <= month <= 12:
        raise InvalidNip(_l("Digits 9-14 of the NIP must be the appointment year and month "
                            "(YYYYMM)."))
    if year <= birth.year or (year, month or 1) < (1945, 1):
        raise InvalidNip(_l("The appointment in the NIP must come after the birth date."))
    sex = int(number[14])
    if sex not in (1, 2):
        raise InvalidNip(_l("Digit 15 of the NIP must be 1 (male) or 2 (female)."))
    sequence = int(number[15:])
    if sequence < 1:
        raise InvalidNip(_l("The last 3 digits of the NIP are a sequence number from 001."))
    return Nip(number, birth, year, month, sex, sequence)
