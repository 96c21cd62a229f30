"""Step durations against the service standard, compliance and overdue: pure DataFrame work."""

import numpy as np
import pandas as pd

from models.figures import FIGURES, measure
from models.timezone import OFFICE_TZ


def step_durations(steps: pd.DataFrame, calendar, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per letter and step: clock, working, paused and net minutes against the standard.

    A finished step keeps the figures it stored as it finished (a later calendar change does
    not move them); an open step (or one finished before figures were stored) is measured on
    `calendar` up to `as_of`, a step paused now counting its pause up to `as_of`.
    Each row is computed from itself alone, so the steps may come a chunk at a time.
    """
    out = steps.copy(deep=False)  # new columns only: the input frame stays as it was
    stored = steps.reindex(columns=list(FIGURES))  # all missing when the frame has none
    fixed = out["finished_at"].notna() & stored["net_minutes"].notna()
    paused_now = np.nan_to_num(calendar.working_minutes_many(
        out["paused_since"], pd.Series(as_of, index=out.index)))
    out["paused_minutes"] = out["paused_minutes"].fillna(0) + paused_now
    measured = measure(calendar, out["started_at"][~fixed],
                       out["finished_at"][~fixed].fillna(as_of), out["paused_minutes"][~fixed])
    for name in FIGURES:
        out[name] = stored[name].astype("float64").where(fixed, measured[name])
    out["open"] = out["finished_at"].isna()
    # an open step's clock would run on for as long as it stays open: what it has used is its
    # working time so far, against its standard
    out["clock_minutes"] = out["clock_minutes"].mask(out["open"])
    out["difference_minutes"] = out["net_minutes"] - out["standard_minutes"]
    late = out["difference_minutes"] > 0
    out["within_standard"] = (~late).astype("boolean").mask(out["open"] & ~late)
    out["state"] = np.select([~out["open"], out["paused_since"].notna(), late],
                             ["finished", "paused", "late"], "running")
    return out


def overdue_now(durations: pd.DataFrame, calendar, as_of: pd.Timestamp) -> pd.DataFrame:
    """Open, running steps past their due time, how far past in working minutes, oldest first
    (steps due at the same time keep their order). Row-wise too: load.overdue_steps selects
    and orders the same steps in SQL."""
    late = durations[durations["open"] & durations["paused_since"].isna()
                     & (durations["due_at"] < as_of)].copy()
    late["minutes_past_due"] = calendar.working_minutes_many(
        late["due_at"], pd.Series(as_of, index=late.index))
    return late.sort_values("due_at", kind="stable")


#: How compliance can be grouped, and the column (or derived key) each grouping uses.
GROUPINGS = {"step": "step", "month": "month", "agency": "agency_code", "official": "holder"}


def judged(durations: pd.DataFrame) -> pd.DataFrame:
    """The steps compliance judges: every finished step, and every open step already past its
    standard, a breach whatever happens next; an open step still within it is not judged yet."""
    return durations[durations["within_standard"].notna()].assign(
        within_standard=lambda frame: frame["within_standard"].astype(bool))


def compliance(durations: pd.DataFrame, by: str,
               previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group: finished steps and their median and 90th percentile of net minutes (linear
    between the nearest ranks, as a spreadsheet's PERCENTILE.INC), open steps already late,
    the share within standard of both together (judged()), and the change of that share
    against `previous` (the period before), in points."""
    def summary(frame):
        frame = judged(frame).assign(  # of the judged rows: an empty frame would take the
            # index of any Series assigned to it
            month=lambda judged: judged["started_at"].dt.tz_convert(OFFICE_TZ).dt.strftime(
                "%Y-%m"))
        grouped = frame.groupby(GROUPINGS[by], dropna=False)
        finished = frame[~frame["open"]].groupby(GROUPINGS[by], dropna=False)
        return pd.DataFrame({
            "count": finished.size(),
            "open_late": frame["open"].groupby(frame[GROUPINGS[by]], dropna=False).sum(),
            "median_minutes": finished["net_minutes"].median(),
            "p90_minutes": finished["net_minutes"].quantile(0.9, interpolation="linear"),
            "share_within": grouped["within_standard"].mean() * 100,
        }).fillna({"count": 0}).astype({"count": int, "open_late": int})

    now = summary(durations)
    if previous is not None and len(previous):
        before = summary(previous)["share_within"]
        now["trend_points"] = now["share_within"] - before.reindex(now.index)
    else:
        now["trend_points"] = np.nan
    return now.reset_index().rename(columns={GROUPINGS[by]: by})
