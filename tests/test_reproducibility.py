"""The same scenario, seed and run count give identical tables; a different seed does not.

Identical means equal DataFrames, value for value and type for type, after a round trip through
Parquet where the results folder is involved. The sweep's own tests cover the Dask executor and
a sweep killed and resumed (``tests/test_sweep.py``); these cover ``malisim run`` and the API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from small_scenario import SMALL_TOML, small_dict

from sim.ensemble import run_ensemble, run_one, run_seed
from sim.model import MaliConflictModel
from sim.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent
MALISIM = str(Path(sys.executable).parent / "malisim")
TABLES = ("runs", "events", "timeseries")


def scenario(days_end: str = "2023-11-30"):
    data = small_dict()
    data["scenario"]["end"] = pd.Timestamp(days_end).date()
    return scenario_from_dict(data)


def assert_same(a, b) -> None:
    for name in TABLES:
        assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


def test_the_same_seed_twice_in_one_process_gives_identical_tables():
    s = scenario()
    assert_same(run_one(s, 3, 1234), run_one(s, 3, 1234))


def test_a_different_seed_gives_different_tables():
    s = scenario()
    a, b = run_one(s, 0, 1234), run_one(s, 0, 1235)
    assert not a.events.equals(b.events)
    assert not a.timeseries.drop(columns="run_id").equals(b.timeseries.drop(columns="run_id"))


def test_a_run_does_not_depend_on_what_ran_before_it_in_the_process():
    s = scenario()
    fresh = run_one(s, 0, 77)
    for seed in (1, 2, 3):  # other runs, other scenarios, warm caches
        run_one(scenario("2023-10-20"), 0, seed)
    assert_same(fresh, run_one(s, 0, 77))


def test_run_i_of_an_ensemble_is_the_same_whatever_the_ensemble_size():
    s = scenario()
    small = run_ensemble(s, runs=2, seed=5)
    large = run_ensemble(s, runs=4, seed=5)
    for name in TABLES:
        part = getattr(large, name)
        assert_frame_equal(
            getattr(small, name), part[part["run_id"] < 2].reset_index(drop=True), check_exact=True
        )
    # The documented formula, SeedSequence([seed, run]).generate_state(1, uint32)[0], by value.
    assert list(large.runs["seed"]) == [16823399, 3796490668, 3226123765, 727168946]


def test_stepping_a_model_by_hand_gives_the_tables_of_run():
    s = scenario()
    model = MaliConflictModel(s, rng=99)
    while model.running:
        model.step()
    assert_same(model.tables(), run_one(s, 0, 99))


def _cli(
    scenario_path: Path, out: Path, workers: int, hash_seed: str, seed: int = 11, runs: int = 4
) -> None:
    # A different PYTHONHASHSEED changes the order of sets and string hashes: a run that
    # leaned on either would differ between the two processes.
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    cmd = [MALISIM, "run", str(scenario_path), "--runs", str(runs), "--seed", str(seed)]
    cmd += ["--workers", str(workers), "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
def test_malisim_run_writes_identical_tables_across_processes_workers_and_hash_seeds(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML.replace("end = 2023-10-31", "end = 2023-11-30"))
    _cli(path, tmp_path / "a", workers=1, hash_seed="0")
    _cli(path, tmp_path / "b", workers=2, hash_seed="12345")
    for name in TABLES:
        a = pd.read_parquet(tmp_path / "a" / f"{name}.parquet")
        b = pd.read_parquet(tmp_path / "b" / f"{name}.parquet")
        assert len(a) > 0
        assert_frame_equal(a, b, check_exact=True)
    assert (tmp_path / "a" / "scenario.toml").read_text() == (
        tmp_path / "b" / "scenario.toml"
    ).read_text()
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["run_seeds"] == [1926383459, 592467769, 621272063, 520846937]
    assert manifest["seed"] == 11 and manifest["workers"] == 2
    # the model and the source that wrote them (docs/OUTPUTS.md)
    import sim

    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True)
    assert manifest["model_version"] == sim.__version__
    assert manifest["git_revision"] == (head.stdout.decode().strip() or None)


@pytest.mark.slow
def test_the_2012_2025_arc_gives_identical_tables_under_two_hash_seeds_and_worker_counts(tmp_path):
    """The whole war, where a tie between two pairs of sides in one cell once went to whichever
    pair a set of strings yielded first: with ``--seed 404``, run 2 (seed 442485144) gave 1,341
    events under one hash seed and 935 under another, parting on 2012-02-22."""
    arc = ROOT / "scenarios" / "history_2012_2025.toml"
    _cli(arc, tmp_path / "a", workers=1, hash_seed="0", seed=404, runs=3)
    _cli(arc, tmp_path / "b", workers=2, hash_seed="1", seed=404, runs=3)
    for name in TABLES:
        a = pd.read_parquet(tmp_path / "a" / f"{name}.parquet")
        b = pd.read_parquet(tmp_path / "b" / f"{name}.parquet")
        assert len(a) > 0
        assert_frame_equal(a, b, check_exact=True)


def test_the_resolved_scenario_reruns_to_the_same_tables(tmp_path):
    """``scenario.toml`` in a results folder is enough to reproduce the run."""
    from sim.scenario import load_scenario, to_toml

    s = scenario()
    path = tmp_path / "scenario.toml"
    path.write_text(to_toml(s))
    assert_same(run_one(s, 0, 5), run_one(load_scenario(path), 0, 5))


def test_a_run_s_seed_follows_the_documented_formula():
    import numpy as np

    # The issue that found the hash-seed dependence quoted run 2 of --seed 404 as 442485144.
    assert run_seed(404, 2) == 442485144
    for seed, run in ((1, 0), (404, 7), (2**31, 12345)):
        expected = np.random.SeedSequence([seed, run]).generate_state(1, dtype=np.uint32)[0]
        assert run_seed(seed, run) == int(expected)
