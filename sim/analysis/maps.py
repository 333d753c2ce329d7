"""Maps of Mali drawn from the result tables: who holds the key towns, where violence happened.

Mali's outline and regions come from ``sim/data/regions.json`` and the towns from
``sim/data/towns.csv`` (the model's own geography, see ``sim/data/SOURCES.md``). Like every
figure of the analysis layer, each map returns a matplotlib ``Figure`` and draws its actors in
the colours of ``sim.analysis.style``.
"""

from __future__ import annotations

import json
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps, patheffects
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon, Wedge
from matplotlib.transforms import Bbox

from sim.analysis.labels import Label, place_labels, point_boxes
from sim.analysis.style import (
    COUNTRY_EDGE,
    REGION_EDGE,
    actor_colour,
    actor_label,
    title_figure,
)
from sim.geography import BBOX, DATA_DIR
from sim.war.control import CONTROL_CLASSES


def _regions_data() -> dict:
    return json.loads((DATA_DIR / "regions.json").read_text())


def _towns() -> pd.DataFrame:
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


REGION_LABEL_SIDES = tuple(
    (dx, dy, "center", "center") for dx, dy in ((0, 0), (0, -12), (0, 12), (-30, 0), (30, 0))
)
"""A region's name sits on its centre, or a little below, above, left or right of it if a
town is there; with no room, it is left out."""


def _draw_mali(ax) -> list[Label]:
    """Draw Mali's outline and regions (in degrees); return the regions' name labels.

    The names are placed later (``place_labels``), after the towns, so that a town's pie or
    name is never hidden by its region's name (Koulikoro under Bamako).
    """
    data = _regions_data()
    for ring in _rings(data["outline"]):
        ax.add_patch(Polygon(ring, closed=True, fill=False, lw=1.6, ec=COUNTRY_EDGE, zorder=3))
    names = []
    for name, geom in data["regions"].items():
        rings = _rings(geom)
        for ring in rings:
            ax.add_patch(Polygon(ring, closed=True, fill=False, lw=0.6, ec=REGION_EDGE, zorder=2))
        biggest = max(rings, key=len)
        if name != "bamako":  # the district is too small to label over the city
            names.append(
                Label(
                    biggest[:, 0].mean(),
                    biggest[:, 1].mean(),
                    name.title(),
                    sides=REGION_LABEL_SIDES,
                    style={"fontsize": 8, "color": "#555555", "style": "italic", "zorder": 2},
                )
            )
    ax.set_xlim(BBOX[0], BBOX[1])
    ax.set_ylim(BBOX[2], BBOX[3])
    ax.set_aspect(1 / np.cos(np.radians(17.5)))  # equal distances at Mali's mid-latitude
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    return names


VIOLENCE_COLOURMAP = ListedColormap(colormaps["magma_r"](np.linspace(0.18, 1.0, 256)))
"""magma, light to dark, without its palest fifth: a cell with one event in forty runs stays
visibly orange on the white ground, and the darkest cells stay dark."""

MAP_TOWN_COLUMNS = "holder_"
"""Prefix of the runs table's end-holder columns (``holder_kidal``)."""


