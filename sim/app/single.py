"""The app's single run: the model as the page builds it, its map and its charts, the inputs.

The sidebar's inputs are scenario overrides: on Reset the page reloads the chosen scenario file
with ``load_scenario(path, overrides)``, e.g. ``foreign.wagner.commitment=0.3``, so the model in
the page is exactly the one ``malisim run --set ...`` would run with the same seed. The main
view's two matplotlib panels:

- the map: who controls each cell (the same rule as the model's weekly control layer, applied to
  today's forces), Mali's outline and regions, towns coloured by holder, units coloured by actor
  and sized by strength, and the violent events of the last fortnight;
- the charts: strengths, cumulative deaths, population shares under each side's control, the
  regime's popularity, the foreign forces present and the three lens scores, one point a day.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mesa.visualization import Slider
from mesa.visualization.utils import update_counter

from sim.analysis.style import (
    CONTROL_COLOURS,
    COUNTRY_EDGE,
    LENS_COLOURS,
    POPULARITY_COLOUR,
    REGION_EDGE,
    actor_colour,
)
from sim.ensemble import run_seed
from sim.model import MaliConflictModel
from sim.scenario import Scenario, load_scenario
from sim.war import control, scorecard
from sim.war.control import CONTROL_CLASSES
from sim.war.towns import holder

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: scenario paths in the app are shown relative to it."""

SCENARIO_ENV = "MALISIM_SCENARIO"
"""Environment variable through which ``malisim viz`` passes the scenario to the server."""

DEFAULT_SCENARIO = "scenarios/kidal_2023.toml"

RECENT_DAYS = 14
"""Events this many days old or younger are marked on the map."""

KEEP = "as in the scenario"
"""The relations choice that keeps the scenario file's own stance."""

EVENT_MARKERS = {
    "battle": ("X", "#d62728"),
    "assault": ("X", "#8c1c13"),
    "ambush": ("v", "#ff7f0e"),
    "ied": ("v", "#ff7f0e"),
    "harassment": (".", "#e377c2"),
    "violence_against_civilians": ("P", "#9467bd"),
    "town_captured": ("*", "#d62728"),
    "town_abandoned": ("*", "#7f7f7f"),
}


# --- scenarios and overrides ------------------------------------------------------------------


def resolve(path: str | Path) -> Path:
    """Find a scenario path as given, or relative to the repository root."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return ROOT / p


def display_path(path: str | Path) -> str:
    """Show a scenario path relative to the repository root when it lies inside it."""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def scenario_choices(launch: str) -> list[str]:
    """List the scenario files the page offers: the library's and the launch scenario."""
    found = sorted(
        display_path(p)
        for pattern in ("scenarios/*.toml", "scenarios/what_if/*.toml")
        for p in ROOT.glob(pattern)
    )
    if launch not in found:
        found.insert(0, launch)
    return found


def patrons(scenario: Scenario) -> list[str]:
    """List the foreign forces the sliders act on: all but peacekeepers, who have a mandate."""
    return [fid for fid, f in scenario.foreign.items() if f.kind != "peacekeeping"]


def slider_overrides(
    scenario: Scenario,
    commitment: float,
    risk_tolerance: float,
    air_support: float,
    foreign_abuse: float,
    state_aggression: float,
    jihadist_recruit_rate: float,
    relations: str,
) -> dict[str, Any]:
    """Translate the sliders into dotted-name overrides, as ``malisim run --set`` takes them."""
    overrides: dict[str, Any] = {}
    for fid in patrons(scenario):
        overrides[f"foreign.{fid}.commitment"] = float(commitment)
        overrides[f"foreign.{fid}.risk_tolerance"] = float(risk_tolerance)
        overrides[f"foreign.{fid}.air_support"] = float(air_support)
        overrides[f"foreign.{fid}.abuse_propensity"] = float(foreign_abuse)
    overrides["factions.state.aggression"] = float(state_aggression)
    overrides["factions.jihadists.recruit_rate"] = float(jihadist_recruit_rate)
    if relations != KEEP:
        overrides["relations.separatists_jihadists"] = relations
    return overrides


