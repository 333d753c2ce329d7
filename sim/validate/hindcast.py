"""Hindcasts scored like forecasts: an ensemble's yearly series against the record's.

For each yearly series of the project's record of yearly counts (``sim/data/yearly_record.csv``:
battle deaths, the UN mission's and France's deaths, civilians killed, events and fatalities,
each value with its source and its ``use``), the years declared ``test`` (kept out of
calibration, declared before calibrating) are scored as forecasts are in the VIEWS prediction
challenge: the ensemble's continuous ranked probability score (``scoringrules.crps_ensemble``),
whether the record's value lies in the ensemble's 90% interval, and the skill against two naive
baselines built from the record's earlier years alone, last year's value and the mean of the
years before: ``skill = 1 - CRPS / CRPS of the baseline`` (above 0: better than the baseline).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario import ScenarioError
from sim.tables import Results
from sim.war.record import FIGHTING, VIOLENCE

COLUMNS = ("series", "year", "value", "unit", "use", "source", "note")


def _sum_of(
    column: str, types: tuple[str, ...] | None = None
) -> Callable[[pd.DataFrame], pd.Series]:
    def measure(events: pd.DataFrame) -> pd.Series:
        rows = events if types is None else events[events["event_type"].isin(types)]
        if column not in rows:
            return pd.Series(dtype=float)
        return rows.groupby(["run_id", "year"])[column].sum()

    return measure


def _count(types: tuple[str, ...]) -> Callable[[pd.DataFrame], pd.Series]:
    def measure(events: pd.DataFrame) -> pd.Series:
        return events[events["event_type"].isin(types)].groupby(["run_id", "year"]).size()

    return measure


SERIES: dict[str, tuple[str, Callable[[pd.DataFrame], pd.Series]]] = {
    "battle_deaths": (
        "deaths in battles, ambushes and IED attacks",
        _sum_of("deaths_total", FIGHTING),
    ),
    "un_deaths": ("UN peacekeepers killed", _sum_of("deaths_foreign_un")),
    "french_deaths": ("French soldiers killed", _sum_of("deaths_foreign_france")),
    "civilian_deaths": ("civilians killed", _sum_of("deaths_civilians")),
    "events": ("acts of violence (events)", _count(VIOLENCE)),
    "fatalities": ("deaths in all events", _sum_of("deaths_total")),
}
"""Each yearly series: what the model counts for it, and how, from the events table."""


def read_yearly_record(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the record of yearly counts (the project's own, or another file).

    Raises:
        ScenarioError: one ``FILE: row N: field: message`` line per problem.

    """
    if path is None:
        handle = resources.files("sim.data").joinpath("yearly_record.csv").open(encoding="utf-8")
        name = "sim/data/yearly_record.csv"
    else:
        try:
            handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise ScenarioError([f"{path}: cannot read: {exc.strerror}"]) from None
        name = str(path)
    with handle:
        rows = list(csv.DictReader(handle))
    problems: list[str] = []
    if rows and set(COLUMNS) - set(rows[0]):
        raise ScenarioError([f"{name}: columns: missing {sorted(set(COLUMNS) - set(rows[0]))}"])
    seen: set[tuple[str, int]] = set()
    for i, row in enumerate(rows, start=2):
        where = f"{name}: row {i}"
        if row["series"] not in SERIES:
            problems.append(f"{where}: series: unknown {row['series']!r}; one of {list(SERIES)}")
        if row["use"] not in ("calibration", "test"):
            problems.append(f"{where}: use: expected calibration or test, got {row['use']!r}")
        if not row["source"].strip():
            problems.append(f"{where}: source: every value needs its source")
        try:
            key = (row["series"], int(row["year"]))
            value = float(row["value"])
        except ValueError:
            problems.append(f"{where}: year, value: expected numbers")
            continue
        if not np.isfinite(value) or value < 0:
            problems.append(f"{where}: value: expected a count >= 0, got {row['value']}")
        if key in seen:
            problems.append(f"{where}: series, year: {key} is listed twice")
        seen.add(key)
    if not rows:
        problems.append(f"{name}: no rows")
    if problems:
        raise ScenarioError(problems)
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame.sort_values(["series", "year"]).reset_index(drop=True)


def covered_years(runs: pd.DataFrame) -> set[int]:
    """The calendar years every run covers from 1 January to 31 December."""
    start = pd.to_datetime(runs["scenario.start"]).max()
    end = pd.to_datetime(runs["scenario.end"]).min()
    first = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    last = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    return set(range(first, last + 1))


