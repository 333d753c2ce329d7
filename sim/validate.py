"""``malisim validate``: how close the historical scenarios come to the documented record.

Each pattern of the record (``calibration_facts.csv`` in the project's shared data, ids C1-C6)
becomes one or more statistical criteria on an ensemble of a historical scenario: a share of
runs in which something happens, or a median that falls in a range. The criteria live here, in
the validation layer, and nowhere in the model: the model never reads a target number.

The engine runs each scenario of the historical library as a seeded ensemble, evaluates every
criterion on its tables, and writes ``report.md`` (a table pattern | criterion | ensemble gave |
pass or miss, then the figures), ``criteria.csv`` (the same table, for scripts) and plain
matplotlib figures into the output folder.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.ensemble import run_ensemble
from sim.scenario import FACTIONS, Scenario, load_scenario
from sim.tables import Results

HISTORICAL = (
    "mali_2012",
    "serval_2013",
    "barkhane_2014",
    "centre_2022",
    "kidal_2023",
    "north_2024",
    "history_2012_2025",
)
"""The historical library, in the order of the war."""

CAPITALS_2012 = ("kidal", "gao", "timbuktu")
"""The three northern regional capitals lost in spring 2012."""


DEFAULT_RUNS = 100
"""Runs per scenario of a full validation: at 20, a share's 95% interval is ~40 points wide and
most verdicts are undecided; at 100 it is ~18 points wide."""


def library_dir() -> Path:
    """Return the repository's ``scenarios/`` folder (the package is installed editable)."""
    return Path(__file__).resolve().parent.parent / "scenarios"


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


# --- criteria ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """One statistical test of a documented pattern on one scenario's ensemble.

    Attributes:
        id: the criterion's id, e.g. ``C1a`` (the fact id plus a letter).
        fact: the id of the pattern in ``calibration_facts.csv``.
        scenario: the scenario of the library whose ensemble is tested.
        pattern: the documented pattern, in a line.
        criterion: the test in words, as the report shows it.
        measure: the per-run values behind the ensemble's statistic (a ``Sample``), from its
            tables.
        low, high: the statistic passes when ``low <= value <= high`` (either may be None).
        unit: how to print the value: ``share``, ``days``, ``men`` or ``ratio``.

    """

    id: str
    fact: str
    scenario: str
    pattern: str
    criterion: str
    measure: Callable[[Results, Scenario], Sample]
    low: float | None = None
    high: float | None = None
    unit: str = "share"

    def passes(self, value: float) -> bool:
        """Whether the ensemble's statistic meets the criterion (NaN never does)."""
        if value is None or not np.isfinite(value):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def _run_ids(results: Results) -> list[int]:
    return [int(r) for r in results.runs["run_id"]]


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


BOOTSTRAP_RESAMPLES = 2000
"""Resamples of the runs behind a median's 95% interval (a fixed seed: the report is stable)."""


@dataclass(frozen=True)
class Sample:
    """The per-run values behind a criterion's statistic, and its 95% interval.

    Attributes:
        values: one value per run: 1 or 0 for a share, a number (``inf``: never) for a median.
        kind: ``share`` (the mean of 0/1 values), ``median``, or ``ratio`` (the median of
            ``values`` over the median of ``baseline``, a second ensemble).
        baseline: the second ensemble's values, for a ratio.

    """

    values: np.ndarray
    kind: str = "median"
    baseline: np.ndarray | None = None

    @property
    def statistic(self) -> float:
        """The ensemble's statistic: a share, a median or a ratio of medians."""
        return _statistic(self.kind, self.values, self.baseline)

    def interval(self) -> tuple[float, float]:
        """A 95% interval for the statistic over ensembles of this size.

        Wilson's score interval for a share; a percentile bootstrap over runs (resampled with a
        fixed seed) for a median or a ratio of medians.
        """
        n = len(self.values)
        if n == 0:
            return (np.nan, np.nan)
        if self.kind == "share":
            p, z = float(np.mean(self.values)), 1.959964
            centre = (p + z * z / (2 * n)) / (1 + z * z / n)
            half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
            return (max(0.0, centre - half), min(1.0, centre + half))
        rng = np.random.default_rng(0)
        draws = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
        others = None
        if self.baseline is not None and len(self.baseline):
            m = len(self.baseline)
            others = rng.integers(0, m, size=(BOOTSTRAP_RESAMPLES, m))
        stats = np.array(
            [
                _statistic(
                    self.kind,
                    self.values[draws[i]],
                    None if others is None else self.baseline[others[i]],
                )
                for i in range(BOOTSTRAP_RESAMPLES)
            ]
        )
        # ``method="lower"/"higher"`` keep an infinite ("never") bound without NaN arithmetic.
        return (
            float(np.percentile(stats, 2.5, method="lower")),
            float(np.percentile(stats, 97.5, method="higher")),
        )


