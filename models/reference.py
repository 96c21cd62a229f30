"""Reference data that comes with the panel as files the sysadmin can read and extend."""

import csv
from pathlib import Path

#: The folder of the data files.
DATA = Path(__file__).parent / "data"
#: Kota Pontianak's agencies: code, short name, name, kind, and the kecamatan of a kelurahan.
AGENCIES = DATA / "agencies.csv"


def read_agencies(path: Path = AGENCIES) -> list[dict[str, str]]:
    """The agencies file's rows, parents before the kelurahan that hang from them."""
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))
