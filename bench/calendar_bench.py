"""Time the working-time calendar on N random (start, end) pairs over two years.

    python bench/calendar_bench.py [--n 1000000] [--seed 0]

Real national holidays and cuti bersama of 2025-2026 and both Ramadan periods; prints
N, the best of 3 wall-clock times, pairs per second and peak memory.
"""

import argparse
import resource
import time
import tracemalloc
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from models.calendar import RAMADAN_WEEK, SpecialPeriod, WorkCalendar, national_holidays

CALENDAR = WorkCalendar(holidays=national_holidays(), special=[
    SpecialPeriod(date(2025, 3, 1), date(2025, 3, 30), RAMADAN_WEEK, "Ramadan 1446 H"),
    SpecialPeriod(date(2026, 2, 18), date(2026, 3, 19), RAMADAN_WEEK, "Ramadan 1447 H"),
])


def random_pairs(n: int, seed: int):
    """Starts anywhere in 2025-2026; ends minutes to weeks later; minutes to add up to 5,000."""
    rng = np.random.default_rng(seed)
    first = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    last = datetime(2026, 12, 31, tzinfo=UTC).timestamp()
    starts = pd.Series(pd.to_datetime(rng.integers(first, last, n), unit="s", utc=True))
    ends = starts + pd.to_timedelta(rng.exponential(3 * 24 * 3600, n).round(), unit="s")
    return starts, ends, rng.integers(0, 5000, n).astype("float64")


def best_of_3(run) -> float:
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        run()
        timings.append(time.perf_counter() - began)
    return min(timings)


def peak_mib(run) -> float:
    """Peak memory Python and numpy allocate during one run."""
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    starts, ends, minutes = random_pairs(args.n, args.seed)
    runs = {
        "working_minutes_many": lambda: CALENDAR.working_minutes_many(starts, ends),
        "add_working_minutes_many": lambda: CALENDAR.add_working_minutes_many(starts, minutes),
    }
    print(f"N = {args.n:,} pairs, 2025-2026, national holidays + cuti bersama, 2 Ramadan periods")
    for name, run in runs.items():
        seconds = best_of_3(run)
        print(f"{name:<26} {seconds:8.3f} s  {args.n / seconds:14,.0f} pairs/s  "
              f"peak {peak_mib(run):7.1f} MiB (tracemalloc)")
    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS {maxrss_mib:,.1f} MiB (includes inputs and imports)")


if __name__ == "__main__":
    main()
