"""Reference data an office needs from its first day, without any demo people: the SOP's steps
and standards, the office hours with the Ramadan periods, and Kota Pontianak's agencies.

The data are files beside the code (data/), which the sysadmin can read and extend; loading
them adds what is missing and changes nothing that is there, so it can run on every start.
"""

import csv
import tomllib
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .agencies import Agency, AgencyKind
from .office_calendar import WEEKDAYS, WorkSchedule
from .recording import save
from .standards import load_sop_standards

#: The folder of the data files.
DATA = Path(__file__).parent / "data"
#: Kota Pontianak's agencies: code, short name, name, kind, and the kecamatan of a kelurahan.
AGENCIES = DATA / "agencies.csv"
#: The regular week and the special periods, each with where its hours come from.
CALENDAR = DATA / "calendar.toml"


def read_agencies(path: Path = AGENCIES) -> list[dict[str, str]]:
    """The agencies file's rows, parents before the kelurahan that hang from them."""
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def read_schedules(path: Path = CALENDAR) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["schedules"]


def load_reference(session: Session, at: datetime) -> dict[str, int]:
    """Add the reference rows that are missing; returns how many of each were added."""
    load_sop_standards(session, at=at)
    added = {"schedules": 0, "agencies": 0}
    names = set(session.scalars(select(WorkSchedule.name)))
    for row in read_schedules():
        if row["name"] not in names:
            save(session, _schedule(row), at=at, by=None)
            added["schedules"] += 1
    agencies = {agency.code: agency for agency in session.scalars(select(Agency))}
    for row in read_agencies():
        if row["code"] not in agencies:
            agencies[row["code"]] = save(session, Agency(
                code=row["code"], short_name=row["short_name"], name=row["name"],
                kind=AgencyKind(row["kind"]), parent=agencies.get(row["parent_code"])),
                at=at, by=None)
            added["agencies"] += 1
    return added


def _schedule(row: dict) -> WorkSchedule:
    return WorkSchedule(name=row["name"], first_day=row.get("first_day"),
                        last_day=row.get("last_day"),
                        **{day: row.get(day, "") for day in WEEKDAYS})
