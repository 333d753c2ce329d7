"""Figures of outcome distributions, built from the result tables a run or a sweep writes.

Every function here takes the real tables (``runs``, ``events``, ``timeseries`` as read from a
results folder) and returns a matplotlib ``Figure``, so that tests can inspect what a figure
shows (its axes, legend entries, town labels) and users can restyle it before saving. Colours
come from ``sim.analysis.style``: one per actor, the same in every figure and in the web app.

Kinds of figure (see docs/ANALYSIS.md for how to read each):

* ``dist``: an outcome's histogram with density, violins and ECDF, by a parameter's levels;
* ``heatmap``: an outcome's probability (or median) over two swept parameters;
* ``timeseries``: median and 5-95% band of control shares, weekly deaths and popularity;
* ``map``: who holds the main towns at the end (share of runs), and where violence happened
  (drawn by ``sim.analysis.maps``);
* ``lenses``: each run as a point in the plane of two lenses of success; on a sweep, also which
  design each judge prefers and where two judges rank designs in opposite orders.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

# No matplotlib.use() here: a notebook keeps its inline backend, and without a display
# matplotlib falls back to Agg by itself (the CLI and the tests only save files).
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.intervals import wilson_interval
from sim.analysis.maps import plot_control_map, plot_violence_map
from sim.analysis.outcomes import (
    BINARY_OUTCOMES,
    DEFAULT_OUTCOMES,
    LENS_NAMES,
    SUCCESS,
    is_binary,
    outcome_label,
    outcome_values,
    parameter_label,
)
from sim.analysis.results import swept_parameters
from sim.analysis.style import (
    PALETTE,
    POPULARITY_COLOUR,
    actor_colour,
    actor_label,
    group_colours,
    title_figure,
)
from sim.analysis.timeline import Milestone, folder_milestones, mark_milestones
from sim.tables import Results
from sim.war.control import CONTROL_CLASSES


def _groups(runs: pd.DataFrame, by: str | None) -> list[tuple[str, pd.Index]]:
    """(label, row index) per level of ``by``, in order; one group of all runs without ``by``."""
    if by is None:
        return [(f"all runs (n={len(runs)})", runs.index)]
    if by not in runs.columns:
        raise KeyError(f"--by {by!r}: not a column of runs.parquet")
    out = []
    for level, rows in runs.groupby(by, sort=True).groups.items():
        shown = f"{level:.3g}" if isinstance(level, float) else str(level)
        out.append((f"{parameter_label(by)} = {shown} (n={len(rows)})", rows))
    return out


def _group_colours(runs: pd.DataFrame, by: str | None, n: int) -> list:
    """The groups' colours: ordered for a numeric parameter, categorical for a string one."""
    if by is None:
        return group_colours([None] * n)
    return group_colours(sorted(runs[by].dropna().unique()))


