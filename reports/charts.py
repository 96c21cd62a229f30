"""Charts drawn on the server as SVG (matplotlib), so the intranet needs no chart script."""

from io import StringIO

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from markupsafe import Markup  # noqa: E402

from models.timezone import OFFICE_TZ  # noqa: E402

from .durations import judged  # noqa: E402

plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "sop", "font.size": 9})


def monthly_compliance(durations: pd.DataFrame) -> pd.DataFrame:
    """Share of judged steps within standard (%), one row per local month, one column per step."""
    done = judged(durations)
    month = done["started_at"].dt.tz_convert(OFFICE_TZ).dt.strftime("%Y-%m")
    share = done.groupby([month, done["step"]])["within_standard"].mean() * 100
    return share.unstack("step").sort_index()


def _svg(figure) -> str:
    buffer = StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def no_data(title: str, message: str) -> str:
    """In place of a chart with nothing to draw: its title, and that there is no data yet
    (not empty axes around nothing)."""
    return str(Markup('<div class="chart-empty" role="img" aria-label="{0}: {1}">'
                      '<p class="chart-title">{0}</p><p class="text-muted mb-0">{1}</p>'
                      '</div>').format(title, message))


def bar_chart(labels, values, title: str, axis: str, empty: str) -> str:
    """One bar per label (e.g. per step), values in percent; `empty` says there is none."""
    if not pd.Series(values, dtype="float64").notna().any():
        return no_data(title, empty)
    figure, ax = plt.subplots(figsize=(5, 2.8))
    ax.bar([str(label) for label in labels], values, color="#2fa4e7")
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.set_ylabel(axis)
    return _svg(figure)


def line_chart(table: pd.DataFrame, title: str, axis: str, series_label: str,
               empty: str) -> str:
    """One line per column (e.g. per step) over the rows (e.g. months), values in percent;
    `empty` says there is none."""
    if not table.notna().any().any():
        return no_data(title, empty)
    figure, ax = plt.subplots(figsize=(7, 2.8))
    for column in table.columns:
        ax.plot(table.index, table[column], marker="o",
                label=f"{series_label} {column}".strip())
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.set_ylabel(axis)
    ax.tick_params(axis="x", labelrotation=45)
    if len(table.columns):
        ax.legend(loc="lower left", fontsize=8)
    return _svg(figure)
