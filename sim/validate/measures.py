"""Measures on a run's tables and the per-run samples each criterion is judged on.

Holder changes, first loss and capture dates, deaths between dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from sim.ensemble import run_ensemble
from sim.scenario import FACTIONS, Scenario
from sim.tables import Results
from sim.validate.statistics import Sample, median, ratio, share

CAPITALS_2012 = ("kidal", "gao", "timbuktu")
"""The three northern regional capitals lost in spring 2012."""

# --- measures on an ensemble's tables ------------------------------------------------------------


def side_of(actor: str) -> str:
    """Return the side an actor fights for (a foreign force fights for the state)."""
    return actor if actor in FACTIONS else "state"


def holder_changes(events: pd.DataFrame, town: str) -> pd.DataFrame:
    """Every change of a town's holder: ``run_id``, ``date``, ``holder`` (the new one's side)."""
    if events.empty:
        return pd.DataFrame(columns=["run_id", "date", "holder"])
    rows = events[(events["event_type"] == "town_captured") & (events["town"] == town)]
    out = pd.DataFrame(
        {
            "run_id": rows["run_id"].to_numpy(),
            "date": pd.to_datetime(rows["date"]).dt.date.to_numpy(),
            "holder": [side_of(a) for a in rows["actor1"]],
        }
    )
    return out.sort_values(["run_id", "date"], kind="stable").reset_index(drop=True)


def first_loss_dates(
    events: pd.DataFrame, town: str, side: str = "state", after: dt.date | None = None
) -> dict[int, dt.date]:
    """Per run, the first day (on or after ``after``) a side stopped holding a town.

    A garrison that abandons the town counts as losing it on that day, as does a capture by an
    enemy.
    """
    if events.empty:
        return {}
    rows = events[events["town"] == town]
    lost = rows[
        ((rows["event_type"] == "town_abandoned") & (rows["actor2"] == side))
        | ((rows["event_type"] == "town_captured") & (rows["actor2"] == side))
    ]
    out: dict[int, dt.date] = {}
    for run_id, date in zip(lost["run_id"], pd.to_datetime(lost["date"]).dt.date, strict=True):
        if after is not None and date < after:
            continue
        if run_id not in out or date < out[run_id]:
            out[int(run_id)] = date
    return out


def first_capture_dates(
    events: pd.DataFrame, town: str, side: str = "state", after: dt.date | None = None
) -> dict[int, dt.date]:
    """Per run, the first day (on or after ``after``) a side took a town."""
    changes = holder_changes(events, town)
    changes = changes[changes["holder"] == side]
    if after is not None:
        changes = changes[changes["date"] >= after]
    return {int(r): d for r, d in changes.groupby("run_id")["date"].min().items()}


def holder_share(
    events: pd.DataFrame,
    run_ids: Iterable[int],
    town: str,
    initial: str,
    days: pd.DatetimeIndex,
) -> pd.DataFrame:
    """Share of runs in which each side holds a town on each day (rows: days; columns: sides)."""
    run_ids = list(run_ids)
    changes = holder_changes(events, town)
    counts = np.zeros((len(days), len(FACTIONS)))
    day_dates = days.date
    for run_id in run_ids:
        mine = changes[changes["run_id"] == run_id]
        holder = np.full(len(days), FACTIONS.index(initial))
        for date, who in zip(mine["date"], mine["holder"], strict=True):
            holder[day_dates >= date] = FACTIONS.index(who)
        counts[np.arange(len(days)), holder] += 1
    return pd.DataFrame(counts / max(len(run_ids), 1), index=days, columns=list(FACTIONS))


def deaths_between(
    events: pd.DataFrame,
    column: str,
    start: dt.date,
    end: dt.date,
    run_ids: Iterable[int],
    town: str | None = None,
    event_types: tuple[str, ...] | None = None,
) -> pd.Series:
    """Per run, the deaths in ``column`` between two dates (inclusive), zero where none."""
    index = pd.Index(list(run_ids), name="run_id")
    if events.empty or column not in events:
        return pd.Series(0.0, index=index)
    dates = pd.to_datetime(events["date"]).dt.date
    mask = (dates >= start) & (dates <= end)
    if town is not None:
        mask &= events["town"] == town
    if event_types is not None:
        mask &= events["event_type"].isin(event_types)
    sums = events[mask].groupby("run_id")[column].sum()
    return sums.reindex(index, fill_value=0).astype(float)


def run_ids(results: Results) -> list[int]:
    """The ids of an ensemble's runs, in the runs table's order."""
    return [int(r) for r in results.runs["run_id"]]


def day(text: str) -> dt.date:
    """A date from its ISO text (the criteria table writes dates as text)."""
    return dt.date.fromisoformat(text)


def share_north_lost_together(start: str, by: str, within_days: int) -> Callable:
    """Share of runs: the state lost Kidal, Gao and Timbuktu by ``by``, close together.

    The three losses must fall within ``within_days`` of each other.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        after = day(start)
        losses = [first_loss_dates(results.events, t, after=after) for t in CAPITALS_2012]
        flags = []
        for run_id in run_ids(results):
            dates = [loss.get(run_id) for loss in losses]
            flags.append(
                all(d is not None and d <= day(by) for d in dates)
                and (max(dates) - min(dates)).days <= within_days
            )
        return share(flags)

    return measure


