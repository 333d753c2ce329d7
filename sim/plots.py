"""Figures of outcome distributions, built from the result tables a run or a sweep writes.

Every function here takes the real tables (``runs``, ``events``, ``timeseries`` as read from a
results folder) and returns a matplotlib ``Figure``, so that tests can inspect what a figure
shows (its axes, legend entries, town labels) and users can restyle it before saving.

One colour per actor is used in every figure (the Okabe-Ito palette, safe for the common forms
of colour blindness): the state blue, separatists orange, jihadists vermillion, contested grey,
each foreign force its own colour. Groups of a swept parameter's levels use the ordered
``cividis`` map, so a darker group is always a lower level.

Kinds of figure (see docs/ANALYSIS.md for how to read each):

* ``dist``: an outcome's histogram with density, violins and ECDF, by a parameter's levels;
* ``heatmap``: an outcome's probability (or median) over two swept parameters;
* ``timeseries``: median and 5-95% band of control shares, weekly deaths and popularity;
* ``map``: who holds the main towns at the end (share of runs), and where violence happened;
* ``lenses``: each run as a point in the plane of two lenses of success.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# No matplotlib.use() here: a notebook keeps its inline backend, and without a display
# matplotlib falls back to Agg by itself (the CLI and the tests only save files).
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon

# --- colours --------------------------------------------------------------------------------------
# Okabe & Ito (2008) "Color Universal Design"; fixed per actor so a reader learns them once.
FACTION_COLOURS: dict[str, str] = {
    "state": "#0072B2",  # blue
    "separatists": "#E69F00",  # orange
    "jihadists": "#D55E00",  # vermillion
    "contested": "#999999",  # grey
    "civilians": "#000000",  # black
    "wagner": "#CC79A7",  # reddish purple
    "africa_corps": "#882255",  # wine (Tol), Wagner's successor: a darker purple
    "france": "#56B4E9",  # sky blue
    "un": "#009E73",  # bluish green
}
_SPARE = ("#F0E442", "#332288", "#44AA99", "#117733")

ACTOR_LABELS = {
    "state": "state (FAMa)",
    "separatists": "separatists",
    "jihadists": "jihadists",
    "contested": "contested",
    "civilians": "civilians",
    "wagner": "Wagner",
    "africa_corps": "Africa Corps",
    "france": "France",
    "un": "UN (MINUSMA)",
}
FACTIONS = ("state", "separatists", "jihadists", "contested")


def colour(actor: str) -> str:
    """Return the fixed colour of an actor (faction, contested, civilians or foreign id)."""
    if actor in FACTION_COLOURS:
        return FACTION_COLOURS[actor]
    return _SPARE[sum(map(ord, actor)) % len(_SPARE)]  # stable for an unknown foreign id


def actor_label(actor: str) -> str:
    """Return a readable name for an actor id."""
    return ACTOR_LABELS.get(actor, actor.replace("_", " ").title())


# --- loading --------------------------------------------------------------------------------------
@dataclass
class ResultSet:
    """The three tables of a results folder, and what kind of folder it was.

    Attributes:
        runs: one row a run (a sweep adds ``point``, ``replicate``).
        events: one row an engagement or act of violence.
        timeseries: one row a run and week.
        folder: where the tables were read from.
        is_sweep: whether the folder is a sweep (several design points).
        swept: parameters (dotted names) that vary between runs, in column order.

    """

    runs: pd.DataFrame
    events: pd.DataFrame
    timeseries: pd.DataFrame
    folder: Path
    is_sweep: bool
    swept: list[str]

    @property
    def foreign(self) -> list[str]:
        """Foreign force ids present in the runs table."""
        return foreign_ids(self.runs)


class ResultsError(Exception):
    """A folder that does not hold result tables; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_results(folder: str | Path) -> ResultSet:
    """Read a run folder (``malisim run``) or a sweep folder (``malisim sweep``).

    A sweep folder is read with ``sim.sweep.read_sweep`` (imported here, so plotting a run folder
    does not need the sweep engine); a run folder from its three parquet files.

    Raises:
        ResultsError: the folder is missing or holds no result tables.

    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError([f"{folder}: no such results folder"])
    runs = events = timeseries = None
    is_sweep = False
    # A sweep writes each table as a folder of part files (runs.parquet/part-*.parquet).
    if (folder / "runs.parquet").is_dir() or not (folder / "runs.parquet").exists():
        try:
            from sim.sweep import read_sweep
        except ImportError:
            read_sweep = None
        if read_sweep is not None:
            try:
                tables = read_sweep(folder)
                runs, events, timeseries = tables.runs, tables.events, tables.timeseries
                is_sweep = True
            except (FileNotFoundError, ValueError, KeyError):
                runs = None
    if runs is None:
        missing = [
            f"{folder / name}: missing (expected a results folder from malisim run or sweep)"
            for name in ("runs.parquet", "events.parquet", "timeseries.parquet")
            if not (folder / name).exists()
        ]
        if missing:
            raise ResultsError(missing)
        runs = pd.read_parquet(folder / "runs.parquet")
        events = pd.read_parquet(folder / "events.parquet")
        timeseries = pd.read_parquet(folder / "timeseries.parquet")
    if runs.empty:
        raise ResultsError([f"{folder / 'runs.parquet'}: the runs table is empty"])
    swept = swept_parameters(runs)
    is_sweep = is_sweep or "point" in runs.columns or bool(swept)
    return ResultSet(runs, events, timeseries, folder, is_sweep, swept)


def parameter_columns(runs: pd.DataFrame) -> list[str]:
    """Scenario parameter columns: dotted names (``foreign.wagner.commitment``)."""
    return [c for c in runs.columns if "." in c]


def swept_parameters(runs: pd.DataFrame) -> list[str]:
    """Numeric parameters that take more than one value across the runs (a sweep's axes)."""
    out = []
    for col in parameter_columns(runs):
        values = runs[col]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if values.nunique(dropna=True) > 1:
                out.append(col)
    return out


def foreign_ids(runs: pd.DataFrame) -> list[str]:
    """Foreign force ids, from the ``deaths_foreign_<id>`` columns."""
    return [
        c.removeprefix("deaths_foreign_") for c in runs.columns if c.startswith("deaths_foreign_")
    ]


# --- outcomes -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """A named outcome of a run: a number (or a 0/1 event) computed from the runs table."""

    name: str
    label: str
    binary: bool
    compute: Callable[[pd.DataFrame], pd.Series]


def _withdrew(runs: pd.DataFrame) -> pd.Series:
    cols = [c for c in runs.columns if c.startswith("withdrew_foreign_")]
    if not cols:
        return pd.Series(np.nan, index=runs.index)
    return runs[cols].fillna(False).astype(bool).any(axis=1).astype(float)


def _mass_casualty(runs: pd.DataFrame) -> pd.Series:
    cols = [c for c in runs.columns if c.startswith("max_engagement_deaths_foreign_")]
    if not cols:
        return pd.Series(np.nan, index=runs.index)
    # The scenario's own threshold, the one the patron's decision reacts to (politics section).
    threshold = runs.get("politics.mass_casualty_threshold", pd.Series(50, index=runs.index))
    return (runs[cols].max(axis=1) >= threshold).astype(float)


BINARY_OUTCOMES: dict[str, Outcome] = {
    "patron_withdraws": Outcome("patron_withdraws", "a foreign patron withdraws", True, _withdrew),
    "state_holds_kidal": Outcome(
        "state_holds_kidal",
        "the state holds Kidal at the end",
        True,
        lambda r: (r["holder_kidal"] == "state").astype(float),
    ),
    "mass_casualty_defeat": Outcome(
        "mass_casualty_defeat",
        "a foreign force suffers a mass-casualty defeat",
        True,
        _mass_casualty,
    ),
}

_LABELS = {
    "deaths_state": "state forces killed (men)",
    "deaths_separatists": "separatists killed (men)",
    "deaths_jihadists": "jihadists killed (men)",
    "deaths_civilians": "civilians killed (people)",
    "pop_share_state": "population under state control (share)",
    "pop_share_jihadists": "population under jihadist control (share)",
    "pop_share_state_north": "north's population under the state (share)",
    "pop_share_jihadists_centre": "centre's population under jihadists (share)",
    "area_share_state": "territory under state control (share)",
    "regime_popularity_end": "regime popularity at the end (0-1)",
    "lens_western": "Western lens score (0-1, higher is better)",
    "lens_bamako": "Bamako lens score (0-1, higher is better)",
    "lens_patron": "patron lens score (0-1, higher is better)",
}

DEFAULT_OUTCOMES = ("deaths_civilians", "pop_share_state", "regime_popularity_end", "lens_bamako")


def outcome_label(name: str) -> str:
    """Return a readable label with units for an outcome or column name."""
    if name in BINARY_OUTCOMES:
        return BINARY_OUTCOMES[name].label
    if name in _LABELS:
        return _LABELS[name]
    m = re.fullmatch(r"deaths_foreign_(\w+)", name)
    if m:
        return f"{actor_label(m.group(1))} killed (men)"
    m = re.fullmatch(r"max_engagement_deaths_foreign_(\w+)", name)
    if m:
        return f"{actor_label(m.group(1))}'s worst loss in one engagement (men)"
    m = re.fullmatch(r"civilians_killed_by_(\w+)", name)
    if m:
        return f"civilians killed by {actor_label(m.group(1))} (people)"
    return name.replace("_", " ")


def parameter_label(name: str) -> str:
    """Return the last parts of a dotted parameter name, readable (``wagner risk tolerance``)."""
    parts = name.split(".")
    return " ".join(p.replace("_", " ") for p in parts[-2:])


def outcome_values(runs: pd.DataFrame, name: str) -> pd.Series:
    """Compute an outcome per run: a named binary outcome (0/1) or a numeric column of ``runs``.

    Raises:
        KeyError: the name is neither a named outcome nor a numeric column.

    """
    if name in BINARY_OUTCOMES:
        return BINARY_OUTCOMES[name].compute(runs)
    if name not in runs.columns:
        known = ", ".join([*BINARY_OUTCOMES, *DEFAULT_OUTCOMES])
        raise KeyError(f"unknown outcome {name!r}: a column of runs.parquet or one of {known}")
    values = runs[name]
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    if not pd.api.types.is_numeric_dtype(values):
        raise KeyError(f"outcome {name!r} is not numeric (its column holds {values.dtype})")
    return values.astype(float)


def is_binary(runs: pd.DataFrame, name: str) -> bool:
    """Whether an outcome is an event (0/1), to plot as a probability."""
    if name in BINARY_OUTCOMES:
        return True
    return name in runs.columns and pd.api.types.is_bool_dtype(runs[name])


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


def _group_colours(n: int) -> list:
    if n == 1:
        return ["#0072B2"]
    return [plt.get_cmap("cividis")(v) for v in np.linspace(0.05, 0.9, n)]


def _title(fig: Figure, text: str, results: ResultSet | None = None, n_runs: int | None = None):
    name = ""
    if results is not None:
        scen = results.runs.get("scenario")
        name = str(scen.iloc[0]) if scen is not None else results.folder.name
        n_runs = len(results.runs)
    suffix = f" ({name}, {n_runs} runs)" if name else (f" ({n_runs} runs)" if n_runs else "")
    fig.suptitle(text + suffix, fontsize=12, fontweight="bold")


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
    colours = _group_colours(len(groups))
    label = outcome_label(outcome)
    if is_binary(runs, outcome):
        fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
        for i, ((name, rows), col) in enumerate(zip(groups, colours, strict=True)):
            v = values.loc[rows].dropna()
            p, lo, hi = _wilson(int(v.sum()), len(v))
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
        ax.legend(fontsize=8, loc="upper left")
        _title(fig, f"How often {label}", n_runs=len(runs))
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
    hist_ax.legend(fontsize=8)
    _title(fig, f"Distribution of {label}", n_runs=len(runs))
    return fig


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float, float]:
    """Share and Wilson score interval of ``k`` successes in ``n`` runs."""
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)


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
def _envelope(ts: pd.DataFrame, column: str) -> pd.DataFrame:
    """Median and 5% / 95% quantiles of a column per date across runs."""
    grouped = ts.groupby("date")[column]
    return pd.DataFrame(
        {"median": grouped.median(), "lo": grouped.quantile(0.05), "hi": grouped.quantile(0.95)}
    )