class AppModel(MaliConflictModel):
    """The model as the page builds it: a scenario file, the sliders as overrides, a seed.

    It records one row a day of what the charts show (``history``) and today's control
    assessment (``control_today``), without changing how the model runs: the same scenario,
    overrides and seed give the same run as ``malisim run``.

    Args:
        scenario_file: the scenario TOML file (absolute, or relative to the repository root).
        apply_sliders: if false, the scenario's own values are used and the sliders ignored.
        commitment: each patron's commitment (``foreign.<id>.commitment``).
        risk_tolerance: each patron's risk tolerance (``foreign.<id>.risk_tolerance``).
        air_support: each patron's air support (``foreign.<id>.air_support``).
        foreign_abuse: each patron's abuse propensity (``foreign.<id>.abuse_propensity``).
        state_aggression: ``factions.state.aggression``.
        jihadist_recruit_rate: ``factions.jihadists.recruit_rate`` (per 1,000 people a day).
        relations: ``relations.separatists_jihadists``, or ``KEEP`` for the scenario's own.
        seed: the run's seed (the page's text box gives a string).

    """

    def __init__(
        self,
        scenario_file: str = DEFAULT_SCENARIO,
        apply_sliders: bool = True,
        commitment: float = 0.5,
        risk_tolerance: float = 0.5,
        air_support: float = 0.0,
        foreign_abuse: float = 0.0,
        state_aggression: float = 0.5,
        jihadist_recruit_rate: float = 0.0,
        relations: str = KEEP,
        seed: int | str = 1,
    ):
        path = resolve(scenario_file)
        scenario = load_scenario(path)
        if apply_sliders:
            overrides = slider_overrides(
                scenario,
                commitment,
                risk_tolerance,
                air_support,
                foreign_abuse,
                state_aggression,
                jihadist_recruit_rate,
                relations,
            )
            scenario = load_scenario(path, overrides)
        # The seed of run 0 of an ensemble with this seed: Reset gives exactly the run that
        # ``malisim run SCENARIO --runs 1 --seed SEED`` (with the same --set values) gives.
        # The seed typed in the page: the ensemble's seed, whose run 0 this model is (Mesa's
        # Model keeps its own ``seed``: the run's).
        self.ensemble_seed = int(str(seed).strip() or 1)
        super().__init__(scenario, rng=run_seed(self.ensemble_seed, 0))
        self.scenario_file = display_path(path)
        self.patron_ids = patrons(self.config)
        self.history: list[dict[str, Any]] = []
        # The charts' figure, built on the first redraw and kept (``draw_charts``).
        self.chart_cache: tuple | None = None
        self.observe()

    def step(self) -> None:
        """One day of war, then the day's row for the charts."""
        super().step()
        self.observe()

    def observe(self) -> None:
        """Record today's strengths, deaths, control, popularity, foreign presence and lenses."""
        # The model refreshes its control layer weekly and reads it in between (legitimacy,
        # recruitment), so the page must not refresh it early: it assesses today's control with
        # the model's own rule without storing it.
        self.control_today = control.assess(self)
        shares = control.control_shares(self, self.control_today)
        lenses = scorecard.lenses(self, shares)

        row: dict[str, Any] = {"date": self.date, "popularity": self.regime.popularity}
        by_actor = dict.fromkeys(self.actors, 0)
        for unit in self.units:
            by_actor[unit.actor] += unit.strength
        for actor, men in by_actor.items():
            row[f"strength_{actor}"] = men
        for actor in (*self.actors, "civilians"):
            row[f"deaths_{actor}"] = self.log.deaths[actor]
        for name in CONTROL_CLASSES:
            row[f"pop_share_{name}"] = shares["pop"][name]
        for fid in self.foreign_ids:
            row[f"present_{fid}"] = by_actor[fid] if self.patrons.present[fid] else 0
        row.update(lenses)
        self.history.append(row)

    def summary(self) -> str:
        """One line naming the scenario, the day and the patrons' values in this model."""
        day = (self.date - self.config.scenario.start).days
        total = (self.end - self.config.scenario.start).days + 1
        parts = [f"{self.config.name}", f"{self.date.isoformat()} (day {day} of {total})"]
        for fid in self.patron_ids:
            force = self.config.foreign[fid]
            parts.append(
                f"{fid}: commitment {force.commitment:.2f}, "
                f"risk tolerance {force.risk_tolerance:.2f}"
            )
        if not self.patron_ids:
            parts.append("no foreign patron in this scenario")
        return " · ".join(parts)