def _statistic(kind: str, values: np.ndarray, baseline: np.ndarray | None) -> float:
    if len(values) == 0:
        return np.nan
    if kind == "share":
        return float(np.mean(values))
    if kind == "ratio":
        base = float(np.median(baseline)) if baseline is not None and len(baseline) else np.nan
        top = float(np.median(values))
        if base > 0:
            return top / base
        return np.inf if top > 0 else np.nan
    return float(np.median(values))


def _share(flags: Iterable[bool]) -> Sample:
    return Sample(np.asarray(list(flags), dtype=float), "share")


def _median(values: Iterable[float]) -> Sample:
    return Sample(np.asarray(list(values), dtype=float), "median")


def share_north_lost_together(start: str, by: str, within_days: int) -> Callable:
    """Share of runs: the state lost Kidal, Gao and Timbuktu by ``by``, close together.

    The three losses must fall within ``within_days`` of each other.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        after = _date(start)
        losses = [first_loss_dates(results.events, t, after=after) for t in CAPITALS_2012]
        flags = []
        for run_id in _run_ids(results):
            dates = [loss.get(run_id) for loss in losses]
            flags.append(
                all(d is not None and d <= _date(by) for d in dates)
                and (max(dates) - min(dates)).days <= within_days
            )
        return _share(flags)

    return measure


def median_days_to_lose_all(start: str) -> Callable:
    """Median days from ``start`` to the state's loss of the last of the three capitals.

    A run that never lost all three counts as never (infinite).
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        after = _date(start)
        losses = [first_loss_dates(results.events, t, after=after) for t in CAPITALS_2012]
        days = []
        for run_id in _run_ids(results):
            dates = [loss.get(run_id) for loss in losses]
            days.append(np.inf if None in dates else (max(dates) - after).days)
        return _median(days)

    return measure


def median_deaths(column: str, start: str, end: str, per_year: bool = False) -> Callable:
    """Median over runs of deaths in ``column`` between two dates (optionally a yearly rate)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        a, b = _date(start), _date(end)
        deaths = deaths_between(results.events, column, a, b, _run_ids(results))
        if per_year:
            deaths = deaths / (((b - a).days + 1) / 365.25)
        return _median(deaths)

    return measure


def median_losses_with_desertion(start: str, end: str) -> Callable:
    """Median over runs of the state's deaths between two dates plus its desertions.

    Desertion happens on the day of a coup (``politics.coup_desertion``); the runs table's
    ``desertions_state`` counts it, so this measure is meant for a window holding the coup.
    """

    def measure(results: Results, scenario: Scenario) -> Sample:
        a, b = _date(start), _date(end)
        runs = _run_ids(results)
        deaths = deaths_between(results.events, "deaths_state", a, b, runs)
        deserted = results.runs.set_index("run_id")["desertions_state"].reindex(runs).to_numpy()
        return _median(np.asarray(deaths, dtype=float) + deserted)

    return measure


def share_retaken_within(towns: tuple[str, ...], start: str, days: int) -> Callable:
    """Share of runs in which the state took back every one of ``towns`` within ``days``."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        after = _date(start)
        captures = [first_capture_dates(results.events, t, after=after) for t in towns]
        return _share(
            all(d is not None and (d - after).days <= days for d in (c.get(r) for c in captures))
            for r in _run_ids(results)
        )

    return measure


def share_withdrew(force: str) -> Callable:
    """Share of runs in which a foreign force left by its own decision (not on schedule)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        column = f"withdrew_foreign_{force}"
        if column not in results.runs:
            return _share([])
        return _share(results.runs[column].astype(bool))

    return measure


def share_kidal_taken(after: str, by: str) -> Callable:
    """Share of runs in which the state took Kidal between two dates."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        captures = first_capture_dates(results.events, "kidal", after=_date(after))
        return _share(r in captures and captures[r] <= _date(by) for r in _run_ids(results))

    return measure


