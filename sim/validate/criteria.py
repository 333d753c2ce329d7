"""The criteria: each pattern of the record as a statistical test on a scenario's ensemble."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario
from sim.tables import Results
from sim.validate.measures import (
    abuse_recruitment_ratio,
    median_days_to_kidal,
    median_days_to_lose_all,
    median_deaths,
    median_fighting_at_capture,
    median_losses_with_desertion,
    share_kidal_taken,
    share_north_lost_together,
    share_retaken_within,
    share_timeline_kept,
    share_withdrew,
)
from sim.validate.statistics import Sample

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