def plot_timeseries(
    timeseries: pd.DataFrame, runs: pd.DataFrame | None = None, by: str | None = None
) -> Figure:
    """Median lines and 5-95% bands of control shares, cumulative deaths and regime popularity.

    Without ``by`` the panels are one per measure, coloured by faction. With ``by`` (a parameter
    of ``runs``) each group of runs gets its own colour and the panels show the state's share
    of the population, all deaths in the week, and popularity.
    """
    if by is not None and (runs is None or by not in runs.columns):
        raise KeyError(f"--by {by!r}: not a column of runs.parquet")
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), layout="constrained", sharex=True)
    share_ax, death_ax, pop_ax = axes
    # Weekly deaths are spiky (one ambush can dominate a week), so envelopes of them are
    # unreadable; cumulative deaths since the start give monotone, comparable bands.
    ts = timeseries.sort_values(["run_id", "date"]).copy()
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
        for faction in FACTIONS:
            if f"pop_share_{faction}" in ts:
                band(
                    share_ax,
                    _envelope(ts, f"pop_share_{faction}"),
                    colour(faction),
                    actor_label(faction),
                )
        for col in death_cols:
            actor = col.removeprefix("deaths_")
            band(death_ax, _envelope(ts, col), colour(actor), actor_label(actor))
        band(pop_ax, _envelope(ts, "regime_popularity"), colour("state"), "regime popularity")
        share_ax.set_title("population share controlled")
        death_ax.set_title("deaths since the start, by who died")
    else:
        lookup = runs.set_index("run_id")[by]
        ts[by] = ts["run_id"].map(lookup)
        levels = sorted(ts[by].dropna().unique())
        for level, col in zip(levels, _group_colours(len(levels)), strict=True):
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
    for ax in axes:
        ax.set_xlabel("date (week ending)")
        ax.tick_params(axis="x", rotation=30)
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
    return fig


