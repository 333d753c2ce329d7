"""Deaths add up, strengths stay non-negative, shares sum to one, and seeds reproduce."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import MECHANISMS, ensemble

from sim import MaliConflictModel, load_scenario, run_ensemble
from sim.war.control import CONTROL_CLASSES

pytestmark = pytest.mark.xdist_group("mechanisms")


def test_the_events_table_accounts_for_every_death_in_the_runs_table():
    results = ensemble("foreign.wagner.risk_tolerance=0.9")
    death_columns = [c for c in results.runs.columns if c.startswith("deaths_")]
    by_run = (
        results.events.groupby("run_id")[death_columns]
        .sum()
        .reindex(results.runs.run_id, fill_value=0)
    )
    for column in death_columns:
        assert (by_run[column].to_numpy() == results.runs[column].to_numpy()).all(), column
    per_row = results.events[[c for c in death_columns if c != "deaths_total"]].sum(axis=1)
    assert (per_row == results.events.deaths_total).all()
    killers = results.events.groupby("civilians_killed_by").deaths_civilians.sum()
    for actor, n in killers.items():
        assert results.runs[f"civilians_killed_by_{actor}"].sum() == n


def test_no_strength_goes_negative_and_every_man_is_accounted_for():
    scenario = load_scenario(MECHANISMS, ["foreign.wagner.risk_tolerance=0.9"])
    model = MaliConflictModel(scenario, rng=7)
    while model.running:
        model.step()
        assert all(unit.strength > 0 for unit in model.units)
    assert all(v == 0 for v in model.check_ledger().values()), model.check_ledger()


def test_control_shares_sum_to_one_every_week():
    results = ensemble("foreign.wagner.risk_tolerance=0.9")
    shares = results.timeseries[[f"pop_share_{c}" for c in CONTROL_CLASSES]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    for prefix in ("pop_share_", "area_share_"):
        assert np.allclose(results.runs[[prefix + c for c in CONTROL_CLASSES]].sum(axis=1), 1.0)


def test_the_same_seed_gives_identical_tables_on_one_or_two_workers():
    scenario = load_scenario(MECHANISMS, ["scenario.end=2023-12-31"])
    one = run_ensemble(scenario, runs=4, seed=9, workers=1)
    two = run_ensemble(scenario, runs=4, seed=9, workers=2)
    for name in ("runs", "events", "timeseries"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
    other = run_ensemble(scenario, runs=4, seed=10, workers=1)
    assert not one.events.equals(other.events)