def median_days_to_kidal(after: str) -> Callable:
    """Median days from the offensive order to the state's capture of Kidal (never: infinite)."""

    def measure(results: Results, scenario: Scenario) -> Sample:
        start = _date(after)
        captures = first_capture_dates(results.events, "kidal", after=start)
        return _median(
            (captures[r] - start).days if r in captures else np.inf for r in _run_ids(results)
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
        captures = first_capture_dates(results.events, town, after=_date(after))
        if not captures:
            return _median([])
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
        return _median(values)

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
    return Sample(
        results.runs["recruits_jihadists_centre"].to_numpy(dtype=float),
        "ratio",
        without.runs["recruits_jihadists_centre"].to_numpy(dtype=float),
    )


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
        return _share(ok)

    return measure


P_C1 = "Spring 2012, no patron, a coup: the state loses Kidal, Gao and Timbuktu within days"
P_C2 = "2013: a low-risk Western force arrives; Gao and Timbuktu are retaken in under 3 weeks"
P_C3 = "2013-2022: the low-risk patron loses ~6 soldiers a year and stays nine years"
P_C4 = "Autumn 2023: state + contractor take Kidal ~6 weeks after the offensive, little fighting"
P_C5 = "Abuses by the state and its partner feed jihadist recruitment in the centre"
P_C6 = "Foreign forces come and go on the record's dates (France 2022, UN 2023, Wagner 2025)"

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "C1a",
        "C1",
        "mali_2012",
        P_C1,
        "share of runs: Kidal, Gao, Timbuktu all lost by 2012-05-15, within 6 weeks of each other"
        " >= 0.6",
        share_north_lost_together("2012-01-17", "2012-05-15", 42),
        low=0.6,
    ),
    Criterion(
        "C1b",
        "C1",
        "mali_2012",
        P_C1,
        "median days from the first attack (2012-01-17) to the last of the three lost:"
        " 50-110 (record 75)",
        median_days_to_lose_all("2012-01-17"),
        low=50,
        high=110,
        unit="days",
    ),
    Criterion(
        "C1c",
        "C1",
        "mali_2012",
        P_C1,
        "median state forces killed or deserted 2012-01-17 to 04-01: 300-2,500 (record"
        " 1,000-1,500+ killed, captured or deserted)",
        median_losses_with_desertion("2012-01-17", "2012-04-01"),
        low=300,
        high=2500,
        unit="men",
    ),
    Criterion(
        "C2a",
        "C2",
        "serval_2013",
        P_C2,
        "share of runs: the state side retakes Gao and Timbuktu within 28 days of 2013-01-11"
        " >= 0.6",
        share_retaken_within(("gao", "timbuktu"), "2013-01-11", 28),
        low=0.6,
    ),
    Criterion(
        "C2b",
        "C2",
        "serval_2013",
        P_C2,
        "median French deaths 2013-01-11 to 2014-07-31: 3-30 (record 9-10)",
        median_deaths("deaths_foreign_france", "2013-01-11", "2014-07-31"),
        low=3,
        high=30,
        unit="men",
    ),
    Criterion(
        "C3a",
        "C3",
        "barkhane_2014",
        P_C3,
        "median French deaths a year 2014-08 to 2022-08: 2-15 (record ~6)",
        median_deaths("deaths_foreign_france", "2014-08-01", "2022-08-15", per_year=True),
        low=2,
        high=15,
        unit="men",
    ),
    Criterion(
        "C3b",
        "C3",
        "barkhane_2014",
        P_C3,
        "share of runs in which France leaves early by its own decision <= 0.2",
        share_withdrew("france"),
        high=0.2,
    ),
    Criterion(
        "C4a",
        "C4",
        "kidal_2023",
        P_C4,
        "share of runs: the state takes Kidal by 2024-03-31 >= 0.6",
        share_kidal_taken("2023-10-01", "2024-03-31"),
        low=0.6,
    ),
    Criterion(
        "C4b",
        "C4",
        "kidal_2023",
        P_C4,
        "median days from the offensive order (2023-10-02) to Kidal: 28-70 (record 43)",
        median_days_to_kidal("2023-10-02"),
        low=28,
        high=70,
        unit="days",
    ),
    Criterion(
        "C4c",
        "C4",
        "kidal_2023",
        P_C4,
        "median battle deaths in Kidal (within 25 km) in the 14 days before its capture <= 50",
        median_fighting_at_capture("kidal", "2023-10-01"),
        high=50,
        unit="men",
    ),
    Criterion(
        "C4d",
        "C4",
        "kidal_2023",
        P_C4,
        "share of runs in which Wagner leaves by its own decision <= 0.2 (it stayed)",
        share_withdrew("wagner"),
        high=0.2,
    ),
    Criterion(
        "C5a",
        "C5",
        "centre_2022",
        P_C5,
        "median jihadist recruits in the centre, with abuses / without (same seeds) >= 1.1",
        abuse_recruitment_ratio,
        low=1.1,
        unit="ratio",
    ),
    Criterion(
        "C6a",
        "C6",
        "history_2012_2025",
        P_C6,
        "share of runs: no force leaves early by its own decision, Africa Corps there at the end"
        " >= 0.6",
        share_timeline_kept(("france", "un", "wagner", "africa_corps"), ("africa_corps",)),
        low=0.6,
    ),
    Criterion(
        "C1h",
        "C1",
        "history_2012_2025",
        P_C1,
        "(whole arc) share of runs: the three capitals lost by 2012-05-15 within 6 weeks >= 0.6",
        share_north_lost_together("2012-01-17", "2012-05-15", 42),
        low=0.6,
    ),
    Criterion(
        "C2h",
        "C2",
        "history_2012_2025",
        P_C2,
        "(whole arc) share of runs: Gao and Timbuktu retaken within 28 days of 2013-01-11 >= 0.6",
        share_retaken_within(("gao", "timbuktu"), "2013-01-11", 28),
        low=0.6,
    ),
    Criterion(
        "C3h",
        "C3",
        "history_2012_2025",
        P_C3,
        "(whole arc) median French deaths a year 2013-01-11 to 2022-08-15: 2-15 (record ~6)",
        median_deaths("deaths_foreign_france", "2013-01-11", "2022-08-15", per_year=True),
        low=2,
        high=15,
        unit="men",
    ),
    Criterion(
        "C4h",
        "C4",
        "history_2012_2025",
        P_C4,
        "(whole arc) share of runs: the state takes Kidal between 2023-10-01 and 2024-03-31 >= 0.6",
        share_kidal_taken("2023-10-01", "2024-03-31"),
        low=0.6,
    ),
)