# --- maps -----------------------------------------------------------------------------------------
def _regions_data() -> dict:
    from sim.geography import DATA_DIR

    return json.loads((DATA_DIR / "regions.json").read_text())


def _towns() -> pd.DataFrame:
    from sim.geography import DATA_DIR

    return pd.read_csv(DATA_DIR / "towns.csv")


def _rings(geometry) -> list[np.ndarray]:
    """Outer rings of a polygon or multipolygon given as nested coordinate lists."""
    arr = geometry
    depth = 0
    while isinstance(arr, list) and arr and isinstance(arr[0], list):
        depth += 1
        arr = arr[0]
    if depth == 2:  # [ring][point][xy]
        return [np.asarray(geometry[0])]
    if depth == 3:  # [polygon][ring][point][xy] minus one level, or [ring][point][xy] list
        return [
            np.asarray(poly[0]) if isinstance(poly[0][0], list) else np.asarray(poly)
            for poly in geometry
        ]
    return [np.asarray(geometry)]


def _draw_mali(ax, label_regions: bool = True) -> None:
    data = _regions_data()
    for ring in _rings(data["outline"]):
        ax.add_patch(Polygon(ring, closed=True, fill=False, lw=1.6, ec="black", zorder=3))
    for name, geom in data["regions"].items():
        rings = _rings(geom)
        for ring in rings:
            ax.add_patch(Polygon(ring, closed=True, fill=False, lw=0.6, ec="#777777", zorder=2))
        if label_regions:
            biggest = max(rings, key=len)
            cx, cy = biggest[:, 0].mean(), biggest[:, 1].mean()
            if name != "bamako":  # the district is too small to label over the city
                ax.text(
                    cx,
                    cy,
                    name.title(),
                    fontsize=8,
                    color="#555555",
                    style="italic",
                    ha="center",
                    va="center",
                    zorder=2,
                )
    from sim.geography import BBOX

    ax.set_xlim(BBOX[0], BBOX[1])
    ax.set_ylim(BBOX[2], BBOX[3])
    ax.set_aspect(1 / np.cos(np.radians(17.5)))  # equal distances at Mali's mid-latitude
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")


