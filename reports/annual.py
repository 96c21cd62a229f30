"""The SOP's two records: the budget document (dokumen penganggaran) for a fiscal year and the
annual application report (laporan tahunan aplikasi). Pure DataFrame work."""

from decimal import Decimal

import pandas as pd

#: Nomenclature levels as code prefixes: program 2.16.03, kegiatan 2.16.03.1.02, sub-kegiatan all.
LEVELS = {"program": 3, "kegiatan": 5}


def _prefix(codes: pd.Series, parts: int) -> pd.Series:
    return codes.str.split(".").str[:parts].str.join(".")


def budget_document(items: pd.DataFrame) -> pd.DataFrame:
    """RKA items grouped by program and kegiatan, with subtotals and a grand total in exact
    Rupiah (Decimal), in print order."""
    items = items.assign(program=_prefix(items["code"], LEVELS["program"]),
                         kegiatan=_prefix(items["code"], LEVELS["kegiatan"]),
                         level="sub_kegiatan", order=2)
    programs = items.groupby("program", as_index=False)["total"].sum()
    programs = programs.assign(level="program", code=programs["program"], kegiatan="", order=0)
    kegiatan = items.groupby(["program", "kegiatan"], as_index=False)["total"].sum()
    kegiatan = kegiatan.assign(level="kegiatan", code=kegiatan["kegiatan"], order=1)
    grand = pd.DataFrame({"level": ["total"], "code": [""], "program": ["~"], "kegiatan": [""],
                          "order": [3], "total": [sum(items["total"], Decimal(0))]})
    document = pd.concat([programs, kegiatan, items, grand], ignore_index=True)
    document = document.sort_values(["program", "kegiatan", "order", "code"], ignore_index=True)
    return document[["level", "code", "description", "agency", "volume", "unit", "unit_price",
                     "total", "funding_source", "status"]]


def annual_requests(letters: pd.DataFrame, rka: pd.DataFrame,
                    applications: pd.DataFrame) -> pd.DataFrame:
    """One row per request of the year: its decision, the budget it went into, what was built."""
    budget = rka.groupby("letter_id", as_index=False).agg(fiscal_year=("fiscal_year", "min"),
                                                          budget=("total", "sum"))
    built = applications.dropna(subset=["letter_id"]).groupby(
        "letter_id", as_index=False)["application"].first()
    table = letters.merge(budget, on="letter_id", how="left").merge(built, on="letter_id",
                                                                    how="left")
    text = ["application_name", "outcome", "reason", "application"]
    table[text] = table[text].fillna("")
    table["fiscal_year"] = table["fiscal_year"].astype("Int64")
    return table.sort_values(["agenda_year", "agenda_number"], ignore_index=True)


def requests_by_agency(requests: pd.DataFrame) -> pd.DataFrame:
    """Per agency: requests for new applications and upgrades, accepted and rejected."""
    counts = pd.crosstab(requests["agency"], requests["request_kind"])
    outcomes = pd.crosstab(requests["agency"], requests["outcome"].fillna("open"))
    table = counts.join(outcomes, how="outer").fillna(0).astype(int)
    for column in ("new", "upgrade", "accepted", "rejected", "open"):
        if column not in table:
            table[column] = 0
    table["total"] = table["new"] + table["upgrade"]
    return table[["new", "upgrade", "total", "accepted", "rejected", "open"]].reset_index()


def inventory(applications: pd.DataFrame) -> pd.DataFrame:
    """The application inventory at year end, by agency and name."""
    return applications.rename(columns={"status": "application_status"}).sort_values(
        ["agency", "application"], ignore_index=True)