def median_days_to_lose_all(start: str) -> Callable:
    """Median days from ``start`` to the state's loss of the last of the three capitals.

    A run that never lost all three counts as never (infinite).
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        after = day(start)
        losses = [first_loss_dates(results.events, t, after=after) for t in CAPITALS_2012]
        days = []
        for run_id in run_ids(results):
            dates = [loss.get(run_id) for loss in losses]
            days.append(np.inf if None in dates else (max(dates) - after).days)
        return median(days)

    return measure


def median_deaths(column: str, start: str, end: str, per_year: bool = False) -> Callable:
    """Median over runs of deaths in ``column`` between two dates (optionally a yearly rate)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        a, b = day(start), day(end)
        deaths = deaths_between(results.events, column, a, b, run_ids(results))
        if per_year:
            deaths = deaths / (((b - a).days + 1) / 365.25)
        return median(deaths)

    return measure


def median_losses_with_desertion(start: str, end: str) -> Callable:
    """Median over runs of the state's deaths between two dates plus its desertions.

    Desertion happens on the day of a coup (``politics.coup_desertion``); the runs table's
    ``desertions_state`` counts it, so this measure is meant for a window holding the coup.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        a, b = day(start), day(end)
        runs = run_ids(results)
        deaths = deaths_between(results.events, "deaths_state", a, b, runs)
        deserted = results.runs.set_index("run_id")["desertions_state"].reindex(runs).to_numpy()
        return median(np.asarray(deaths, dtype=float) + deserted)

    return measure


def share_retaken_within(towns: tuple[str, ...], start: str, days: int) -> Callable:
    """Share of runs in which the state took back every one of ``towns`` within ``days``."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        after = day(start)
        captures = [first_capture_dates(results.events, t, after=after) for t in towns]
        return share(
            all(d is not None and (d - after).days <= days for d in (c.get(r) for c in captures))
            for r in run_ids(results)
        )

    return measure


def share_withdrew(force: str) -> Callable:
    """Share of runs in which a foreign force left by its own decision (not on schedule)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        column = f"withdrew_foreign_{force}"
        if column not in results.runs:
            return share([])
        return share(results.runs[column].astype(bool))

    return measure


def share_kidal_taken(after: str, by: str) -> Callable:
    """Share of runs in which the state took Kidal between two dates."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        captures = first_capture_dates(results.events, "kidal", after=day(after))
        return share(r in captures and captures[r] <= day(by) for r in run_ids(results))

    return measure


def median_days_to_kidal(after: str) -> Callable:
    """Median days from the offensive order to the state's capture of Kidal (never: infinite)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        start = day(after)
        captures = first_capture_dates(results.events, "kidal", after=start)
        return median(
            (captures[r] - start).days if r in captures else np.inf for r in run_ids(results)
        )

    return measure


def median_fighting_at_capture(
    town: str, after: str, window_days: int = 14, within_km: float = 25.0
) -> Callable:
    """Median battle deaths (all sides) in a town in the days before the state took it.

    Over the runs in which it did; the window is ``window_days`` up to the capture. "In the
    town" means events within ``within_km`` of its coordinates (its own cell at the default
    grid): the events table's ``town`` column names the nearest town, whose area can span a
    whole massif, and the record speaks of fighting inside the town.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        captures = first_capture_dates(results.events, town, after=day(after))
        if not captures:
            return median([])
        events = results.events
        lat, lon = town_coordinates(town)
        km = np.hypot(
            (events["lat"] - lat) * 110.6, (events["lon"] - lon) * 111.3 * np.cos(np.radians(lat))
        )
        near = events[km <= within_km]
        values = []
        for run_id, date in captures.items():
            deaths = deaths_between(
                near,
                "deaths_total",
                date - dt.timedelta(days=window_days),
                date,
                [run_id],
                event_types=("battle",),
            )
            values.append(float(deaths.iloc[0]))
        return median(values)

    return measure


def town_coordinates(town: str) -> tuple[float, float]:
    """A town's (lat, lon) from the project's towns table."""
    from sim.geography import build_geography

    row = build_geography().towns.loc[town]
    return float(row["lat"]), float(row["lon"])


def abuse_recruitment_ratio(results: Results, scenario: Scenario) -> Sample:
    """Median jihadist recruits in the centre with abuses over the median without them.

    The scenario is run a second time with the same seeds and every state-side abuse
    propensity set to zero: the ratio isolates what abuses add through grievance.
    """
    calm = scenario.model_copy(deep=True)
    calm.factions["state"].abuse_propensity = 0.0
    for force in calm.foreign.values():
        force.abuse_propensity = 0.0
    runs = len(results.runs)
    without = run_ensemble(calm, runs=runs, seed=int(results.runs.attrs.get("seed", 1)))
    column = "recruits_jihadists_centre"
    return ratio(results.runs[column], without.runs[column])


def share_timeline_kept(forces: tuple[str, ...], present_at_end: tuple[str, ...]) -> Callable:
    """Share of runs: no force left early by its own decision, and some are there at the end.

    The forces of ``present_at_end`` must still be present on the last day.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        runs = results.runs
        ok = pd.Series(True, index=runs.index)
        for force in forces:
            ok &= ~runs[f"withdrew_foreign_{force}"].astype(bool)
        for force in present_at_end:
            ok &= runs[f"present_end_foreign_{force}"].astype(bool)
        return share(ok)

    return measure