MAP_TOWN_COLUMNS = "holder_"


def plot_control_map(runs: pd.DataFrame) -> Figure:
    """Who holds each recorded town at the end: a pie of the share of runs per holder.

    The runs table records the end holder of the regional capitals, Kidal and other key towns
    (``holder_<town>``); each town's pie shows in how many runs each faction held it.
    """
    towns = _towns().set_index("id")
    fig, ax = plt.subplots(figsize=(8.5, 8.5), layout="constrained")
    _draw_mali(ax)
    holder_cols = [c for c in runs.columns if c.startswith(MAP_TOWN_COLUMNS)]
    radius = 0.38
    for col in holder_cols:
        town = col.removeprefix(MAP_TOWN_COLUMNS)
        if town not in towns.index:
            continue
        lat, lon = towns.loc[town, ["lat", "lon"]]
        counts = runs[col].value_counts(normalize=True)
        start = 90.0
        for faction in FACTIONS:
            share = float(counts.get(faction, 0.0))
            if share <= 0:
                continue
            from matplotlib.patches import Wedge

            wedge = Wedge(
                (lon, lat),
                radius,
                start,
                start + 360 * share,
                fc=colour(faction),
                ec="white",
                lw=0.8,
                zorder=4,
            )
            ax.add_patch(wedge)
            start += 360 * share
        state = float(counts.get("state", 0.0))
        ax.annotate(
            f"{towns.loc[town, 'name']}\nstate {state:.0%}",
            (lon, lat),
            xytext=(radius * 40, 0),
            textcoords="offset points",
            fontsize=8,
            va="center",
            zorder=5,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    _share_inset(ax, runs)
    handles = [Patch(color=colour(f), label=actor_label(f)) for f in FACTIONS]
    ax.legend(handles=handles, title="holder at the end", loc="lower right", fontsize=8)
    _title(fig, "Who holds the key towns at the end: share of runs", n_runs=len(runs))
    return fig


def _share_inset(ax, runs: pd.DataFrame) -> None:
    """Stacked bars of the mean population and area shares at the end, in empty Mauritania."""
    rows = [("population", "pop_share"), ("area", "area_share")]
    rows = [(n, c) for n, c in rows if all(f"{c}_{f}" in runs for f in FACTIONS)]
    if not rows:
        return
    inset = ax.inset_axes((0.03, 0.83, 0.36, 0.1))
    for i, (_, prefix) in enumerate(rows):
        left = 0.0
        for faction in FACTIONS:
            share = float(runs[f"{prefix}_{faction}"].mean())
            inset.barh(i, share, left=left, color=colour(faction), height=0.7)
            if share > 0.08:
                inset.text(
                    left + share / 2,
                    i,
                    f"{share:.0%}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if faction != "contested" else "black",
                )
            left += share
    inset.set_yticks(range(len(rows)), [n for n, _ in rows], fontsize=7)
    inset.set_xlim(0, 1)
    inset.set_xticks([])
    inset.invert_yaxis()
    inset.set_title("whole country at the end (mean share)", fontsize=7)


def plot_violence_map(events: pd.DataFrame, n_runs: int) -> Figure:
    """Where violence happened: event density (per run) and civilian deaths, towns labelled."""
    towns = _towns()
    fig, axes = plt.subplots(1, 2, figsize=(15, 7.5), layout="constrained")
    violent = events[events["event_type"] != "town_abandoned"]
    panels = (
        (axes[0], None, "engagements and attacks per run"),
        (axes[1], "deaths_civilians", "civilians killed per run"),
    )
    for ax, weight, name in panels:
        _draw_mali(ax, label_regions=False)
        w = None if weight is None else violent[weight].to_numpy(float)
        if w is not None:
            w = w / max(n_runs, 1)
        else:
            w = np.full(len(violent), 1.0 / max(n_runs, 1))
        if len(violent):
            hb = ax.hexbin(
                violent["lon"],
                violent["lat"],
                C=w,
                reduce_C_function=np.sum,
                gridsize=(30, 20),
                extent=(-12.3, 4.3, 10.1, 25.0),
                cmap="magma_r",
                mincnt=1,
                bins="log",
                zorder=1,
                linewidths=0.2,
            )
            bar = fig.colorbar(hb, ax=ax, shrink=0.7)
            bar.set_label(f"{name} (log scale)")
        big = towns[towns["kind"].isin(["capital", "regional_capital"]) | (towns["id"] == "kidal")]
        ax.scatter(big["lon"], big["lat"], s=14, c="white", edgecolors="black", zorder=4)
        for _, t in big.iterrows():
            ax.annotate(
                t["name"],
                (t["lon"], t["lat"]),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=8,
                fontweight="bold",
                zorder=5,
                # a white halo: names stay legible over the darkest hexagons
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
            )
        ax.set_title(name)
    by_type = violent["event_type"].value_counts()
    summary = ", ".join(
        f"{k.replace('_', ' ')} {v / max(n_runs, 1):.0f}" for k, v in by_type.items()
    )
    fig.suptitle(
        f"Where the violence happened ({n_runs} runs; events per run: {summary})",
        fontsize=11,
        fontweight="bold",
    )
    return fig


# --- lenses ---------------------------------------------------------------------------------------
LENSES = ("lens_bamako", "lens_western", "lens_patron")
SUCCESS = 0.5  # a lens score above one half counts as success by that lens (scores are 0-1)


def lens_disagreement(runs: pd.DataFrame) -> float:
    """Share of runs that succeed by the Bamako lens and fail by the Western one, or vice versa."""
    bamako = runs["lens_bamako"] > SUCCESS
    western = runs["lens_western"] > SUCCESS
    return float((bamako != western).mean())


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
        _group_colours(len(groups))
        if by is not None
        else [colour("state") if "stayed" in g[0] else colour("jihadists") for g in groups]
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
        ax.set_xlabel(outcome_label(x))
        ax.set_ylabel(outcome_label(y))
        both = ((runs[x] > SUCCESS) & (runs[y] > SUCCESS)).mean()
        split = ((runs[x] > SUCCESS) != (runs[y] > SUCCESS)).mean()
        ax.set_title(f"success by both {both:.0%}, by one only {split:.0%}", fontsize=10)
        for tx, ty, text in ((0.02, 0.98, f"{_short(y)} only"), (0.98, 0.02, f"{_short(x)} only")):
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
    _title(fig, "Success depends on the lens: each point is a run", n_runs=len(runs))
    return fig


def _short(lens: str) -> str:
    return {"lens_western": "Western", "lens_bamako": "Bamako", "lens_patron": "patron"}[lens]


# --- the command ----------------------------------------------------------------------------------
KINDS = ("dist", "heatmap", "timeseries", "map", "lenses")


def make_figures(
    results: ResultSet,
    out: Path,
    kinds: list[str] | tuple[str, ...] = KINDS,
    by: str | None = None,
    outcomes: list[str] | None = None,
    fmt: str = "png",
) -> list[Path]:
    """Draw the figures of ``kinds`` for a results folder and save them in ``out``.

    Defaults: on a sweep the groups are the first swept parameter's levels and the heatmaps use
    the first two swept parameters; a run folder gets no heatmap (nothing is swept).

    Returns:
        The files written, in order.

    """
    out.mkdir(parents=True, exist_ok=True)
    runs = results.runs
    if by is None and results.swept:
        by = results.swept[0]
    written: list[Path] = []

    def save(fig: Figure, name: str) -> None:
        path = out / f"{name}.{fmt}"
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
        save(plot_timeseries(results.timeseries, runs, by=by), "timeseries")
    if "map" in kinds:
        save(plot_control_map(runs), "map_control")
        save(plot_violence_map(results.events, len(runs)), "map_violence")
    if "lenses" in kinds:
        save(plot_lenses(runs, by=by), "lenses")
    return written
