"""The engine: run each historical scenario's ensemble and judge every criterion on it.

``run_validation`` returns a ``Validation``: one ``CriterionResult`` a criterion (its statistic,
95% interval, pass or miss and whether the interval decides it) and each scenario's tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.ensemble import run_ensemble
from sim.scenario import Scenario, load_scenario
from sim.tables import Results
from sim.validate.criteria import CRITERIA, Criterion
from sim.validate.statistics import decided

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


DEFAULT_RUNS = 100
"""Runs per scenario of a full validation: at 20, a share's 95% interval is ~40 points wide and
most verdicts are undecided; at 100 it is ~18 points wide."""


def library_dir() -> Path:
    """Return the repository's ``scenarios/`` folder (the package is installed editable)."""
    return Path(__file__).resolve().parents[2] / "scenarios"


@dataclass
class CriterionResult:
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
        return decided(self.value, (self.low, self.high), self.criterion.low, self.criterion.high)

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
        if unit in ("ratio", "fraction"):
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

    criteria: list[CriterionResult]
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
                    "record": ";".join(o.criterion.record),
                    "record_use": o.criterion.use,
                }
                for o in self.criteria
            ]
        )


def run_validation(
    runs: int = DEFAULT_RUNS,
    seed: int = 1,
    workers: int = 1,
    scenarios: Iterable[str] | None = None,
    library: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
    only: Iterable[str] | None = None,
) -> Validation:
    """Run each historical scenario's ensemble and evaluate every criterion on it.

    Args:
        runs: replicates per scenario.
        seed: ensemble seed (the same for every scenario).
        workers: worker processes for each ensemble.
        scenarios: names of the library to validate (default: all of ``HISTORICAL``).
        library: the folder of scenario files (default: the repository's ``scenarios/``).
        progress: called with (scenario name, runs just finished).
        only: criterion ids to evaluate (default: all); only the scenarios they test are run.

    Returns:
        The criteria's results, with each scenario's tables and run time.

    Raises:
        ScenarioError: if a scenario file of the library does not load.

    """
    library = library or library_dir()
    chosen = [c for c in CRITERIA if only is None or c.id in set(only)]
    names = list(scenarios) if scenarios else list(HISTORICAL)
    if only is not None:
        names = [n for n in names if any(c.scenario == n for c in chosen)]
    validation = Validation(criteria=[])
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
        for criterion in chosen:
            if criterion.scenario == name:
                sample = criterion.measure(results, scenario)
                low, high = sample.interval()
                validation.criteria.append(
                    CriterionResult(criterion, sample.statistic, len(results.runs), low, high)
                )
        validation.seconds[name] = time.perf_counter() - started
    return validation
