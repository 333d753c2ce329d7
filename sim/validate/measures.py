"""Measures on a run's tables and the per-run samples each criterion is judged on.

Holder changes, first loss and capture dates, deaths between dates.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from sim.ensemble import run_ensemble
from sim.scenario import FACTIONS, Scenario
from sim.tables import Results
from sim.validate.statistics import Sample, median, ratio, share
from sim.war.record import VIOLENCE

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

    Desertion happens on the day of a coup in a beaten army (``politics.coup_desertion``,
    ``sim.war.regime``); the runs table's
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


def share_towns_never_taken(towns: tuple[str, ...]) -> Callable:
    """Share of runs in which no insurgent side ever took any of these towns (a raid is no take)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        events = results.events
        taken: set[int] = set()
        if not events.empty:
            captures = events[
                (events["event_type"] == "town_captured") & events["town"].isin(towns)
            ]
            taken = {
                int(r)
                for r, a in zip(captures["run_id"], captures["actor1"], strict=True)
                if side_of(a) != "state"
            }
        return share(r not in taken for r in run_ids(results))

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
        near = events[km_from(events, town) <= within_km]
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


def km_from(events: pd.DataFrame, town: str) -> pd.Series:
    """Each event's distance from a town, in km (an equirectangular approximation)."""
    lat, lon = town_coordinates(town)
    return np.hypot(
        (events["lat"] - lat) * 110.6, (events["lon"] - lon) * 111.3 * np.cos(np.radians(lat))
    )


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


# --- levels of the violence, its geography and the insurgents' numbers ------------------------

VIOLENT = VIOLENCE
"""The events counted as acts of violence (ACLED's battles, remote violence and violence
against civilians; not captures and abandonments of towns), as the hindcasts count them."""


def zone_regions(zone: str) -> tuple[str, ...]:
    """The regions of a reporting zone, as the project's region map groups them."""
    from sim.geography import DATA_DIR

    shapes = json.loads((DATA_DIR / "regions.json").read_text())
    return tuple(shapes["zones"][zone])


def yearly_violent_events(results: Results, years: Iterable[int]) -> pd.DataFrame:
    """Per run (rows) and year (columns): the number of violent events, zero where none."""
    years = list(years)
    index = pd.Index(run_ids(results), name="run_id")
    events = results.events
    if events.empty:
        return pd.DataFrame(0.0, index=index, columns=years)
    violent = events[events["event_type"].isin(VIOLENT)]
    year = pd.to_datetime(violent["date"]).dt.year
    counts = violent.groupby([violent["run_id"], year]).size().unstack(fill_value=0)
    return counts.reindex(index=index, columns=years, fill_value=0).astype(float)


def violent_in(results: Results, year: int) -> pd.DataFrame:
    """The violent events of one year (all runs)."""
    events = results.events
    if events.empty:
        return events
    return events[
        events["event_type"].isin(VIOLENT) & (pd.to_datetime(events["date"]).dt.year == year)
    ]


def centre_share_of_violence(results: Results, year: int) -> pd.Series:
    """Per run: the share of a year's violent events in the centre (NaN: no event that year)."""
    index = pd.Index(run_ids(results), name="run_id")
    violent = violent_in(results, year)
    if violent.empty:
        return pd.Series(np.nan, index=index)
    centre = violent["region"].isin(zone_regions("centre"))
    return centre.groupby(violent["run_id"]).mean().reindex(index).astype(float)


def regions_share_of_deaths(results: Results, regions: tuple[str, ...], year: int) -> pd.Series:
    """Per run: the share of a year's deaths in violent events that fell in ``regions``.

    NaN where a run had no death that year.
    """
    index = pd.Index(run_ids(results), name="run_id")
    violent = violent_in(results, year)
    if violent.empty:
        return pd.Series(np.nan, index=index)
    deaths = violent["deaths_total"].astype(float)
    inside = deaths.where(violent["region"].isin(regions), 0.0)
    by_run = inside.groupby(violent["run_id"]).sum() / deaths.groupby(violent["run_id"]).sum()
    return by_run.reindex(index).astype(float)