def ensemble_series(results: Results, series: str, years: list[int]) -> pd.DataFrame:
    """One row a run, one column a year: the model's value of a yearly series (0 where none)."""
    runs = pd.Index(results.runs["run_id"].astype(int), name="run_id")
    events = results.events
    if events.empty:
        return pd.DataFrame(0.0, index=runs, columns=years)
    events = events.assign(year=pd.to_datetime(events["date"]).dt.year)
    counts = SERIES[series][1](events)
    table = counts.unstack("year") if len(counts) else pd.DataFrame(index=runs)
    return table.reindex(index=runs, columns=years).fillna(0.0).astype(float)


def score_hindcasts(results: Results, record: pd.DataFrame) -> pd.DataFrame:
    """Score every held-out year the ensemble covers and a baseline can forecast.

    Returns:
        One row a (series, year): the record's value, the ensemble's median and 90% interval,
        whether it covers the value, its CRPS, each baseline's forecast and CRPS, and the skill
        scores against them.

    """
    import scoringrules

    covered = covered_years(results.runs)
    rows = []
    for series, history in record.groupby("series", sort=False):
        history = history.sort_values("year")
        tests = history[(history["use"] == "test") & history["year"].isin(covered)]
        if tests.empty:
            continue
        ensemble = ensemble_series(results, series, sorted(tests["year"]))
        for test in tests.itertuples():
            before = history[history["year"] < test.year]
            if before.empty:
                continue  # no baseline can forecast the first year of a series
            last = float(before["value"].iloc[-1])
            mean = float(before["value"].mean())
            members = ensemble[test.year].to_numpy(float)
            crps = float(scoringrules.crps_ensemble(test.value, members))
            crps_last = float(scoringrules.crps_ensemble(test.value, np.array([last])))
            crps_mean = float(scoringrules.crps_ensemble(test.value, np.array([mean])))
            low, mid, high = np.quantile(members, [0.05, 0.5, 0.95])
            rows.append(
                {
                    "series": series,
                    "year": test.year,
                    "observed": test.value,
                    "median": mid,
                    "q05": low,
                    "q95": high,
                    "covered_90": bool(low <= test.value <= high),
                    "crps": crps,
                    "last_year": last,
                    "crps_last_year": crps_last,
                    "mean_before": mean,
                    "crps_mean_before": crps_mean,
                    "skill_vs_last_year": _skill(crps, crps_last),
                    "skill_vs_mean_before": _skill(crps, crps_mean),
                    "runs": len(members),
                }
            )
    return pd.DataFrame(rows)


def _skill(crps: float, baseline: float) -> float:
    return 1.0 - crps / baseline if baseline > 0 else (0.0 if crps == 0 else -np.inf)


def summarise(scores: pd.DataFrame) -> pd.DataFrame:
    """Per series: mean CRPS over the held-out years, coverage, and skill on the mean CRPS."""
    rows = []
    for series, group in scores.groupby("series", sort=False):
        crps = group["crps"].mean()
        rows.append(
            {
                "series": series,
                "years": ", ".join(str(y) for y in group["year"]),
                "crps": crps,
                "coverage_90": group["covered_90"].mean(),
                "skill_vs_last_year": _skill(crps, group["crps_last_year"].mean()),
                "skill_vs_mean_before": _skill(crps, group["crps_mean_before"].mean()),
            }
        )
    return pd.DataFrame(rows)


def score_markdown(scores: pd.DataFrame, summary: pd.DataFrame, source: str) -> str:
    """The scores as Markdown: the summary per series, then each year."""
    lines = [
        f"# Hindcast scores of {source}",
        "",
        "Held-out years of the yearly record (use = test), scored as forecasts: the ensemble's "
        "CRPS (lower is better), whether its 90% interval covers the record, and the skill "
        "against two naive baselines (1 - CRPS / CRPS of the baseline; above 0 beats it).",
        "",
        "| series | held-out years | CRPS | 90% coverage | skill vs last year | skill vs mean |",
        "|---|---|---|---|---|---|",
    ]
    for r in summary.itertuples():
        lines.append(
            f"| {r.series} | {r.years} | {r.crps:.3g} | {r.coverage_90:.0%} | "
            f"{r.skill_vs_last_year:.2f} | {r.skill_vs_mean_before:.2f} |"
        )
    lines += [
        "",
        "| series | year | record | ensemble median [5%, 95%] | CRPS | last year | mean |",
    ]
    lines.append("|---|---|---|---|---|---|---|")
    for r in scores.itertuples():
        lines.append(
            f"| {r.series} | {r.year} | {r.observed:g} | {r.median:.3g} [{r.q05:.3g}, "
            f"{r.q95:.3g}] | {r.crps:.3g} | {r.last_year:g} | {r.mean_before:.3g} |"
        )
    return "\n".join(lines) + "\n"
