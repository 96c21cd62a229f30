"""A step's figures: clock, working and net minutes, measured one way for the step that fixes
them as it finishes, the recalculation command and the reports that measure open steps."""

import pandas as pd

#: The figures a finished step stores (its paused minutes are stored as the pauses end).
FIGURES = ("clock_minutes", "working_minutes", "net_minutes")


def measure(calendar, started: pd.Series, ended: pd.Series, paused: pd.Series) -> pd.DataFrame:
    """Per step: clock and working minutes from start to end, and net = working - paused."""
    working = calendar.working_minutes_many(started, ended)
    return pd.DataFrame({"clock_minutes": (ended - started).dt.total_seconds() / 60,
                         "working_minutes": working, "net_minutes": working - paused},
                        index=started.index)


def measure_one(calendar, started, ended, paused: float) -> dict[str, float]:
    """measure() for one step, as plain floats."""
    row = measure(calendar, pd.Series([started]), pd.Series([ended]), pd.Series([paused]))
    return {name: float(row[name].iloc[0]) for name in FIGURES}
