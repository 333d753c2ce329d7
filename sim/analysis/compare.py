"""Comparing what-ifs: the main outcomes of two or more sets of runs, side by side.

The first set is the baseline. For each outcome and each other set the table gives the median
(or, for an event, the share of runs), the difference against the baseline with its 95%
interval, and the share of paired runs in which the difference holds. Runs are paired when
both sets hold the same run ids with the same seeds (``malisim compare`` runs scenario files
with the same seeds, so they are): then the interval comes from a paired bootstrap (scipy's
``bootstrap``, resampling pairs), which keeps what the two runs of a seed share. Otherwise the
sets are resampled apart and no share of pairs is given.

``write_comparison`` writes the report folder: ``compare.md`` (the table and figures),
``compare.csv`` (the table, one row per outcome and set) and the figures.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.intervals import difference_interval, wilson_interval
from sim.analysis.outcomes import is_binary, outcome_label, outcome_values
from sim.analysis.results import foreign_ids
from sim.tables import Results

MAIN_OUTCOMES = (
    "deaths_state",
    "deaths_separatists",
    "deaths_jihadists",
    "deaths_civilians",
    "pop_share_state",
    "pop_share_jihadists_centre",
    "regime_popularity_end",
    "lens_western",
    "lens_bamako",
    "lens_patron",
    "patron_withdraws",
    "state_holds_kidal",
    "mass_casualty_defeat",
)
"""What a comparison shows by default, with each foreign force's deaths the sets share."""


@dataclass
class Compared:
    """One set of runs in a comparison: its label (the scenario's name) and its tables."""

    label: str
    results: Results
    source: str = ""


def paired(baseline: pd.DataFrame, other: pd.DataFrame) -> bool:
    """Whether two runs tables hold the same runs: the same run ids with the same seeds."""
    key = ["run_id", "seed"]
    if not set(key) <= set(baseline.columns) or not set(key) <= set(other.columns):
        return False
    a = baseline[key].sort_values(key).reset_index(drop=True)
    b = other[key].sort_values(key).reset_index(drop=True)
    return a.equals(b)


def main_outcomes(sets: list[Compared]) -> list[str]:
    """The default outcomes: the main ones every set can tell, then shared foreign deaths."""
    names = []
    for name in MAIN_OUTCOMES:
        try:
            for item in sets:
                values = outcome_values(item.results.runs, name)
                if values.isna().all():
                    raise KeyError(name)
        except KeyError:
            continue
        names.append(name)
    shared = set.intersection(*(set(foreign_ids(item.results.runs)) for item in sets))
    ordered = [f for f in foreign_ids(sets[0].results.runs) if f in shared]
    at = sets[0].results.runs.attrs.get("end_only", {})
    names += [f"deaths_foreign_{f}" for f in ordered if f"deaths_foreign_{f}" not in at]
    return names


def comparison_table(sets: list[Compared], outcomes: list[str]) -> pd.DataFrame:
    """One row per outcome and set: its median or share, and its difference against the first.

    Columns: ``outcome``, ``label`` (with unit), ``scenario``, ``statistic`` (``median`` or
    ``share``), ``value``, ``difference``, ``low``, ``high`` (its 95% interval), ``paired``
    and ``holds`` (the share of paired runs in which the other set's run differs from the
    baseline's in the direction of the difference; empty when unpaired or no difference).

    Raises:
        KeyError: an outcome is unknown to one of the sets.

    """
    base = sets[0]
    rows = []
    for name in outcomes:
        binary = is_binary(base.results.runs, name)
        statistic = np.mean if binary else np.median
        a = _by_run(base.results.runs, name)
        for item in sets:
            b = _by_run(item.results.runs, name)
            value = float(statistic(b.dropna())) if b.notna().any() else float("nan")
            row = {
                "outcome": name,
                "label": outcome_label(name),
                "scenario": item.label,
                "statistic": "share" if binary else "median",
                "value": value,
            }
            if item is not base:
                pair = paired(base.results.runs, item.results.runs)
                if pair:
                    a_, b_ = a.align(b, join="inner")
                else:
                    a_, b_ = a, b
                difference = value - float(statistic(a.dropna()))
                low, high = difference_interval(a_, b_, pair, statistic)
                holds = float("nan")
                if pair and difference != 0:
                    shift = np.sign(difference) * (b_ - a_)
                    holds = float((shift > 0).mean())
                row.update(difference=difference, low=low, high=high, paired=pair, holds=holds)
            rows.append(row)
    return pd.DataFrame(rows)