# --- distributions --------------------------------------------------------------------------------
def plot_distribution(runs: pd.DataFrame, outcome: str, by: str | None = None) -> Figure:
    """Histogram with density, violins and ECDF of an outcome, one colour per level of ``by``.

    A binary outcome (an event that happens or not) is drawn instead as its share of runs per
    group with a 95% Wilson interval: a histogram of zeros and ones says nothing.

    Args:
        runs: the runs table.
        outcome: a named outcome (``patron_withdraws``...) or a numeric column.
        by: a parameter column whose levels make the groups (a sweep's axis), or None.

    """
    values = outcome_values(runs, outcome)
    groups = _groups(runs, by)
    colours = _group_colours(runs, by, len(groups))
    label = outcome_label(outcome)
    if is_binary(runs, outcome):
        fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
        for i, ((name, rows), col) in enumerate(zip(groups, colours, strict=True)):
            v = values.loc[rows].dropna()
            p = v.mean() if len(v) else float("nan")
            lo, hi = wilson_interval(int(v.sum()), len(v))
            ax.bar(i, p, width=0.6, color=col, label=name)
            ax.errorbar(
                i, p, yerr=[[max(p - lo, 0.0)], [max(hi - p, 0.0)]], color="black", capsize=4
            )
            ax.text(i + 0.33, p, f"{p:.0%} ({int(v.sum())}/{len(v)})", va="center", fontsize=9)
        ax.set_xlim(-0.6, len(groups) - 0.1)
        ax.set_xticks(range(len(groups)), [g[0].split(" (n=")[0] for g in groups], rotation=20)
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of runs (95% interval)")
        ax.set_xlabel(parameter_label(by) if by else "")
        # beside the axes, never over a bar (a share of 100% fills the panel's height)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        title_figure(fig, f"How often {label}", n_runs=len(runs))
        return fig
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
    hist_ax, violin_ax, ecdf_ax = axes
    finite = values.replace([np.inf, -np.inf], np.nan).dropna()
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    # About two runs a bin at most: 20 bins over 4 runs draws spikes, not a distribution.
    n_bins = int(np.clip(len(finite) // 2, 4, 30))
    bins = np.linspace(lo, hi if hi > lo else lo + 1, n_bins + 1)
    for (name, rows), col in zip(groups, colours, strict=True):
        v = values.loc[rows].dropna().to_numpy()
        if len(groups) == 1:
            hist_ax.hist(v, bins=bins, density=True, alpha=0.45, color=col, label=name)
        else:  # filled bars of several groups hide each other: outlines only
            hist_ax.hist(v, bins=bins, density=True, histtype="step", lw=1, color=col, label=name)
        if len(v) > 2 and np.ptp(v) > 0:
            from scipy.stats import gaussian_kde

            grid = np.linspace(bins[0], bins[-1], 200)
            hist_ax.plot(grid, gaussian_kde(v)(grid), color=col, lw=1.8)
        xs = np.concatenate([[bins[0]], np.sort(v)])  # the ECDF starts at zero, left of all runs
        ecdf_ax.step(xs, np.arange(len(xs)) / max(len(v), 1), where="post", color=col, label=name)
    data = [values.loc[rows].dropna().to_numpy() for _, rows in groups]
    keep = [i for i, d in enumerate(data) if len(d)]
    if keep:
        parts = violin_ax.violinplot(
            [data[i] for i in keep], positions=keep, showmedians=True, widths=0.8
        )
        for i, body in zip(keep, parts["bodies"], strict=True):
            body.set_facecolor(colours[i])
            body.set_edgecolor("black")
            body.set_alpha(0.7)
        for key in ("cmedians", "cbars", "cmins", "cmaxes"):
            if key in parts:
                parts[key].set_color("black")  # the default blue vanishes on a blue violin
    violin_ax.set_xticks(
        range(len(groups)), [g[0].split(" (n=")[0].split("= ")[-1] for g in groups]
    )
    hist_ax.set_xlabel(label)
    hist_ax.set_ylabel("density")
    hist_ax.set_title("histogram and density")
    violin_ax.set_xlabel(parameter_label(by) if by else "")
    violin_ax.set_ylabel(label)
    violin_ax.set_title("violins (line: median)")
    ecdf_ax.set_xlabel(label)
    ecdf_ax.set_ylabel("share of runs at or below")
    ecdf_ax.set_ylim(0, 1.02)
    ecdf_ax.set_title("ECDF")
    # one legend under the three panels: inside the histogram it covers bars
    handles, names = hist_ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=min(len(names), 5), fontsize=8)
    title_figure(fig, f"Distribution of {label}", n_runs=len(runs))
    return fig


# --- heatmaps -------------------------------------------------------------------------------------
def heatmap_table(runs: pd.DataFrame, x: str, y: str, outcome: str) -> pd.DataFrame:
    """Tabulate an outcome's probability (binary) or median per cell (rows: ``y``)."""
    values = outcome_values(runs, outcome)
    frame = pd.DataFrame({x: runs[x], y: runs[y], "v": values})
    stat = "mean" if is_binary(runs, outcome) else "median"
    return frame.pivot_table(index=y, columns=x, values="v", aggfunc=stat).sort_index()


def plot_heatmap(runs: pd.DataFrame, x: str, y: str, outcome: str) -> Figure:
    """Draw a heatmap of an outcome over two swept parameters, each cell annotated with its value.

    Binary outcomes show the share of runs in which they happen, others their median.
    """
    table = heatmap_table(runs, x, y, outcome)
    binary = is_binary(runs, outcome)
    counts = runs.groupby([y, x]).size()
    fig, ax = plt.subplots(figsize=(7.5, 5.8), layout="constrained")
    kwargs = {"vmin": 0, "vmax": 1} if binary else {}
    image = ax.imshow(table.to_numpy(), origin="lower", cmap="cividis", aspect="auto", **kwargs)
    ax.set_xticks(range(table.shape[1]), [f"{v:.3g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:.3g}" for v in table.index])
    ax.set_xlabel(parameter_label(x) + f"  ({x})")
    ax.set_ylabel(parameter_label(y) + f"  ({y})")
    finite = table.to_numpy()[np.isfinite(table.to_numpy())]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0.5
    for (i, yv), (j, xv) in (
        (a, b) for a in enumerate(table.index) for b in enumerate(table.columns)
    ):
        v = table.loc[yv, xv]
        if np.isfinite(v):
            text = f"{v:.0%}" if binary else f"{v:.3g}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=9,
                color="white" if v < mid else "black",
            )
    bar = fig.colorbar(image, ax=ax)
    what = "share of runs" if binary else "median over runs"
    bar.set_label(f"{outcome_label(outcome)}\n({what})")
    n = int(counts.median()) if len(counts) else 0
    # Other swept parameters are not on the axes: each cell mixes their values, say so.
    others = [p for p in swept_parameters(runs) if p not in (x, y)]
    pooled = f"; pooled over {', '.join(parameter_label(p) for p in others)}" if others else ""
    fig.suptitle(
        f"{'Probability' if binary else 'Median'}: {outcome_label(outcome)}\n"
        f"({len(runs)} runs, about {n} per cell{pooled})",
        fontsize=11,
        fontweight="bold",
    )
    return fig