# --- the engine ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """A criterion's result on an ensemble: the statistic, its 95% interval, pass or miss."""

    criterion: Criterion
    value: float
    runs: int
    low: float = np.nan
    high: float = np.nan

    @property
    def passed(self) -> bool:
        """Whether the criterion held."""
        return self.criterion.passes(self.value)

    @property
    def decided(self) -> bool:
        """Whether the whole 95% interval gives the same verdict as the statistic.

        When it does not, an ensemble of this size cannot tell pass from miss: run more.
        """
        if np.isnan(self.low) or np.isnan(self.high):
            return False
        floor = -np.inf if self.criterion.low is None else self.criterion.low
        ceiling = np.inf if self.criterion.high is None else self.criterion.high
        if self.passed:  # all of the interval in the passing range (a never is a miss)
            return floor <= self.low and self.high <= ceiling and np.isfinite(self.high)
        return self.high < floor or self.low > ceiling

    def shown_interval(self) -> str:
        """The 95% interval as the report prints it."""
        if np.isnan(self.low) or np.isnan(self.high):
            return "n/a"
        return f"{self._format(self.low)}-{self._format(self.high)}"

    def _format(self, value: float) -> str:
        if np.isinf(value):
            return "never"
        unit = self.criterion.unit
        if unit == "share":
            return f"{value:.0%}"
        if unit == "days":
            return f"{value:.0f}"
        if unit == "ratio":
            return f"{value:.2f}"
        return f"{value:.1f}"

    def shown(self) -> str:
        """Format the value as the report prints it."""
        value = self.value
        if value is None or not np.isfinite(value):
            return "never" if value == np.inf else "n/a"
        suffix = {
            "share": f" of {self.runs} runs",
            "days": f" days (median of {self.runs})",
            "ratio": f" (medians of {self.runs} runs)",
        }.get(self.criterion.unit, f" (median of {self.runs})")
        return self._format(value) + suffix


