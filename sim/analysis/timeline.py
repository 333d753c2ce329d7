"""The dated turns of a war that a time axis should show: coups, arrivals, departures, offensives.

They come from the scenario the runs were made of (``scenario.toml`` in a run folder,
``base.toml`` in a sweep folder): its ``[[events]]`` and each foreign force's ``arrive`` and
``depart`` dates. A figure draws each as a thin vertical line with a short label, so that a
reader of a ten-year series sees the 2020 coup or France's departure where the lines bend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.dates import date2num

from sim.analysis.labels import Label, place_labels
from sim.analysis.style import actor_colour, actor_label
from sim.geography import DATA_DIR

COUP_COLOUR = "#444444"
"""A coup is the regime's, no actor's: dark grey."""

ORDER = {"coup": 0, "arrive": 1, "depart": 1, "offensive": 2}
"""Which labels give way when two collide: offensives first, coups last."""


@dataclass(frozen=True)
class Milestone:
    """A dated turn of the war: its date, kind, short label and colour."""

    date: dt.date
    kind: str
    text: str
    colour: str


def milestones(scenario) -> list[Milestone]:
    """Coups, arrivals, departures and offensives of a scenario, in date order."""
    towns = pd.read_csv(DATA_DIR / "towns.csv").set_index("id")["name"]
    found: list[Milestone] = []
    for fid, force in scenario.foreign.items():
        name = actor_label(fid)
        if force.arrive is not None:
            found.append(Milestone(force.arrive, "arrive", f"{name} arrives", actor_colour(fid)))
        if force.depart is not None:
            found.append(Milestone(force.depart, "depart", f"{name} leaves", actor_colour(fid)))
    for event in scenario.events:
        if event.type == "coup":
            found.append(Milestone(event.date, "coup", "coup", COUP_COLOUR))
        elif event.type == "offensive":
            target = towns.get(event.target, event.target)
            found.append(
                Milestone(
                    event.date, "offensive", f"offensive: {target}", actor_colour(event.actor)
                )
            )
        elif event.type in ("arrive", "depart"):
            name = actor_label(event.actor)
            verb = "arrives" if event.type == "arrive" else "leaves"
            where = f" {towns.get(event.target, event.target)}" if event.target else ""
            text = f"{name} {verb}{where}"
            found.append(Milestone(event.date, event.type, text, actor_colour(event.actor)))
    return sorted(found, key=lambda m: (m.date, ORDER[m.kind]))


def folder_milestones(folder: Path | None) -> list[Milestone]:
    """The milestones of a results folder's scenario; none if it records no scenario."""
    from sim.scenario import ScenarioError, load_scenario

    if folder is None:
        return []
    for name in ("scenario.toml", "base.toml"):
        if (Path(folder) / name).is_file():
            try:
                return milestones(load_scenario(Path(folder) / name))
            except ScenarioError:
                return []  # a folder of an older model's scenario: figures without marks
    return []


def mark_milestones(axes, marks: list[Milestone], start, end) -> list:
    """Draw the milestones between ``start`` and ``end`` on each of ``axes``.

    Every axis gets the lines; labels go at the top of each axis, written upwards, and where
    two would overlap (or one would cover the legend) the lesser gives way: an offensive to a
    coup or a departure.

    Returns:
        The labels placed.

    """
    # weekly rows are dated at the week's end: a turn in the first week is before the first row
    start, end = pd.Timestamp(start) - pd.Timedelta(days=7), pd.Timestamp(end)
    shown = [m for m in marks if start <= pd.Timestamp(m.date) <= end]
    placed = []
    for ax in axes:
        for m in shown:
            ax.axvline(m.date, color=m.colour, lw=0.9, ls=(0, (4, 2)), alpha=0.8, zorder=1)
    # turns on one day share a label (Wagner leaves, the Africa Corps arrives)
    by_day: dict[dt.date, list[Milestone]] = {}
    for m in sorted(shown, key=lambda m: ORDER[m.kind]):
        by_day.setdefault(m.date, []).append(m)
    days = sorted(by_day.items(), key=lambda item: ORDER[item[1][0].kind])
    for ax in axes:
        labels = [
            Label(
                date2num(day),
                0.98,
                " / ".join(m.text for m in same),
                sides=((2, 0, "left", "top"),),
                style={
                    "xycoords": ax.get_xaxis_transform(),
                    "rotation": 90,
                    "fontsize": 7,
                    "color": same[0].colour,
                    "zorder": 6,
                    "bbox": {
                        "boxstyle": "square,pad=0.1",
                        "fc": "white",
                        "ec": "none",
                        "alpha": 0.7,
                    },
                },
            )
            for day, same in days
        ]
        legend = ax.get_legend()
        renderer = ax.figure.canvas.get_renderer()
        keep_clear = [legend.get_window_extent(renderer)] if legend is not None else []
        placed += place_labels(ax, labels, obstacles=keep_clear)
    return placed