def _by_run(runs: pd.DataFrame, name: str) -> pd.Series:
    """An outcome's values indexed by (run id, seed), so two sets pair by their runs."""
    values = outcome_values(runs, name)
    values.index = pd.MultiIndex.from_frame(runs[["run_id", "seed"]])
    return values


def format_number(v: float, statistic: str, signed: bool = False) -> str:
    """A value (or, ``signed``, a difference) as printed: shares in % (differences in points)."""
    if pd.isna(v):
        return ""
    if statistic == "share":
        return f"{v * 100:+.0f} pts" if signed else f"{v:.0%}"
    text = f"{v:.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:.2f}"
    return ("+" if signed and v > 0 else "") + text


def wide_table(table: pd.DataFrame, labels: bool = True) -> pd.DataFrame:
    """The comparison as read: one row per outcome; each set's value, then each difference.

    Each other set gets three columns: its difference against the baseline, the difference's
    95% interval (shares in percentage points) and the share of paired runs in which it holds.
    With ``labels`` an outcome is named by its label with its unit, else by its name.
    """
    sets = list(dict.fromkeys(table["scenario"]))
    base = sets[0]
    out = []
    for name, rows in table.groupby("outcome", sort=False):
        line = {"outcome": rows["label"].iloc[0] if labels else name}
        for _, row in rows.iterrows():
            stat, label = row["statistic"], row["scenario"]
            line[label] = format_number(row["value"], stat)
            if label == base:
                continue
            which = "" if len(sets) == 2 else f" ({label})"
            line[f"{label} - {base}"] = format_number(row["difference"], stat, signed=True)
            interval = ""
            if pd.notna(row["low"]):
                low, high = (
                    format_number(row[end], stat, signed=True).removesuffix(" pts")
                    for end in ("low", "high")
                )
                interval = f"{low} to {high}"
            line[f"95% interval{which}"] = interval
            holds = row["holds"]
            line[f"holds in pairs{which}"] = "" if pd.isna(holds) else f"{holds:.0%}"
        out.append(line)
    wide = pd.DataFrame(out).fillna("")
    return wide[[c for c in wide.columns if (wide[c] != "").any()]]  # no pairs: no holds column


