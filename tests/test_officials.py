"""The state's officials in the countryside (model 0.39.0, ``sim.war.officials``).

- Officials flee a cell the insurgents' networks reach, and stay where a garrison of the state's
  side stands; they come back where no insurgent threatens.
- An armed group under a truce with the state keeps them out too (Kidal under the peace
  agreement); an ally of the state does not.
- Where they have fled, the same soldiers undo less of the insurgents' governance: the
  mechanism that lets the jihadists govern the centre's countryside around an army's camps;
  and they earn the state less legitimacy (model 0.43.0).
- On an ensemble: officials who flee sooner leave the insurgents more of the north to govern.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ensemble
from small_scenario import quiet_model

from sim.war import civilians, insurgency, officials


def test_officials_flee_where_insurgents_reach_and_stay_by_a_garrison():
    model = quiet_model(officials_flight_days=30.0)
    danger = officials.threat(model)
    threatened = tuple(np.argwhere((danger > 0.5) & model.in_mali)[0])
    garrisons = model.presence.garrison_xy
    assert len(garrisons)
    guarded = tuple(garrisons[0])
    assert model.officials[threatened] == 1.0
    for _ in range(60):
        officials.serve(model)
    assert model.officials[threatened] < 0.4
    assert model.officials[guarded] == 1.0
    quiet = (officials.threat(model) == 0) & model.in_mali
    assert np.all(model.officials[quiet] == 1.0)


def test_fled_officials_come_back_where_no_insurgent_threatens():
    model = quiet_model(officials_return_days=100.0)
    quiet = (officials.threat(model) == 0) & model.in_mali
    model.officials[model.in_mali] = 0.2
    for _ in range(50):
        officials.serve(model)
    assert np.all(model.officials[quiet] > 0.2)
    assert model.officials[quiet].min() == pytest.approx(1 - 0.8 * (1 - 1 / 100) ** 50)


@pytest.mark.parametrize(("stance", "threatened"), [("truce", True), ("allied", False)])
def test_a_group_under_truce_keeps_officials_out_an_ally_does_not(stance, threatened):
    model = quiet_model()
    for side in insurgency.INSURGENTS:
        model.relations.set_stance(["state", side], stance)
    assert bool(officials.threat(model).any()) is threatened


def test_where_officials_have_fled_the_same_soldiers_undo_less_governance():
    governed = {}
    for present in (1.0, 0.0):
        model = quiet_model(governance_spread_km2=0.0)
        layer = model.governance["jihadists"]
        contested = (model.presence.reach["jihadists"] > 0) & (
            model.presence.state_within_reach() > 0
        )
        assert contested.any()
        layer[contested] = 0.5
        model.officials[model.in_mali] = present
        for _ in range(60):
            insurgency.govern(model)
        governed[present] = layer[contested].mean()
    assert governed[0.0] > governed[1.0] + 0.05
    assert governed[0.0] > 0.5  # with no one to take it back, the soldiers undo none of it


def test_where_officials_have_fled_the_same_soldiers_earn_the_state_less_legitimacy():
    # Model 0.43.0: the legitimacy target counted the state's men within reach whether or not
    # its officials were there, so the rural centre stayed loyal (0.75) through 2015-2021 while
    # its sub-prefects fled, and barkhane_2014's jihadists recruited no more than they lost.
    legitimacy = {}
    for present in (1.0, 0.0):
        model = quiet_model()
        guarded = model.presence.state_within_reach() > 0
        assert guarded.any()
        model.officials[model.in_mali] = present
        for day in range(7, 7 * 53, 7):
            model.steps = day  # legitimacy moves once a week
            civilians.update_population(model)
        legitimacy[present] = model.legitimacy[guarded & model.in_mali].mean()
    assert legitimacy[0.0] < legitimacy[1.0] - 0.05


def test_on_an_ensemble_officials_who_flee_sooner_leave_the_insurgents_more_to_govern():
    staying = ensemble("insurgency.officials_flight_days=10000")
    fleeing = ensemble("insurgency.officials_flight_days=30")
    last = lambda r, c: r.timeseries.groupby("run_id")[c].last()  # noqa: E731
    assert last(fleeing, "officials_north").mean() < last(staying, "officials_north").mean() - 0.1
    governed = lambda r: (r.runs.pop_share_jihadists + r.runs.pop_share_separatists).mean()  # noqa: E731
    assert governed(fleeing) > governed(staying)
