"""The run log: the ACLED-style events table and the weekly time series of one run.

Every death in the model happens inside an engagement or an act of violence, and every such act
is logged here as one event row with the deaths of each actor and of civilians
(``sim.war.casualties``). The runs table's death counts are sums of the events table, so the two
always agree; ``sim.war.scorecard`` writes the runs row.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.tables import Results
from sim.war import officials, patrons
from sim.war.control import CONTROL_CLASSES, people_shares, update_control
from sim.war.insurgency import INSURGENTS

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

FIGHTING = ("battle", "assault", "ambush", "ied", "harassment")
"""The event types that are fights between armed actors."""
VIOLENCE = (*FIGHTING, "violence_against_civilians")
"""The event types that are acts of violence (not a town changing hands)."""
EVENT_TYPES = (*VIOLENCE, "town_captured", "town_abandoned", "adaptation", "reorganisation")
MILITIAS = "militias"
"""Who the seam militias' killings name (``sim.war.militias``): not an armed actor."""
NOT_STATE_SIDE = ("jihadists", "separatists", MILITIAS)
"""Perpetrators whose violence against civilians is not the state's side's (``abuse_events``)."""


def event_columns(actors: list[str], foreign: list[str]) -> list[str]:
    """The events table's columns, in order, for a scenario's actors."""
    deaths = [death_column(a, foreign) for a in actors]
    return [
        "run_id",
        "date",
        "lat",
        "lon",
        "region",
        "town",
        "event_type",
        "actor1",
        "actor2",
        *deaths,
        "deaths_civilians",
        "deaths_total",
        "civilians_killed_by",
    ]


def death_column(actor: str, foreign: list[str]) -> str:
    """``deaths_<faction>`` or ``deaths_foreign_<id>``."""
    return f"deaths_foreign_{actor}" if actor in foreign else f"deaths_{actor}"


class RunLog:
    """Collects a run's events and weekly rows as plain Python lists (cheap to append)."""

    def __init__(self, actors: list[str], foreign: list[str]):
        self.actors = actors
        self.foreign = foreign
        self.events: list[dict[str, Any]] = []
        self.weeks: list[dict[str, Any]] = []
        self.deaths = dict.fromkeys([*actors, "civilians"], 0)
        self.civilians_killed_by = dict.fromkeys([*actors, MILITIAS], 0)
        self.max_engagement_deaths = dict.fromkeys(actors, 0)
        self.abuse_events = 0
        self._week_deaths = dict.fromkeys([*actors, "civilians"], 0)

    def event(
        self,
        date: dt.date,
        lat: float,
        lon: float,
        region: str,
        town: str,
        event_type: str,
        actor1: str,
        actor2: str,
        deaths: dict[str, int] | None = None,
        civilians: int = 0,
        civilians_killed_by: str | None = None,
    ) -> None:
        """Log one engagement or act of violence and add its deaths to the run's totals."""
        deaths = deaths or {}
        row: dict[str, Any] = {
            "date": date,
            "lat": lat,
            "lon": lon,
            "region": region,
            "town": town,
            "event_type": event_type,
            "actor1": actor1,
            "actor2": actor2,
        }
        total = civilians
        for actor in self.actors:
            n = int(deaths.get(actor, 0))
            row[death_column(actor, self.foreign)] = n
            total += n
            if n:
                self.deaths[actor] += n
                self._week_deaths[actor] += n
                self.max_engagement_deaths[actor] = max(self.max_engagement_deaths[actor], n)
        row["deaths_civilians"] = civilians
        row["deaths_total"] = total
        row["civilians_killed_by"] = civilians_killed_by if civilians else None
        if civilians:
            self.deaths["civilians"] += civilians
            self._week_deaths["civilians"] += civilians
            if civilians_killed_by:
                self.civilians_killed_by[civilians_killed_by] += civilians
        if event_type == "violence_against_civilians" and actor1 not in NOT_STATE_SIDE:
            self.abuse_events += 1
        self.events.append(row)

    def week(self, row: dict[str, Any]) -> None:
        """Close a week: add its deaths to ``row`` and store it."""
        for actor, n in self._week_deaths.items():
            row[f"deaths_{actor}"] = n
        self._week_deaths = dict.fromkeys(self._week_deaths, 0)
        self.weeks.append(row)

    def tables(self, run_id: int, run_row: dict[str, Any]) -> Results:
        """The three tables, with ``run_id`` on every row."""
        columns = event_columns(self.actors, self.foreign)
        events = pd.DataFrame(self.events, columns=columns[1:])
        events.insert(0, "run_id", run_id)
        events["date"] = pd.to_datetime(events["date"])
        for col in columns:
            if col.startswith("deaths_"):
                events[col] = events[col].astype("int64")
        events["lat"] = events["lat"].astype("float64")
        events["lon"] = events["lon"].astype("float64")
        timeseries = pd.DataFrame(self.weeks)
        timeseries.insert(0, "run_id", run_id)
        timeseries["date"] = pd.to_datetime(timeseries["date"])
        runs = pd.DataFrame([{"run_id": run_id, **run_row}])
        return Results(runs=runs, events=events, timeseries=timeseries)


def record_day(model: MaliConflictModel) -> None:
    """The day's books; every 7th day (and the last) a row of the weekly table."""
    model.patrons.book_day(model)
    last = model.date >= model.end
    if model.steps % 7 != 0 and not last:
        return
    update_control(model)
    pop = people_shares(model, model.control)  # ``control_shares(model)["pop"]``
    row: dict[str, Any] = {"date": model.date}
    for actor in model.actors:
        row[f"strength_{actor}"] = model.strength(actor)
    for name in CONTROL_CLASSES:
        row[f"pop_share_{name}"] = pop[name]
    row["regime_popularity"] = model.regime.popularity
    for fid in model.foreign_ids:
        row[f"present_foreign_{fid}"] = model.patrons.present[fid]
        # The risk its operations read this week: its doctrine's, cut while it adapts.
        row[f"risk_foreign_{fid}"] = patrons.risk(model, fid)
    centre = model.zone_pop["centre"]
    row["grievance_centre"] = float((model.grievance * centre).sum() / max(centre.sum(), 1.0))
    for zone in ("north", "centre"):
        row[f"officials_{zone}"] = officials.present(model, zone)
    for side in INSURGENTS:
        row[f"purse_days_{side}"] = model.purses.days_in_hand(model, side)
    model.log.week(row)