@dataclass
class Validation:
    """What ``malisim validate`` produced."""

    outcomes: list[Outcome]
    results: dict[str, Results] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """Return the pass/miss table (one row a criterion)."""
        return pd.DataFrame(
            [
                {
                    "id": o.criterion.id,
                    "fact": o.criterion.fact,
                    "scenario": o.criterion.scenario,
                    "pattern": o.criterion.pattern,
                    "criterion": o.criterion.criterion,
                    "value": o.value,
                    "ensemble_gave": o.shown(),
                    "runs": o.runs,
                    "interval_low": o.low,
                    "interval_high": o.high,
                    "interval_95": o.shown_interval(),
                    "decided": o.decided,
                    "result": "pass" if o.passed else "miss",
                }
                for o in self.outcomes
            ]
        )


def run_validation(
    runs: int = DEFAULT_RUNS,
    seed: int = 1,
    workers: int = 1,
    scenarios: Iterable[str] | None = None,
    library: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Validation:
    """Run each historical scenario's ensemble and evaluate every criterion on it.

    Args:
        runs: replicates per scenario.
        seed: ensemble seed (the same for every scenario).
        workers: worker processes for each ensemble.
        scenarios: names of the library to validate (default: all of ``HISTORICAL``).
        library: the folder of scenario files (default: the repository's ``scenarios/``).
        progress: called with (scenario name, runs just finished).

    Returns:
        The criteria's outcomes, with each scenario's tables and run time.

    Raises:
        ScenarioError: if a scenario file of the library does not load.

    """
    library = library or library_dir()
    names = list(scenarios) if scenarios else list(HISTORICAL)
    validation = Validation(outcomes=[])
    for name in names:
        scenario = load_scenario(library / f"{name}.toml")
        started = time.perf_counter()
        results = run_ensemble(
            scenario,
            runs=runs,
            seed=seed,
            workers=workers,
            progress=(lambda n, name=name: progress(name, n)) if progress else None,
        )
        results.runs.attrs["seed"] = seed
        validation.results[name] = results
        validation.scenarios[name] = scenario
        for criterion in CRITERIA:
            if criterion.scenario == name:
                sample = criterion.measure(results, scenario)
                low, high = sample.interval()
                validation.outcomes.append(
                    Outcome(criterion, sample.statistic, len(results.runs), low, high)
                )
        validation.seconds[name] = time.perf_counter() - started
    return validation


# --- figures and report --------------------------------------------------------------------------

SIDE_COLOURS = {"state": "#2b6cb0", "separatists": "#d69e2e", "jihadists": "#2d3748"}


def _pyplot():
    """Pyplot on the Agg back end (figures are files; no display is needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    """Lay out, write and close a report figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def figure_holders(validation: Validation, folder: Path) -> Path | None:
    """Who holds Kidal, Gao and Timbuktu over time across runs, 2012-2013 (a stacked share)."""
    plt = _pyplot()

    parts = [n for n in ("mali_2012", "serval_2013") if n in validation.results]
    if not parts:
        return None
    fig, axes = plt.subplots(len(CAPITALS_2012), 1, figsize=(10, 7), sharex=True)
    for ax, town in zip(axes, CAPITALS_2012, strict=True):
        for name in parts:
            scenario = validation.scenarios[name]
            results = validation.results[name]
            days = pd.date_range(scenario.scenario.start, scenario.scenario.end, freq="D")
            initial = "state"
            for fid, faction in scenario.factions.items():
                if town in faction.holds or faction.deploy.get(town, 0) > 0:
                    initial = fid
            share = holder_share(results.events, _run_ids(results), town, initial, days)
            ax.stackplot(
                days,
                *[share[s] for s in FACTIONS],
                colors=[SIDE_COLOURS[s] for s in FACTIONS],
                labels=list(FACTIONS) if name == parts[0] else [],
            )
        for when, label in (
            (
                "2012-03-30"
                if town == "kidal"
                else "2012-03-31"
                if town == "gao"
                else "2012-04-01",
                "lost",
            ),
            (
                "2013-01-30"
                if town == "kidal"
                else "2013-01-26"
                if town == "gao"
                else "2013-01-28",
                "retaken",
            ),
        ):
            ax.axvline(pd.Timestamp(when), color="red", lw=1, ls="--")
            ax.text(pd.Timestamp(when), 1.02, f"record: {label}", color="red", fontsize=7)
        ax.set_ylim(0, 1)
        ax.set_ylabel(f"{town.title()}\nshare of runs")
    axes[0].legend(loc="lower left", fontsize=8, ncol=3)
    axes[0].set_title(
        "Who holds the northern capitals, 2012-2013 (mali_2012 then serval_2013 ensembles)"
    )
    return _save(fig, folder / "holders_2012_2013.png")


def figure_foreign_deaths(validation: Validation, folder: Path) -> Path | None:
    """Foreign forces' deaths per year by kind of force (median and 90% band over runs)."""
    plt = _pyplot()

    name = next(
        (n for n in ("history_2012_2025", "barkhane_2014") if n in validation.results), None
    )
    if name is None:
        return None
    scenario, results = validation.scenarios[name], validation.results[name]
    events = results.events.copy()
    if events.empty:
        return None
    events["year"] = pd.to_datetime(events["date"]).dt.year
    years = list(range(scenario.scenario.start.year, scenario.scenario.end.year + 1))
    kinds: dict[str, list[str]] = {}
    for fid, force in scenario.foreign.items():
        kinds.setdefault(force.kind, []).append(fid)
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(kinds), 1)
    colours = {"expeditionary": "#3182ce", "peacekeeping": "#38a169", "contractor": "#e53e3e"}
    for k, (kind, forces) in enumerate(sorted(kinds.items())):
        columns = [f"deaths_foreign_{f}" for f in forces if f"deaths_foreign_{f}" in events]
        per = events.groupby(["run_id", "year"])[columns].sum().sum(axis=1).unstack(fill_value=0)
        per = per.reindex(index=_run_ids(results), columns=years, fill_value=0)
        mid = per.median(axis=0)
        lo, hi = per.quantile(0.05, axis=0), per.quantile(0.95, axis=0)
        xs = np.arange(len(years)) + (k - (len(kinds) - 1) / 2) * width
        ax.bar(
            xs,
            mid,
            width,
            color=colours.get(kind, "grey"),
            label=f"{kind} ({', '.join(forces)})",
        )
        ax.errorbar(xs, mid, yerr=[mid - lo, hi - mid], fmt="none", ecolor="black", lw=0.7)
    ax.axhline(6, color="#3182ce", ls="--", lw=1)
    ax.text(0, 6.5, "record: France ~6 a year (C3)", color="#3182ce", fontsize=8)
    ax.set_xticks(np.arange(len(years)), [str(y) for y in years], rotation=45)
    ax.set_ylabel("deaths in the year (median, 5-95%)")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_title(f"Foreign forces' deaths per year by kind ({name}, {len(results.runs)} runs)")
    ax.legend(fontsize=8)
    return _save(fig, folder / "foreign_deaths_per_year.png")