def median_regions_share_of_deaths(regions: tuple[str, ...], year: int) -> Callable:
    """Median over runs of the share of a year's deaths that fell in ``regions`` (none: 0)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        return median(regions_share_of_deaths(results, regions, year).fillna(0.0))

    return measure


def median_yearly_events(years: tuple[int, ...]) -> Callable:
    """Median over runs of the violent events a year (each run's mean over ``years``)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        return median(yearly_violent_events(results, years).mean(axis=1))

    return measure


def share_events_rising(first: int, last: int, factor: float) -> Callable:
    """Share of runs whose violent events in ``last`` are ``factor`` times those of ``first``.

    At least that many: the record's violence rose several-fold through the late 2010s.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        counts = yearly_violent_events(results, (first, last))
        return share(counts[last] >= factor * counts[first])

    return measure


def share_centre_rising(first: int, last: int) -> Callable:
    """Share of runs in which the centre's share of the violence is higher in ``last``.

    A run without violence in either year does not show a rise.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        before = centre_share_of_violence(results, first)
        after = centre_share_of_violence(results, last)
        return share((after > before).fillna(False))

    return measure


def median_centre_share(year: int) -> Callable:
    """Median over runs of the centre's share of a year's violent events (no event: 0)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        return median(centre_share_of_violence(results, year).fillna(0.0))

    return measure


def value_on(results: Results, column: str, date: str) -> pd.Series:
    """Per run: a column of the weekly table in the week holding ``date``.

    The last weekly row on or before the date; a run whose table ends earlier gives its last,
    a run with none 0. Empty when the table has no such column.
    """
    ts = results.timeseries
    if ts.empty or column not in ts:
        return pd.Series(dtype=float)
    upto = ts[pd.to_datetime(ts["date"]).dt.date <= day(date)]
    return upto.groupby("run_id")[column].last().reindex(run_ids(results)).fillna(0.0)


def strength_on(results: Results, actor: str, date: str) -> pd.Series:
    """Per run: an actor's fighters in the week holding ``date`` (``value_on``)."""
    return value_on(results, f"strength_{actor}", date)


def median_on(column: str, date: str) -> Callable:
    """Median over runs of a weekly column in the week holding ``date`` (``value_on``)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        return median(value_on(results, column, date))

    return measure


def median_strength_on(actor: str, date: str) -> Callable:
    """Median over runs of an actor's fighters in the week holding ``date`` (``median_on``)."""
    return median_on(f"strength_{actor}", date)


def share_strength_at_least(actor: str, date: str, men: float) -> Callable:
    """Share of runs in which an actor has at least ``men`` fighters on ``date``.

    The record's insurgencies were never put out: a run in which one is gone has a different war.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        return share(strength_on(results, actor, date) >= men)

    return measure


def share_outnumbers(actor: str, other: str, date: str) -> Callable:
    """Share of runs in which ``actor`` has more fighters than ``other`` on ``date``.

    Who grew at whose expense: the jihadists of 2012 drove the MNLA from the towns it had taken
    with them, and outnumbered it by the year's end.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        return share(strength_on(results, actor, date) > strength_on(results, other, date))

    return measure


def share_mass_attack(column: str, start: str, end: str, at_least: float) -> Callable:
    """Share of runs with at least one engagement killing ``at_least`` of ``column`` between dates.

    The record's attacks on army posts of 2019 each killed twenty soldiers or more in one
    engagement; this measures whether the model's insurgents mass like that.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        events = results.events
        if events.empty or column not in events:
            return share([False] * len(results.runs))
        dates = pd.to_datetime(events["date"]).dt.date
        hits = events[(dates >= day(start)) & (dates <= day(end)) & (events[column] >= at_least)]
        struck = set(int(r) for r in hits["run_id"])
        return share(r in struck for r in run_ids(results))

    return measure


def killings_by(
    events: pd.DataFrame, killer: str, regions: tuple[str, ...], start: str, end: str
) -> pd.DataFrame:
    """The events in which ``killer`` killed civilians in ``regions`` between two dates."""
    if events.empty:
        return events
    dates = pd.to_datetime(events["date"]).dt.date
    return events[
        (dates >= day(start))
        & (dates <= day(end))
        & (events["civilians_killed_by"] == killer)
        & events["region"].isin(regions)
    ]


def share_massacre(
    killer: str, regions: tuple[str, ...], start: str, end: str, at_least: float
) -> Callable:
    """Share of runs in which ``killer`` kills ``at_least`` civilians at once in ``regions``.

    The record's worst killings of the herder/farmer seam were single attacks on one village
    (Ogossagou, March 2019); this measures whether the model's militias kill on that scale.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        mine = killings_by(results.events, killer, regions, start, end)
        struck = set(int(r) for r in mine.loc[mine["deaths_civilians"] >= at_least, "run_id"])
        return share(r in struck for r in run_ids(results))

    return measure


def median_killed_by(killer: str, regions: tuple[str, ...], start: str, end: str) -> Callable:
    """Median over runs of the civilians ``killer`` killed in ``regions`` between two dates."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        runs = run_ids(results)
        mine = killings_by(results.events, killer, regions, start, end)
        if mine.empty:
            return median(pd.Series(0.0, index=runs))
        killed = mine.groupby("run_id")["deaths_civilians"].sum()
        return median(killed.reindex(runs, fill_value=0).astype(float))

    return measure


def share_not_held_at_end(town: str, holder: str = "state") -> Callable:
    """Share of runs in which ``holder`` does not hold ``town`` at the scenario's end."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        column = f"holder_{town}"
        if column not in results.runs:
            return share([])
        return share(results.runs[column] != holder)

    return measure


def share_losses_near(
    column: str, town: str, start: str, end: str, at_least: float, within_km: float
) -> Callable:
    """Share of runs whose deaths in ``column`` near a town between two dates reach a count.

    Near is within ``within_km`` of the town: the place of a disaster, not only its size.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        events = results.events
        if events.empty or column not in events:
            return share([False] * len(results.runs))
        near = events[km_from(events, town) <= within_km]
        deaths = deaths_between(near, column, day(start), day(end), run_ids(results))
        return share(deaths >= at_least)

    return measure