# --- time series ----------------------------------------------------------------------------------
LONG_SERIES_YEARS = 3
"""A time series longer than this many years is drawn with its three panels stacked."""


def _envelope(ts: pd.DataFrame, column: str) -> pd.DataFrame:
    """Median and 5% / 95% quantiles of a column per date across runs."""
    grouped = ts.groupby("date")[column]
    return pd.DataFrame(
        {"median": grouped.median(), "lo": grouped.quantile(0.05), "hi": grouped.quantile(0.95)}
    )


def plot_timeseries(
    timeseries: pd.DataFrame,
    runs: pd.DataFrame | None = None,
    by: str | None = None,
    milestones: list[Milestone] | None = None,
) -> Figure:
    """Median lines and 5-95% bands of control shares, cumulative deaths and regime popularity.

    Without ``by`` the panels are one per measure, coloured by faction. With ``by`` (a parameter
    of ``runs``) each group of runs gets its own colour and the panels show the state's share
    of the population, all deaths in the week, and popularity. ``milestones`` (coups,
    arrivals, departures, offensives: ``sim.analysis.timeline``) are marked on every panel.
    """
    if by is not None and (runs is None or by not in runs.columns):
        raise KeyError(f"--by {by!r}: not a column of runs.parquet")
    ts = timeseries.sort_values(["run_id", "date"]).copy()
    # A series of years reads best full width, its panels stacked (and its marks have room).
    years = (pd.Timestamp(ts["date"].max()) - pd.Timestamp(ts["date"].min())).days / 365.25
    rows, cols, size = (3, 1, (15, 11)) if years > LONG_SERIES_YEARS else (1, 3, (15, 4.5))
    fig, axes = plt.subplots(rows, cols, figsize=size, layout="constrained", sharex=True)
    share_ax, death_ax, pop_ax = axes
    # Weekly deaths are spiky (one ambush can dominate a week), so envelopes of them are
    # unreadable; cumulative deaths since the start give monotone, comparable bands.
    death_cols = [c for c in ts.columns if c.startswith("deaths_")]
    ts[death_cols] = ts.groupby("run_id")[death_cols].cumsum()
    ts["deaths_all"] = ts[death_cols].sum(axis=1)
    n_runs = ts["run_id"].nunique()

    # Overlapping bands of several groups turn to mud: fainter bands when grouped.
    alpha = 0.2 if by is None else 0.1

    def band(ax, env, col, label):
        ax.fill_between(env.index, env["lo"], env["hi"], color=col, alpha=alpha, lw=0)
        ax.plot(env.index, env["median"], color=col, lw=2, label=label)

    if by is None:
        for faction in CONTROL_CLASSES:
            if f"pop_share_{faction}" in ts:
                band(
                    share_ax,
                    _envelope(ts, f"pop_share_{faction}"),
                    actor_colour(faction),
                    actor_label(faction),
                )
        for col in death_cols:
            actor = col.removeprefix("deaths_")
            band(death_ax, _envelope(ts, col), actor_colour(actor), actor_label(actor))
        band(pop_ax, _envelope(ts, "regime_popularity"), POPULARITY_COLOUR, "regime popularity")
        share_ax.set_title("population share controlled")
        death_ax.set_title("deaths since the start, by who died")
    else:
        lookup = runs.set_index("run_id")[by]
        ts[by] = ts["run_id"].map(lookup)
        levels = sorted(ts[by].dropna().unique())
        for level, col in zip(levels, group_colours(levels), strict=True):
            sub = ts[ts[by] == level]
            name = (
                f"{parameter_label(by)} = {level:.3g}" if isinstance(level, float) else str(level)
            )
            band(share_ax, _envelope(sub, "pop_share_state"), col, name)
            band(death_ax, _envelope(sub, "deaths_all"), col, name)
            band(pop_ax, _envelope(sub, "regime_popularity"), col, name)
        share_ax.set_title("population share under the state")
        death_ax.set_title("deaths since the start, all actors")
    pop_ax.set_title("regime popularity in Bamako")
    share_ax.set_ylabel("share of population (0-1)")
    share_ax.set_ylim(0, 1)
    death_ax.set_ylabel("cumulative deaths (people)")
    pop_ax.set_ylabel("popularity (0-1)")
    pop_ax.set_ylim(0, 1)
    for ax in axes if rows == 1 else axes[-1:]:
        ax.set_xlabel("date (week ending)")
        ax.tick_params(axis="x", rotation=30 if rows == 1 else 0)
    for ax in axes:
        ax.grid(alpha=0.3)
    share_ax.legend(fontsize=8, loc="best")
    death_ax.legend(fontsize=8, loc="upper left")
    if by is not None:
        pop_ax.legend(fontsize=8, loc="best")
    fig.suptitle(
        f"Weekly time series: median line and 5-95% band over {n_runs} runs",
        fontsize=12,
        fontweight="bold",
    )
    if milestones:
        mark_milestones(axes, milestones, ts["date"].min(), ts["date"].max())
    return fig


