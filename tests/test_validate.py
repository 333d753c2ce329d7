"""The validation engine: the record's patterns as ensemble statistics, and ``malisim validate``.

A small ensemble (3 runs of the 2012, 2013 and 2023 scenarios) goes through the real command; the
measures are also checked on hand-made event tables whose answer is known.
"""

from __future__ import annotations

import datetime as dt
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import cli, validate
from sim.tables import Results
from sim.validate import (
    CRITERIA,
    HISTORICAL,
    Outcome,
    Sample,
    first_capture_dates,
    first_loss_dates,
    library_dir,
    share_north_lost_together,
)

ROOT = Path(__file__).resolve().parent.parent


def _events(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["run_id", "date", "event_type", "town", "actor1", "actor2"]
    ).assign(date=lambda f: pd.to_datetime(f["date"]))


def test_a_town_is_lost_the_day_its_garrison_leaves_or_an_enemy_takes_it():
    events = _events(
        [
            (0, "2012-03-30", "town_abandoned", "kidal", "state", "state"),
            (0, "2012-03-31", "town_captured", "kidal", "separatists", "state"),
            (1, "2012-04-02", "town_captured", "kidal", "jihadists", "state"),
            (1, "2013-01-30", "town_captured", "kidal", "france", "jihadists"),
        ]
    )
    assert first_loss_dates(events, "kidal") == {0: dt.date(2012, 3, 30), 1: dt.date(2012, 4, 2)}
    # A foreign force takes a town for the state's side.
    assert first_capture_dates(events, "kidal") == {1: dt.date(2013, 1, 30)}


def test_the_north_counts_as_lost_together_only_when_the_three_losses_are_close():
    rows = []
    for town, day in (("kidal", "2012-03-30"), ("gao", "2012-03-31"), ("timbuktu", "2012-04-01")):
        rows.append((0, day, "town_captured", town, "separatists", "state"))
    for town, day in (("kidal", "2012-01-30"), ("gao", "2012-03-31"), ("timbuktu", "2012-04-01")):
        rows.append((1, day, "town_captured", town, "separatists", "state"))
    rows.append((2, "2012-03-30", "town_captured", "kidal", "separatists", "state"))
    results = Results(pd.DataFrame({"run_id": [0, 1, 2]}), _events(rows), pd.DataFrame())
    measure = share_north_lost_together("2012-01-17", "2012-05-15", 42)
    sample = measure(results, None)
    assert sample.statistic == pytest.approx(1 / 3)
    assert list(sample.values) == [1.0, 0.0, 0.0]


def test_a_share_has_wilson_s_interval():
    from scipy.stats import binomtest

    for hits, n in ((22, 40), (0, 20), (40, 40), (7, 12)):
        sample = Sample(np.array([1.0] * hits + [0.0] * (n - hits)), "share")
        reference = binomtest(hits, n).proportion_ci(0.95, method="wilson")
        assert sample.interval() == pytest.approx((reference.low, reference.high), abs=1e-6)


def test_a_median_s_bootstrap_interval_holds_the_median_and_narrows_with_more_runs():
    rng = np.random.default_rng(5)
    small = Sample(rng.lognormal(3, 1, 20))
    large = Sample(rng.lognormal(3, 1, 400))
    for sample in (small, large):
        low, high = sample.interval()
        assert low <= sample.statistic <= high
        assert sample.interval() == (low, high), "a fixed bootstrap seed: the report is stable"
    assert np.subtract(*large.interval()[::-1]) < 0.5 * np.subtract(*small.interval()[::-1])
    # "Never" (infinite) values keep an infinite upper bound rather than a NaN.
    never = Sample(np.array([10.0, np.inf, np.inf, np.inf, 12.0]))
    assert never.statistic == np.inf and never.interval()[1] == np.inf