def figure_kidal(validation: Validation, folder: Path) -> Path | None:
    """When the state took Kidal in the 2023 ensemble, against the record (14 November)."""
    plt = _pyplot()

    if "kidal_2023" not in validation.results:
        return None
    results = validation.results["kidal_2023"]
    start = dt.date(2023, 10, 2)
    captures = first_capture_dates(results.events, "kidal", after=start)
    days = [(d - start).days for d in captures.values()]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(days, bins=range(0, 190, 7), color="#2b6cb0")
    ax.axvline((dt.date(2023, 11, 14) - start).days, color="red", ls="--")
    ax.text((dt.date(2023, 11, 14) - start).days + 1, 0.5, "record: 43 days", color="red")
    never = len(results.runs) - len(days)
    ax.set_xlabel("days from the offensive order (2023-10-02) to Kidal")
    ax.set_ylabel("runs")
    ax.set_title(f"Kidal 2023: {len(days)} of {len(results.runs)} runs took it ({never} never)")
    return _save(fig, folder / "kidal_2023_capture.png")


def write_report(validation: Validation, folder: Path, command: str = "") -> Path:
    """Write ``report.md``, ``criteria.csv`` and the figures into ``folder``."""
    from sim.io import atomic_write_text

    folder.mkdir(parents=True, exist_ok=True)
    table = validation.table()
    atomic_write_text(folder / "criteria.csv", table.to_csv(index=False))
    figures = [f(validation, folder) for f in (figure_holders, figure_foreign_deaths, figure_kidal)]
    passed = int((table["result"] == "pass").sum()) if len(table) else 0
    lines = [
        "# Validation against the documented record",
        "",
        f"{passed} of {len(table)} criteria pass. Each criterion tests one pattern of "
        "`calibration_facts.csv` (the fact id) on an ensemble of a historical scenario. "
        "See docs/CALIBRATION.md for what was tuned and why.",
        "",
    ]
    if command:
        lines += [f"Command: `{command}`", ""]
    undecided = table[~table["decided"].astype(bool)]["id"].tolist() if len(table) else []
    lines += [
        "The 95% interval is Wilson's for a share and a bootstrap over runs for a median; a",
        "verdict is *decided* when the whole interval gives it. An undecided one cannot be told",
        "from its opposite at this ensemble size: run more (`--runs`)."
        + (f" Undecided here: {', '.join(undecided)}." if undecided else ""),
        "",
        "| id | scenario | pattern | criterion | ensemble gave | 95% interval | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        verdict = row["result"] if row["decided"] else f"{row['result']} (undecided)"
        lines.append(
            f"| {row['id']} | {row['scenario']} | {row['pattern']} | {row['criterion']} | "
            f"{row['ensemble_gave']} | {row['interval_95']} | **{verdict}** |"
        )
    lines += ["", "## Run times", ""]
    for name, seconds in validation.seconds.items():
        lines.append(f"- {name}: {len(validation.results[name].runs)} runs in {seconds:.1f} s")
    lines += ["", "## Figures", ""]
    for path in figures:
        if path is not None:
            lines += [f"![{path.stem}]({path.name})", ""]
    report = folder / "report.md"
    atomic_write_text(report, "\n".join(lines) + "\n")
    return report


# --- the command ---------------------------------------------------------------------------------


def validate_command(
    runs: int,
    out_dir: Path,
    seed: int,
    workers: int,
    only: list[str] | None,
    console,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
) -> None:
    """``malisim validate``: check the input, run, print the pass/miss table, write the report."""
    import sys

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from sim.cli.console import count_problems
    from sim.scenario import ScenarioError

    problems = count_problems(runs=runs, workers=workers, seed=seed)
    for name in only or []:
        if name not in HISTORICAL:
            problems.append(
                f"--scenario: unknown historical scenario {name!r}; expected one of "
                f"{', '.join(HISTORICAL)}"
            )
    if problems:
        fail_input(problems)
    names = [n for n in HISTORICAL if not only or n in only]
    started = time.perf_counter()
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=True,
        ) as bar:
            task = bar.add_task("validating", total=runs * len(names))

            def tick(name: str, n: int) -> None:
                bar.update(task, advance=n, description=name)

            validation = run_validation(runs, seed, workers, names, progress=tick)
    except ScenarioError as exc:
        fail_input(exc.problems)
        return
    elapsed = time.perf_counter() - started
    try:
        report = write_report(validation, out_dir, command=" ".join(["malisim", *sys.argv[1:]]))
    except OSError as exc:
        fail(f"cannot write the report: {exc.strerror or exc} ({exc.filename or out_dir})")
        return
    frame = validation.table()
    table = Table(title=f"Validation: {runs} runs per scenario, {elapsed:.0f} s")
    for column in ("id", "scenario", "criterion", "ensemble gave", "95% interval", "result"):
        table.add_column(column, overflow="fold")
    for _, row in frame.iterrows():
        mark = "[green]pass[/green]" if row["result"] == "pass" else "[red]miss[/red]"
        if not row["decided"]:
            mark += " (undecided)"
        table.add_row(
            row["id"],
            row["scenario"],
            row["criterion"],
            row["ensemble_gave"],
            row["interval_95"],
            mark,
        )
    console.print(table)
    passed = int((frame["result"] == "pass").sum())
    undecided = int((~frame["decided"].astype(bool)).sum())
    console.print(
        f"{passed} of {len(frame)} criteria pass; {undecided} verdicts undecided at {runs} runs"
        f" (the 95% interval spans the threshold). Report: {report}",
        markup=False,
    )