# --- lenses ---------------------------------------------------------------------------------------
def plot_lenses(runs: pd.DataFrame, by: str | None = None) -> Figure:
    """Each run as a point in three planes of two lenses, with the success line at one half.

    Points in the upper-left and lower-right quarters succeed by one lens and fail by the other.
    Colours are the levels of ``by`` (a swept parameter) or whether a patron withdrew.
    """
    pairs = (
        ("lens_western", "lens_bamako"),
        ("lens_western", "lens_patron"),
        ("lens_bamako", "lens_patron"),
    )
    fig, axes = plt.subplots(1, 3, figsize=(15, 6), layout="constrained")
    if by is not None:
        groups = _groups(runs, by)
    else:
        withdrew = outcome_values(runs, "patron_withdraws")
        groups = [
            ("patron stayed", runs.index[withdrew == 0]),
            ("patron withdrew", runs.index[withdrew == 1]),
        ]
        groups = [g for g in groups if len(g[1])] or [("all runs", runs.index)]
    colours = (
        _group_colours(runs, by, len(groups))
        if by is not None
        else [
            actor_colour("state") if "stayed" in g[0] else actor_colour("jihadists") for g in groups
        ]
    )
    for ax, (x, y) in zip(axes, pairs, strict=True):
        for (name, rows), col in zip(groups, colours, strict=True):
            ax.scatter(
                runs.loc[rows, x],
                runs.loc[rows, y],
                s=22,
                color=col,
                alpha=0.75,
                edgecolor="black",
                lw=0.3,
                label=name,
            )
        ax.axvline(SUCCESS, color="grey", ls="--", lw=1)
        ax.axhline(SUCCESS, color="grey", ls="--", lw=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        # The lenses' labels say what each judge values: long, so wrapped to the panel's width.
        ax.set_xlabel(textwrap.fill(outcome_label(x), 45), fontsize=9)
        ax.set_ylabel(textwrap.fill(outcome_label(y), 45), fontsize=9)
        both = ((runs[x] > SUCCESS) & (runs[y] > SUCCESS)).mean()
        split = ((runs[x] > SUCCESS) != (runs[y] > SUCCESS)).mean()
        ax.set_title(f"success by both {both:.0%}, by one only {split:.0%}", fontsize=10)
        for tx, ty, text in (
            (0.02, 0.98, f"{LENS_NAMES[y]} only"),
            (0.98, 0.02, f"{LENS_NAMES[x]} only"),
        ):
            ax.text(
                tx,
                ty,
                text,
                transform=ax.transAxes,
                fontsize=8,
                color="#444444",
                ha="left" if tx < 0.5 else "right",
                va="top" if ty > 0.5 else "bottom",
            )
    axes[0].legend(fontsize=8, loc="lower left")
    title_figure(fig, "Success depends on the lens: each point is a run", n_runs=len(runs))
    return fig


def plot_lens_preferences(runs: pd.DataFrame, swept: list[str]) -> Figure:
    """Which design each judge prefers, and where two judges rank designs in opposite orders.

    Top row, one panel a lens: its median score over the sweep's first two axes, the best
    design boxed. Bottom row, one panel a pair of lenses: each design's rank by one lens
    against its rank by the other (on the diagonal they agree; Spearman's rho above), with a
    line joining each pair of designs the two rank in opposite orders with 95% intervals
    of the median that do not overlap (``sim.analysis.lenses.opposed_pairs``).
    """
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import MaxNLocator

    from sim.analysis.lenses import (
        MAIN_LENSES,
        design_keys,
        design_summary,
        opposed_pairs,
        rank_table,
        spearman,
    )

    x, y = swept[0], swept[1]
    summary = design_summary(runs, design_keys(runs, swept))
    summary = summary[summary["lens"].isin(MAIN_LENSES)]
    ranks = rank_table(summary)
    pairs = opposed_pairs(summary)
    lenses = [lens for lens in MAIN_LENSES if lens in set(summary["lens"])]
    fig, axes = plt.subplots(2, 3, figsize=(16, 10), layout="constrained")
    for ax, lens in zip(axes[0], lenses, strict=False):
        table = heatmap_table(runs, x, y, lens)
        values = table.to_numpy()
        image = ax.imshow(values, origin="lower", cmap="cividis", aspect="auto")
        mid = (np.nanmin(values) + np.nanmax(values)) / 2
        for i, j in np.ndindex(values.shape):
            if np.isfinite(values[i, j]):
                colour = "white" if values[i, j] < mid else "black"
                ax.text(j, i, f"{values[i, j]:.3f}", ha="center", va="center", color=colour)
        best = np.unravel_index(np.nanargmax(values), values.shape)
        box = Rectangle((best[1] - 0.5, best[0] - 0.5), 1, 1, fill=False, lw=3)
        box.set_edgecolor(PALETTE["vermillion"])
        ax.add_patch(box)
        ax.set_xticks(range(table.shape[1]), [f"{v:.3g}" for v in table.columns])
        ax.set_yticks(range(table.shape[0]), [f"{v:.3g}" for v in table.index])
        ax.set_xlabel(parameter_label(x))
        ax.set_ylabel(parameter_label(y))
        ax.set_title(f"{LENS_NAMES[lens]} lens: median score (best boxed)", fontsize=10)
        fig.colorbar(image, ax=ax, shrink=0.8)
    for ax in axes[0][len(lenses) :]:
        ax.set_axis_off()
    combos = [(a, b) for i, a in enumerate(lenses) for b in lenses[i + 1 :]]
    for ax, (a, b) in zip(axes[1], combos, strict=False):
        ax.scatter(ranks[a], ranks[b], s=40, color="grey", edgecolor="black", zorder=3)
        n = len(ranks)
        ax.plot([1, n], [1, n], color="grey", ls="--", lw=1)
        mine = pairs[(pairs["lens_a"] == a) & (pairs["lens_b"] == b)]
        for row in mine.itertuples():
            p, q = row.preferred_by_a, row.preferred_by_b
            ax.plot(
                [ranks.at[p, a], ranks.at[q, a]],
                [ranks.at[p, b], ranks.at[q, b]],
                color=PALETTE["vermillion"],
                lw=1.2,
                alpha=0.7,
                zorder=2,
            )
        ax.set_xlabel(f"rank of the design by the {LENS_NAMES[a]} lens (1: best)")
        ax.set_ylabel(f"rank by the {LENS_NAMES[b]} lens")
        ax.invert_xaxis()
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        rho = spearman(ranks, a, b)
        ax.set_title(
            f"Spearman's rho {rho:.2f}; lines: {len(mine)} pairs in settled opposite order",
            fontsize=10,
        )
    for ax in axes[1][len(combos) :]:
        ax.set_axis_off()
    title_figure(fig, "Which design each judge prefers", n_runs=len(runs))
    return fig


# --- the command ----------------------------------------------------------------------------------
KINDS = ("dist", "heatmap", "timeseries", "map", "lenses")


def make_figures(
    results: Results,
    out: Path,
    kinds: list[str] | tuple[str, ...] = KINDS,
    by: str | None = None,
    outcomes: list[str] | None = None,
    fmt: str = "png",
    at: str | None = None,
) -> list[Path]:
    """Draw the figures of ``kinds`` for a results folder and save them in ``out``.

    Defaults: on a sweep the groups are the first swept parameter's levels and the heatmaps use
    the first two swept parameters; a run folder gets no heatmap (nothing is swept). ``at``
    (results cut at a date by ``sim.analysis.at_date``) is written into every title.

    Returns:
        The files written, in order.

    """
    out.mkdir(parents=True, exist_ok=True)
    runs = results.runs
    if by is None and results.swept:
        by = results.swept[0]
    written: list[Path] = []

    def save(fig: Figure, name: str) -> None:
        # A bound in an outcome's name (lens_bamako>=0.84) is no part of a portable file name.
        for sign, word in ((">=", "_ge_"), ("<=", "_le_"), (">", "_gt_"), ("<", "_lt_")):
            name = name.replace(sign, word)
        path = out / f"{name}.{fmt}"
        if at is not None:
            title = fig.get_suptitle()
            title = (
                title.replace("at the end", f"on {at}")
                if "at the end" in title
                else (f"{title}, on {at}")
            )
            fig.suptitle(title, fontsize=11, fontweight="bold")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    if "dist" in kinds:
        default = list(DEFAULT_OUTCOMES) + [
            o for o in ("patron_withdraws", "state_holds_kidal") if o in BINARY_OUTCOMES
        ]
        for name in outcomes or default:
            save(plot_distribution(runs, name, by=by), f"dist_{name}")
    if "heatmap" in kinds and len(results.swept) >= 2:
        x, y = results.swept[0], results.swept[1]
        default = [
            "patron_withdraws",
            "state_holds_kidal",
            "mass_casualty_defeat",
            "deaths_civilians",
        ]
        for name in outcomes or default:
            save(plot_heatmap(runs, x, y, name), f"heatmap_{name}")
    if "timeseries" in kinds:
        marks = folder_milestones(results.folder)
        save(plot_timeseries(results.timeseries, runs, by=by, milestones=marks), "timeseries")
    if "map" in kinds:
        save(plot_control_map(runs), "map_control")
        save(plot_violence_map(results.events, len(runs)), "map_violence")
    if "lenses" in kinds:
        save(plot_lenses(runs, by=by), "lenses")
        if len(results.swept) >= 2:
            save(plot_lens_preferences(runs, results.swept), "lens_preferences")
    return written