def plot_comparison(sets: list[Compared], outcomes: list[str]):
    """Overlaid ECDFs of the numeric outcomes and the shares of runs of the events, per set.

    Returns:
        ``(numeric figure or None, events figure or None)``.

    """
    import matplotlib.pyplot as plt

    from sim.analysis.style import series_colours, title_figure

    colours = series_colours(len(sets))
    runs0 = sets[0].results.runs
    numeric = [o for o in outcomes if not is_binary(runs0, o)]
    events = [o for o in outcomes if is_binary(runs0, o)]
    n_runs = sum(len(item.results.runs) for item in sets)
    figures = []
    if numeric:
        cols = min(4, len(numeric))
        rows = -(-len(numeric) // cols)
        fig, axes = plt.subplots(
            rows, cols, figsize=(3.6 * cols, 3.0 * rows), layout="constrained", squeeze=False
        )
        for ax, name in zip(axes.flat, numeric, strict=False):
            for item, colour in zip(sets, colours, strict=True):
                v = np.sort(outcome_values(item.results.runs, name).dropna().to_numpy())
                if not len(v):
                    continue
                ax.step(v, np.arange(1, len(v) + 1) / len(v), where="post", color=colour, lw=1.8)
                ax.axvline(np.median(v), color=colour, ls=":", lw=1)
            ax.set_title(textwrap.fill(outcome_label(name), 38), fontsize=9)
            ax.set_ylim(0, 1.02)
            ax.grid(alpha=0.3)
        for ax in axes.flat[len(numeric) :]:
            ax.set_visible(False)
        for ax in axes[:, 0]:
            ax.set_ylabel("share of runs at or below")
        handles = [plt.Line2D([], [], color=c, lw=2) for c in colours]
        fig.legend(handles, [s.label for s in sets], loc="outside lower center", ncols=len(sets))
        title_figure(fig, "Distributions compared (ECDF; dotted: median)", n_runs=n_runs)
        figures.append(fig)
    else:
        figures.append(None)
    if events:
        fig, ax = plt.subplots(figsize=(max(6, 2.2 * len(events)), 4), layout="constrained")
        width = 0.8 / len(sets)
        for i, (item, colour) in enumerate(zip(sets, colours, strict=True)):
            for j, name in enumerate(events):
                v = outcome_values(item.results.runs, name).dropna()
                p = float(v.mean()) if len(v) else float("nan")
                lo, hi = wilson_interval(int(v.sum()), len(v))
                x = j + (i - (len(sets) - 1) / 2) * width
                ax.bar(x, p, width=width, color=colour, label=item.label if j == 0 else None)
                ax.errorbar(x, p, yerr=[[p - lo], [hi - p]], color="black", capsize=3)
        ticks = [textwrap.fill(outcome_label(e), 22) for e in events]
        ax.set_xticks(range(len(events)), ticks, fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of runs (95% interval)")
        fig.legend(loc="outside right upper", fontsize=8)
        title_figure(fig, "How often each event happens", n_runs=n_runs)
        figures.append(fig)
    else:
        figures.append(None)
    return tuple(figures)


def write_comparison(
    sets: list[Compared], outcomes: list[str], folder: Path, notes: list[str] | None = None
) -> tuple[pd.DataFrame, list[Path]]:
    """Write ``compare.md``, ``compare.csv`` and the figures into ``folder``.

    Returns:
        The comparison table (long form) and the files written.

    """
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    table = comparison_table(sets, outcomes)
    written = [folder / "compare.csv"]
    table.to_csv(written[0], index=False)
    figures = []
    for fig, name in zip(plot_comparison(sets, outcomes), ("distributions", "events"), strict=True):
        if fig is None:
            continue
        path = folder / f"compare_{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        figures.append(path)
    report = folder / "compare.md"
    report.write_text(markdown(sets, table, figures, notes or []), encoding="utf-8")
    return table, [report, *written, *figures]


def markdown(
    sets: list[Compared], table: pd.DataFrame, figures: list[Path], notes: list[str]
) -> str:
    """The comparison as a Markdown page: sources, how runs pair, the table, the figures."""
    base = sets[0].label
    lines = [f"# {' vs '.join(s.label for s in sets)}", ""]
    at = sets[0].results.runs.attrs.get("at")
    if at:
        lines += [f"Outcomes at {at}.", ""]
    lines += ["| set | source | runs | model version |", "|---|---|---|---|"]
    for item in sets:
        version = item.results.manifest.get("model_version", "unknown")
        lines.append(f"| {item.label} | `{item.source}` | {len(item.results.runs)} | {version} |")
    pairing = []
    for item in sets[1:]:
        how = "paired by seed" if paired(sets[0].results.runs, item.results.runs) else "unpaired"
        pairing.append(f"{item.label} against {base}: {how}")
    lines += [
        "",
        f"Differences are against {base}; each has its 95% interval (bootstrap: "
        + "; ".join(pairing)
        + "). Medians for numbers, shares of runs for events (differences and their intervals "
        "in percentage points). *Holds in pairs* is the share of paired runs (the same seed) in "
        "which the difference goes the same way.",
        "",
    ]
    lines += [f"> {note}" for note in notes] + ([""] if notes else [])
    wide = wide_table(table)
    lines.append("| " + " | ".join(wide.columns) + " |")
    lines.append("|" + "---|" * len(wide.columns))
    for _, row in wide.iterrows():
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    lines.append("")
    lines += [f"![{path.stem}]({path.name})" for path in figures]
    return "\n".join(lines) + "\n"
