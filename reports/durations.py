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
    out["difference_minutes"] = out["net_minutes"] - out["standard_minutes"]
    out["within_standard"] = out["difference_minutes"] <= 0
    out["open"] = out["finished_at"].isna()
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


def compliance(durations: pd.DataFrame, by: str,
               previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group: count, median and 90th percentile of net minutes, share within standard,
    and the change of that share against `previous` (the period before), in points."""
    def summary(frame):
        frame = frame[~frame["open"]].assign(
            month=frame["started_at"].dt.tz_convert(OFFICE_TZ).dt.strftime("%Y-%m"))
        grouped = frame.groupby(GROUPINGS[by], dropna=False)
        return pd.DataFrame({
            "count": grouped.size(),
            "median_minutes": grouped["net_minutes"].median(),
            "p90_minutes": grouped["net_minutes"].quantile(0.9),
            "share_within": grouped["within_standard"].mean() * 100,
        })

    now = summary(durations)
    if previous is not None and len(previous):
        before = summary(previous)["share_within"]
        now["trend_points"] = now["share_within"] - before.reindex(now.index)
    else:
        now["trend_points"] = np.nan
    return now.reset_index().rename(columns={GROUPINGS[by]: by})
