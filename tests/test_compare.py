"""malisim compare: what-ifs side by side, differences with intervals, paired runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from small_scenario import SMALL_TOML

from sim.analysis.compare import Compared, comparison_table, paired
from sim.analysis.results import load_results

pytestmark = pytest.mark.xdist_group("analysis")

ROOT = Path(__file__).resolve().parent.parent


def malisim(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def folder(path: Path, deaths, withdrew, seeds=None, version="0.2.0", name="base") -> Path:
    """A results folder of hand-made runs: civilian deaths and whether the patron left."""
    path.mkdir(parents=True)
    n = len(deaths)
    runs = pd.DataFrame(
        {
            "run_id": range(n),
            "seed": seeds if seeds is not None else range(100, 100 + n),
            "scenario": name,
            "deaths_civilians": deaths,
            "withdrew_foreign_wagner": withdrew,
        }
    )
    runs.to_parquet(path / "runs.parquet")
    for table in ("events", "timeseries"):
        pd.DataFrame({"run_id": pd.Series(dtype=int)}).to_parquet(path / f"{table}.parquet")
    (path / "manifest.json").write_text(json.dumps({"model_version": version, "scenario": name}))
    return path


@pytest.fixture
def pair(tmp_path) -> tuple[Path, Path]:
    """Twenty paired runs: the what-if kills ten more civilians in every run, and its patron
    leaves in half of the runs where the baseline's never does."""
    deaths = np.random.default_rng(1).integers(50, 500, 20)
    a = folder(tmp_path / "a", deaths, [False] * 20, name="base")
    b = folder(tmp_path / "b", deaths + 10, [True, False] * 10, name="what_if")
    return a, b


def test_a_difference_in_every_paired_run_has_a_tight_interval_and_holds_in_all(pair):
    sets = [Compared("base", load_results(pair[0])), Compared("what_if", load_results(pair[1]))]
    table = comparison_table(sets, ["deaths_civilians", "patron_withdraws"]).set_index(
        ["outcome", "scenario"]
    )
    deaths = table.loc[("deaths_civilians", "what_if")]
    assert deaths["difference"] == 10
    assert (deaths["low"], deaths["high"]) == (10, 10)
    assert deaths["holds"] == 1.0 and deaths["paired"]
    leaves = table.loc[("patron_withdraws", "what_if")]
    assert leaves["statistic"] == "share"
    assert leaves["difference"] == pytest.approx(0.5)
    assert leaves["low"] > 0.2 and leaves["high"] <= 0.75
    assert leaves["holds"] == pytest.approx(0.5)


def test_runs_with_other_seeds_are_compared_unpaired(tmp_path):
    a = folder(tmp_path / "a", [100, 200, 300, 400], [False] * 4)
    b = folder(tmp_path / "b", [110, 210, 310, 410], [False] * 4, seeds=[1, 2, 3, 4])
    runs_a, runs_b = load_results(a).runs, load_results(b).runs
    assert not paired(runs_a, runs_b)
    sets = [Compared("a", load_results(a)), Compared("b", load_results(b))]
    row = comparison_table(sets, ["deaths_civilians"]).iloc[1]
    assert not row["paired"] and np.isnan(row["holds"])
    assert row["low"] < 10 < row["high"]  # the spread between runs widens it


def test_compare_writes_the_table_figures_and_report(pair, tmp_path):
    out = tmp_path / "report"
    done = malisim("compare", *pair, "--out", out)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == {
        "compare.md",
        "compare.csv",
        "compare_distributions.png",
        "compare_events.png",
    }
    csv = pd.read_csv(out / "compare.csv")
    assert set(csv["scenario"]) == {"base", "what_if"}
    report = (out / "compare.md").read_text()
    assert "what_if against base: paired by seed" in report
    assert "| civilians killed (people) | " in report
    assert "![compare_distributions](compare_distributions.png)" in report
    assert "A = base; B = what_if" in done.stdout
    assert done.stderr == ""


def test_folders_of_different_model_versions_get_a_one_line_warning(tmp_path):
    a = folder(tmp_path / "a", [1, 2, 3], [False] * 3, version="0.1.0")
    b = folder(tmp_path / "b", [1, 2, 3], [False] * 3, version="0.2.0", name="other")
    done = malisim("compare", a, b, "--out", tmp_path / "report")
    assert done.returncode == 0, done.stderr
    warning = done.stderr.strip().splitlines()
    assert len(warning) == 1 and warning[0].startswith("warning: the results were written by")
    assert "base 0.1.0, other 0.2.0" in warning[0]


def test_two_scenario_files_run_with_the_same_seeds_into_the_report_folder(tmp_path):
    base = tmp_path / "small.toml"
    base.write_text(SMALL_TOML)
    other = tmp_path / "bold.toml"
    other.write_text(
        SMALL_TOML.replace('name = "small"', 'name = "bold"').replace(
            "risk_tolerance = 0.8", "risk_tolerance = 0.2"
        )
    )
    out = tmp_path / "report"
    done = malisim("compare", base, other, "--runs", 3, "--out", out)
    assert done.returncode == 0, done.stderr
    seeds = [
        json.loads((out / n / "manifest.json").read_text())["run_seeds"] for n in ("small", "bold")
    ]
    assert seeds[0] == seeds[1] and len(seeds[0]) == 3
    assert "bold against small: paired by seed" in (out / "compare.md").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["only_one.toml"], "compare: give at least two scenario files or results folders"),
        (["nowhere", "nothing.toml"], "nowhere: no such scenario file or results folder"),
    ],
)
def test_bad_sources_are_input_errors(tmp_path, args, message):
    done = malisim("compare", *[tmp_path / a for a in args], "--out", tmp_path / "never")
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "never").exists()


def test_an_unknown_outcome_gets_the_closest_names_and_nothing_is_written(pair, tmp_path):
    done = malisim("compare", *pair, "--outcome", "deaths_civilian", "--out", tmp_path / "never")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "did you mean deaths_civilians" in done.stderr
    assert not (tmp_path / "never").exists()
