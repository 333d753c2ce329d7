"""The statistic each calibration target takes of a run's tables, one value a run.

A target is a numeric column of ``runs.parquet`` (or a named outcome of the catalogue, such as
``patron_withdraws``), or a named measure on the events table, built on the validation layer's
measures (``sim.validate.measures``):

- ``capture_day``: days from ``start`` (default the scenario's start) to the first day ``side``
  took ``town``; a run in which it never did counts one day past the scenario's end;
- ``loss_day``: the same for the first day ``side`` stopped holding ``town``;
- ``deaths``: deaths of ``actor`` (a faction, a foreign force's id, or ``civilians``) between
  ``start`` and ``end`` (default the whole run);
- ``events``: the number of events of ``event_types`` (default every act of violence) in
  ``year`` (default the whole run);
- ``yearly``: a series of the yearly record (``series``, one of
  :data:`sim.validate.hindcast.SERIES`, counted as ``malisim score`` counts it) in ``year``, so
  a target can take its value from a ``calibration`` row of ``sim/data/yearly_record.csv``.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.scenario import Scenario
from sim.tables import Results
from sim.war.record import VIOLENCE

if TYPE_CHECKING:
    from sim.calibrate.file import Target


@functools.lru_cache(maxsize=8)
def _probe_columns(scenario_json: str) -> frozenset[str]:
    """The runs table's columns for a scenario, from a run of its first day only (cheap)."""
    from sim.ensemble import run_one

    scenario = Scenario.model_validate_json(scenario_json)
    scenario.scenario.end = scenario.scenario.start
    scenario.events = [e for e in scenario.events if e.date <= scenario.scenario.start]
    return frozenset(run_one(scenario).runs.columns)


def statistic_problems(key: str, target: Target, scenario: Scenario) -> list[tuple[str, str]]:
    """Problems with the statistic a target names: ``(field suffix, message)`` pairs."""
    from sim.analysis.outcomes import BINARY_OUTCOMES, canonical_name
    from sim.calibrate.file import MEASURES

    start, end = scenario.scenario.start, scenario.scenario.end
    if target.measure is None:
        column = target.column or key
        where = ".column" if target.column else ""
        if column in BINARY_OUTCOMES:
            return []
        columns = _probe_columns(scenario.model_dump_json())
        if column not in columns and canonical_name(column) not in columns:
            return [
                (
                    where,
                    f"{column!r} names no statistic: not a runs.parquet column of "
                    f"{scenario.name}, and no measure is given (measure = one of "
                    f"{', '.join(MEASURES)})",
                )
            ]
        return []
    problems: list[tuple[str, str]] = []
    if target.measure in ("capture_day", "loss_day"):
        from sim.scenario import load_town_ids

        if target.town is None:
            problems.append((".town", f"a {target.measure} target needs a town"))
        elif target.town not in load_town_ids():
            problems.append((".town", f"unknown town {target.town!r}"))
        if target.side not in ("state", "separatists", "jihadists"):
            problems.append((".side", f"expected state, separatists or jihadists; {target.side!r}"))
    if target.measure == "deaths":
        actors = [*scenario.actors, "civilians"]
        if target.actor not in actors:
            problems.append((".actor", f"expected one of {actors}, got {target.actor!r}"))
    if target.measure == "yearly":
        from sim.validate.hindcast import SERIES

        if target.series not in SERIES:
            problems.append((".series", f"expected one of {list(SERIES)}, got {target.series!r}"))
        if target.year is None:
            problems.append((".year", "a yearly target needs a year"))
    if target.measure in ("events", "yearly") and target.year is not None:
        if not start.year <= target.year <= end.year:
            problems.append((".year", f"{target.year} is outside the scenario ({start}..{end})"))
    for label, day in (("start", target.start), ("end", target.end)):
        if day is not None and not start <= day <= end:
            problems.append((f".{label}", f"{day} is outside the scenario ({start}..{end})"))
    return problems


def _death_column(actor: str, scenario: Scenario) -> str:
    if actor == "civilians" or actor in ("state", "separatists", "jihadists"):
        return f"deaths_{actor}"
    return f"deaths_foreign_{actor}"


def target_values(
    results: Results, name: str, target: Target, scenario: Scenario, runs: list[int]
) -> pd.Series:
    """One value a run (indexed by run id, in ``runs``' order) of a target's statistic."""
    from sim.validate.measures import deaths_between, first_capture_dates, first_loss_dates

    index = pd.Index(runs, name="run_id")
    start = target.start or scenario.scenario.start
    end = target.end or scenario.scenario.end
    if target.measure is None:
        from sim.analysis.outcomes import outcome_values

        table = results.runs.set_index("run_id", drop=False)
        return outcome_values(table, target.column or name).reindex(index).astype(float)
    events = results.events
    if target.measure in ("capture_day", "loss_day"):
        first = first_capture_dates if target.measure == "capture_day" else first_loss_dates
        dates = first(events, target.town, side=target.side, after=start)
        never = (scenario.scenario.end - start).days + 1
        return pd.Series([(dates[r] - start).days if r in dates else never for r in runs], index)
    if target.measure == "deaths":
        column = _death_column(target.actor, scenario)
        return deaths_between(events, column, start, end, runs).reindex(index).astype(float)
    if target.measure == "yearly":
        from sim.validate.hindcast import ensemble_series

        table = ensemble_series(results, target.series, [target.year])
        return table[target.year].reindex(index, fill_value=0.0)
    types = tuple(target.event_types or VIOLENCE)
    if target.year is not None:
        start, end = dt.date(target.year, 1, 1), dt.date(target.year, 12, 31)
    if events.empty:
        return pd.Series(0.0, index)
    dates = pd.to_datetime(events["date"]).dt.date
    mask = events["event_type"].isin(types) & (dates >= start) & (dates <= end)
    counts = events[mask].groupby("run_id").size()
    return counts.reindex(index, fill_value=0).astype(float)


def distances(
    stats: pd.DataFrame, observed: dict[str, float], scale: dict[str, float]
) -> np.ndarray:
    """Each row's distance to the record: the root mean square of the targets' z-scores.

    Each target counts in units of the record's own uncertainty, so a target known to within a
    day weighs as much as one known to within a hundred deaths. A missing statistic (a column
    empty in a run) puts the run at an infinite distance. pyABC's ``PNormDistance`` computes the
    same for one particle at a time from dicts; over a whole batch a line of numpy is clearer.
    """
    z = np.column_stack([(stats[k].to_numpy(float) - observed[k]) / scale[k] for k in observed])
    d = np.sqrt(np.mean(z**2, axis=1))
    return np.where(np.isfinite(d), d, np.inf)