def test_a_verdict_is_decided_only_when_the_whole_interval_gives_it():
    at_least = CRITERIA[0]  # C1a: a share >= 0.6
    assert at_least.low == 0.6 and at_least.high is None
    assert not Outcome(at_least, 0.55, 40, 0.40, 0.69).decided  # a miss that may be a pass
    assert Outcome(at_least, 0.95, 40, 0.83, 0.99).decided
    assert Outcome(at_least, 0.20, 40, 0.10, 0.35).decided
    assert not Outcome(at_least, 0.65, 40, 0.50, 0.78).decided
    in_range = next(c for c in CRITERIA if c.low is not None and c.high is not None)
    lo, hi = in_range.low, in_range.high
    # A miss below the range whose interval reaches into it is undecided, as is a pass whose
    # interval leaves the range on either side.
    assert not Outcome(in_range, lo - 1, 40, lo - 5, lo + 1).decided
    assert not Outcome(in_range, (lo + hi) / 2, 40, lo - 1, hi).decided
    assert Outcome(in_range, (lo + hi) / 2, 40, lo, hi).decided
    assert not Outcome(in_range, (lo + hi) / 2, 40, lo, np.inf).decided


def test_every_criterion_names_a_fact_of_the_record_and_a_scenario_of_the_library():
    facts = pd.read_csv(ROOT.parent / "shared/data/mali/calibration_facts.csv")["id"]
    for criterion in CRITERIA:
        assert criterion.fact in set(facts) | {"C1", "C2", "C3", "C4", "C5", "C6"}
        assert criterion.scenario in HISTORICAL
        assert (library_dir() / f"{criterion.scenario}.toml").exists()
    assert {c.fact for c in CRITERIA} == {"C1", "C2", "C3", "C4", "C5", "C6"}


def test_the_model_core_never_reads_the_targets():
    for module in ("model", "agents", "geography", "combat", "politics", "society", "scenario"):
        single = ROOT / "sim" / f"{module}.py"
        files = [single] if single.exists() else sorted((ROOT / "sim" / module).glob("*.py"))
        assert files, module
        for path in files:
            text = path.read_text()
            assert "calibration_facts" not in text and "sim.validate" not in text, path


def test_malisim_validate_runs_a_small_ensemble_and_writes_the_report(tmp_path):
    out = tmp_path / "validation"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "validate",
            "--runs",
            "3",
            "--scenario",
            "mali_2012",
            "--scenario",
            "serval_2013",
            "--scenario",
            "kidal_2023",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "C1a" in done.stdout and "C4a" in done.stdout
    table = pd.read_csv(out / "criteria.csv")
    assert set(table["id"]) == {
        c.id for c in CRITERIA if c.scenario in ("mali_2012", "serval_2013", "kidal_2023")
    }
    assert set(table["result"]) <= {"pass", "miss"}
    assert (table["runs"] == 3).all()
    report = (out / "report.md").read_text()
    assert (
        "| id | scenario | pattern | criterion | ensemble gave | 95% interval | result |" in report
    )
    assert {"interval_low", "interval_high", "decided"} <= set(table.columns)
    assert (table["interval_low"] <= table["value"]).all()
    assert (table["value"] <= table["interval_high"]).all()
    # Three runs decide little: the table says so rather than pretend.
    assert "undecided" in done.stdout
    assert (out / "holders_2012_2013.png").stat().st_size > 10_000
    assert (out / "kidal_2023_capture.png").stat().st_size > 5_000
    # The 2012 collapse of the north is the most robust pattern: it holds even in 3 runs.
    assert table.set_index("id").loc["C1a", "result"] == "pass"


def test_an_unknown_scenario_is_an_input_error_and_nothing_is_written(tmp_path):
    out = tmp_path / "v"
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", "--scenario", "mali_2099", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "mali_2099" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_the_command_s_default_ensemble_is_the_full_one():
    # At 20 runs a share's interval is ~40 points wide: the default is the 100-run validation.
    assert inspect.signature(cli.validate).parameters["runs"].default == validate.DEFAULT_RUNS
    assert validate.DEFAULT_RUNS >= 100