# --- the map ------------------------------------------------------------------------------------


@cache
def boundaries() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Mali's outline and the regional boundaries (lon, lat rings) from sim/data/regions.json."""
    data = json.loads(resources.files("sim.data").joinpath("regions.json").read_text())
    outline = [np.asarray(ring) for ring in data["outline"]]
    regions = [np.asarray(ring) for rings in data["regions"].values() for ring in rings]
    return outline, regions


def draw_map(model: MaliConflictModel, control: np.ndarray | None = None) -> Figure:
    """Draw Mali today: control, outline and regions, towns, units, recent events."""
    geo = model.geo
    control = model.control if control is None else control
    # A fixed layout: matplotlib's constrained layout would double the drawing time.
    fig = Figure(figsize=(6.2, 6.0))
    ax = fig.add_axes((0.1, 0.07, 0.88, 0.87))
    extent = (
        geo.lon0,
        geo.lon0 + geo.width * geo.resolution,
        geo.lat0,
        geo.lat0 + geo.height * geo.resolution,
    )
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_autoscale_on(False)  # the extent is fixed: skip matplotlib's data-limit updates
    shown = np.ma.masked_where(~model.in_mali.T, control.T)
    ax.imshow(
        shown,
        origin="lower",
        extent=extent,
        cmap=ListedColormap([CONTROL_COLOURS[c] for c in CONTROL_CLASSES]),
        vmin=-0.5,
        vmax=3.5,
        interpolation="nearest",
    )
    outline, regions = boundaries()
    ax.add_collection(LineCollection(regions, colors=REGION_EDGE, linewidths=0.5))
    ax.add_collection(LineCollection(outline, colors=COUNTRY_EDGE, linewidths=1.2))

    # Units: one marker per actor and cell, its area proportional to the men there.
    men: dict[tuple[str, int, int], int] = {}
    for unit in model.units:
        x, y = unit.xy
        key = (unit.actor, x, y)
        men[key] = men.get(key, 0) + unit.strength
    offsets = {a: (i - 1.5) * 0.12 for i, a in enumerate(("state", *model.foreign_ids))}
    for actor in model.actors:
        cells = [(x, y, n) for (a, x, y), n in men.items() if a == actor]
        if not cells:
            continue
        xy = np.array(cells, dtype=float)
        lon = geo.lon0 + (xy[:, 0] + 0.5) * geo.resolution + offsets.get(actor, 0.0)
        lat = geo.lat0 + (xy[:, 1] + 0.5) * geo.resolution
        ax.scatter(
            lon,
            lat,
            s=4 + xy[:, 2] / 12,
            c=actor_colour(actor),
            alpha=0.75,
            edgecolors="white",
            linewidths=0.5,
            zorder=4,
            label=actor,
        )

    # Towns: a square in the holder's colour; the places that matter are named.
    towns = list(model.towns)
    ax.scatter(
        [t.lon for t in towns],
        [t.lat for t in towns],
        s=[14 if t.value >= 3 else 6 for t in towns],
        marker="s",
        c=[actor_colour(holder(model, t.id)) for t in towns],
        edgecolors="black",
        linewidths=0.4,
        zorder=5,
    )
    for town in towns:
        if town.value >= 3:
            ax.annotate(
                town.name,
                (town.lon, town.lat),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=7,
                zorder=6,
            )

    # Recent events: one marker kind per event type, fading with age, sized by deaths.
    horizon = model.date - dt.timedelta(days=RECENT_DAYS)
    recent: dict[str, list[tuple[float, float, float, float]]] = {}
    for event in reversed(model.log.events):
        if event["date"] < horizon:
            break
        age = (model.date - event["date"]).days
        alpha = max(0.25, 1.0 - age / RECENT_DAYS)
        size = 30 + min(event["deaths_total"], 200)
        recent.setdefault(event["event_type"], []).append((event["lon"], event["lat"], size, alpha))
    for kind, points in recent.items():
        marker, colour = EVENT_MARKERS.get(kind, ("x", "red"))
        pts = np.array(points)
        rgba = np.tile(to_rgba_array(colour), (len(pts), 1))
        rgba[:, 3] = pts[:, 3]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            marker=marker,
            s=pts[:, 2],
            c=rgba,
            edgecolors="black",
            linewidths=0.3,
            zorder=7,
        )

    ax.set_aspect(1.0 / np.cos(np.radians(17.5)))
    ax.set_xlabel("longitude", fontsize=8)
    ax.set_ylabel("latitude", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(f"{model.config.name}: {model.date.isoformat()}", fontsize=10)

    def key(label: str, colour: str, marker: str = "o") -> Line2D:
        return Line2D([], [], ls="", marker=marker, ms=6, mfc=colour, mec="none", label=label)

    legend = [key(f"{n} control", CONTROL_COLOURS[n], "s") for n in CONTROL_CLASSES]
    legend += [key(f"{a} units", actor_colour(a)) for a in model.actors]
    legend.append(key(f"event ({RECENT_DAYS} days)", "#d62728", "X"))
    ax.legend(handles=legend, loc="upper left", fontsize=6.5, framealpha=0.85)
    return fig


# --- the charts ---------------------------------------------------------------------------------


def chart_panels(model: AppModel) -> list[tuple[str, dict[str, tuple[str, str]], tuple | None]]:
    """Return the six panels: title, series (label -> history column, colour), y-limits."""
    deaths = {a: (f"deaths_{a}", actor_colour(a)) for a in model.actors}
    deaths["civilians"] = ("deaths_civilians", actor_colour("civilians"))
    foreign = {f: (f"present_{f}", actor_colour(f)) for f in model.foreign_ids}
    return [
        (
            "fighters in the field",
            {a: (f"strength_{a}", actor_colour(a)) for a in model.actors},
            None,
        ),
        ("deaths (cumulative)", deaths, None),
        (
            "population under control (share)",
            {n: (f"pop_share_{n}", actor_colour(n)) for n in CONTROL_CLASSES},
            (0, 1),
        ),
        ("regime popularity", {"popularity": ("popularity", POPULARITY_COLOUR)}, (0, 1)),
        (
            "foreign forces present (men)"
            if foreign
            else "foreign forces present: none in this scenario",
            foreign,
            None,
        ),
        (
            "lens scores",
            {
                "western": ("lens_western", LENS_COLOURS["lens_western"]),
                "bamako": ("lens_bamako", LENS_COLOURS["lens_bamako"]),
                "patron": ("lens_patron", LENS_COLOURS["lens_patron"]),
            },
            None,
        ),
    ]


def draw_charts(model: AppModel) -> Figure:
    """Draw six small panels over the days run so far (one point a day).

    The figure is built once per model and kept on it; each redraw only moves the lines' data
    and the axes' limits, which halves the cost of a step's redraw (building six axes with
    their ticks, grids and legends cost as much as rendering them).
    """
    cached = model.chart_cache
    if cached is None:
        fig = Figure(figsize=(6.6, 6.0))
        fig.subplots_adjust(left=0.09, right=0.96, bottom=0.08, top=0.95, hspace=0.4, wspace=0.25)
        axes = fig.subplots(3, 2, sharex=True)
        lines: list[tuple[Any, Any, str]] = []
        for ax, (title, series, ylim) in zip(axes.flat, chart_panels(model), strict=True):
            for label, (column, colour) in series.items():
                (line,) = ax.plot([], [], color=colour, lw=1.3, label=label)
                lines.append((ax, line, column))
            ax.set_title(title, fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            if ylim:
                ax.set_ylim(*ylim)
                ax.set_autoscaley_on(False)
            if len(series) > 1:
                ax.legend(fontsize=6, loc="upper left", ncols=2 if len(series) > 3 else 1)
        cached = model.chart_cache = (fig, axes, lines)
    fig, axes, lines = cached
    rows = model.history
    days = np.arange(len(rows))
    for _, line, column in lines:
        line.set_data(days, [r.get(column, np.nan) for r in rows])
    for ax in {id(ax): ax for ax, _, _ in lines}.values():
        ax.relim()
        ax.autoscale_view(scalex=False)
    # Four fixed date ticks: matplotlib's automatic date ticks cost most of a redraw.
    last = max(len(rows) - 1, 1)
    ticks = sorted({round(i * last / 3) for i in range(4)})
    labels = [rows[min(t, len(rows) - 1)]["date"].strftime("%d %b %y") for t in ticks]
    axes[0, 0].set_xlim(0, last)  # the axes share x
    for ax in axes[2]:
        ax.set_xticks(ticks, labels)
    return fig


# --- the page -----------------------------------------------------------------------------------


@solara.component
def StatusBar(model: AppModel) -> None:
    """Show the simulated day in the app bar, always in view."""
    update_counter.get()
    with solara.AppBar():
        solara.v.Html(
            tag="span",
            children=[f"Simulated day: {model.date.isoformat()}"],
            attributes={"id": "sim-date"},
            style_="font-size: 1.1em; font-weight: 600; margin-right: 1em;",
        )


@solara.component
def MapView(model: AppModel) -> None:
    """Show the map, with the run's summary line above it."""
    update_counter.get()
    with solara.Column():
        solara.v.Html(
            tag="div",
            children=[model.summary()],
            attributes={"id": "sim-summary"},
            style_="font-size: 0.9em;",
        )
        StatusBar(model)
        solara.FigureMatplotlib(
            draw_map(model, model.control_today),
            format="png",
            dpi=90,
            dependencies=[update_counter.value, id(model)],
        )


@solara.component
def ChartsView(model: AppModel) -> None:
    """Show the charts."""
    update_counter.get()
    with solara.Div(attributes={"id": "sim-charts"}):
        solara.FigureMatplotlib(
            draw_charts(model),
            format="png",
            dpi=90,
            dependencies=[update_counter.value, id(model)],
        )


def launch_scenario() -> str:
    """Return the scenario the app was started with (``MALISIM_SCENARIO``)."""
    return display_path(resolve(os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO)))


def model_params(launch: str) -> dict[str, Any]:
    """Build the page's inputs, their defaults taken from the launch scenario's own values."""
    scenario = load_scenario(resolve(launch))
    main = patrons(scenario)
    force = scenario.foreign[main[0]] if main else None
    state = scenario.factions["state"]
    jihadists = scenario.factions["jihadists"]
    return {
        "scenario_file": {
            "type": "Select",
            "value": launch,
            "values": scenario_choices(launch),
            "label": "Scenario",
        },
        "seed": {"type": "InputText", "value": "1", "label": "Seed"},
        "apply_sliders": {
            "type": "Checkbox",
            "value": True,
            "label": "Apply the sliders (off: the scenario's own values)",
        },
        "commitment": Slider(
            "Foreign commitment", force.commitment if force else 0.5, 0.0, 1.0, 0.05
        ),
        # Steps of 0.01: a slider snaps its start to its step, and the calibrated risk
        # tolerances (Wagner's 0.58) are not multiples of 0.05.
        "risk_tolerance": Slider(
            "Foreign risk tolerance", force.risk_tolerance if force else 0.5, 0.0, 1.0, 0.01
        ),
        "air_support": Slider(
            "Foreign air support", force.air_support if force else 0.0, 0.0, 1.0, 0.05
        ),
        "foreign_abuse": Slider(
            "Foreign abuse propensity", force.abuse_propensity if force else 0.0, 0.0, 0.3, 0.01
        ),
        "state_aggression": Slider("State aggression", state.aggression, 0.0, 1.0, 0.05),
        "jihadist_recruit_rate": Slider(
            "Jihadist recruitment (per 1,000 a day)", jihadists.recruit_rate, 0.0, 0.005, 0.0001
        ),
        "relations": {
            "type": "Select",
            "value": KEEP,
            "values": [KEEP, "hostile", "truce", "allied"],
            "label": "Separatists and jihadists",
        },
    }


def initial_model(params: dict[str, Any]) -> AppModel:
    """Build a model from the inputs' default values."""
    kwargs = {k: (v.value if isinstance(v, Slider) else v["value"]) for k, v in params.items()}
    return AppModel(**kwargs)