def plot_control_map(runs: pd.DataFrame) -> Figure:
    """Who holds each recorded town at the end: a pie of the share of runs per holder.

    The runs table records the end holder of the regional capitals, Kidal and other key towns
    (``holder_<town>``); each town's pie shows in how many runs each faction held it.
    """
    towns = _towns().set_index("id")
    fig, ax = plt.subplots(figsize=(8.5, 8.5), layout="constrained")
    regions = _draw_mali(ax)
    holder_cols = [c for c in runs.columns if c.startswith(MAP_TOWN_COLUMNS)]
    radius = 0.38
    pies, names = [], []
    for col in holder_cols:
        town = col.removeprefix(MAP_TOWN_COLUMNS)
        if town not in towns.index:
            continue
        lat, lon = towns.loc[town, ["lat", "lon"]]
        counts = runs[col].value_counts(normalize=True)
        start = 90.0
        for faction in CONTROL_CLASSES:
            share = float(counts.get(faction, 0.0))
            if share <= 0:
                continue
            wedge = Wedge(
                (lon, lat),
                radius,
                start,
                start + 360 * share,
                fc=actor_colour(faction),
                ec="white",
                lw=0.8,
                zorder=4,
            )
            ax.add_patch(wedge)
            start += 360 * share
        pies.append((lon, lat))
        state = float(counts.get("state", 0.0))
        gap = radius * 40  # points: clear of the pie
        names.append(
            (
                towns.loc[town, "population"],
                Label(
                    lon,
                    lat,
                    f"{towns.loc[town, 'name']}\nstate {state:.0%}",
                    sides=((gap, 0, "left", "center"), (-gap, 0, "right", "center")),
                    keep=True,  # every pie is named, on its right if it can
                    style={
                        "fontsize": 8,
                        "zorder": 5,
                        "bbox": {
                            "boxstyle": "round,pad=0.2",
                            "fc": "white",
                            "ec": "none",
                            "alpha": 0.8,
                        },
                    },
                ),
            )
        )
    # the most populous towns are named first: a lesser one moves to the other side
    names = [label for _, label in sorted(names, key=lambda pair: -pair[0])]
    _share_inset(ax, runs)
    handles = [Patch(color=actor_colour(f), label=actor_label(f)) for f in CONTROL_CLASSES]
    ax.legend(handles=handles, title="holder at the end", loc="lower right", fontsize=8)
    title_figure(fig, "Who holds the key towns at the end: share of runs", n_runs=len(runs))
    fig.draw_without_rendering()
    pie_boxes = [
        Bbox.from_extents(
            *ax.transData.transform((x - radius, y - radius)),
            *ax.transData.transform((x + radius, y + radius)),
        )
        for x, y in pies
    ]
    renderer = fig.canvas.get_renderer()
    boxes = [a.get_window_extent(renderer) for a in (ax.get_legend(), *ax.child_axes)]
    place_labels(ax, names + regions, obstacles=pie_boxes + boxes)
    return fig


def _share_inset(ax, runs: pd.DataFrame) -> None:
    """Stacked bars of the mean population and area shares at the end, in empty Mauritania."""
    rows = [("population", "pop_share"), ("area", "area_share")]
    rows = [(n, c) for n, c in rows if all(f"{c}_{f}" in runs for f in CONTROL_CLASSES)]
    if not rows:
        return
    inset = ax.inset_axes((0.03, 0.83, 0.36, 0.1))
    for i, (_, prefix) in enumerate(rows):
        left = 0.0
        for faction in CONTROL_CLASSES:
            share = float(runs[f"{prefix}_{faction}"].mean())
            inset.barh(i, share, left=left, color=actor_colour(faction), height=0.7)
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
    # A patron's adaptation or reorganisation is a decision, not an act of violence.
    violent = events[~events["event_type"].isin(["town_abandoned", "adaptation", "reorganisation"])]
    panels = (
        (axes[0], None, "engagements and attacks per run"),
        (axes[1], "deaths_civilians", "civilians killed per run"),
    )
    to_name = []
    for ax, weight, name in panels:
        _draw_mali(ax)
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
                cmap=VIOLENCE_COLOURMAP,
                mincnt=1,
                bins="log",
                zorder=1,
                linewidths=0.2,
            )
            bar = fig.colorbar(hb, ax=ax, shrink=0.7)
            bar.set_label(f"{name} (log scale)")
        big = towns[towns["kind"].isin(["capital", "regional_capital"]) | (towns["id"] == "kidal")]
        ax.scatter(big["lon"], big["lat"], s=14, c="white", edgecolors="black", zorder=4)
        # the capital and Kidal first, then by population: a lesser name gives way
        big = big.assign(rank=(big["kind"] != "capital") & (big["id"] != "kidal"))
        to_name.append((ax, big.sort_values(["rank", "population"], ascending=[True, False])))
        ax.set_title(name)
    by_type = violent["event_type"].value_counts()
    summary = ", ".join(
        f"{k.replace('_', ' ')} {v / max(n_runs, 1):.0f}" for k, v in by_type.items()
    )
    # Wrapped: with many event types the line outgrew the figure and was cut at both ends.
    fig.suptitle(
        textwrap.fill(
            f"Where the violence happened ({n_runs} runs; events per run: {summary})", 110
        ),
        fontsize=11,
        fontweight="bold",
    )
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]  # legible on dark cells
    for ax, big in to_name:  # once the layout is final
        place_labels(
            ax,
            [
                Label(
                    t["lon"],
                    t["lat"],
                    t["name"],
                    style={"fontsize": 8, "fontweight": "bold", "zorder": 5, "path_effects": halo},
                )
                for _, t in big.iterrows()
            ],
            obstacles=point_boxes(ax, big["lon"], big["lat"], points=5),
        )
    return fig
