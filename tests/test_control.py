"""Who controls a cell (the leading side and the runner-up, as sorting the scores gives them),
and whose the people are (a town's under its holder, the rest of its cell's under the cell's
control)."""

import math

import numpy as np
from conftest import ROOT

from sim import MaliConflictModel, load_scenario
from sim.war import control
from sim.war.control import CONTESTED, CONTROL_CLASSES, leaders, people_shares


def test_leaders_are_the_sorted_scores_first_of_equals_leading():
    """The lead, its score and the runner-up's are ``argmax`` and the top two of ``np.sort``."""
    rng = np.random.default_rng(7)
    for seed in range(20):
        scores = rng.random((3, 17, 11)) * 1000
        if seed % 2:  # ties and empty cells, as where no side has anyone about
            scores = rng.integers(0, 3, (3, 17, 11)).astype(float)
        best, top, second = leaders(scores)
        ordered = np.sort(scores, axis=0)
        np.testing.assert_array_equal(best, np.argmax(scores, axis=0))
        np.testing.assert_array_equal(top, ordered[-1])
        np.testing.assert_array_equal(second, ordered[-2])


def model_at(resolution: float):
    """``kidal_2023`` on its first day at a resolution, its control layer assessed."""
    scenario = load_scenario(
        ROOT / "scenarios" / "kidal_2023.toml", [f"scenario.resolution={resolution}"]
    )
    model = MaliConflictModel(scenario, rng=1)
    control.update_control(model)
    return model


def test_a_towns_people_are_under_its_holder_whatever_the_control_of_its_cell():
    """San's people go with San's holder; the rest of its cell's people with the cell's control.

    Until model 0.59.0 the whole cell's people went with the cell's control, so a town the
    state held was counted contested with the countryside about it.
    """
    model = model_at(0.5)
    san = model.towns["san"]
    assert san.holder == "state"
    total = float(model.geo.population.sum())
    town = float(model.towns.people[model.towns.list.index(san)])
    cell = float(model.geo.population[san.xy])
    assert 0 < town < cell
    for code in (CONTESTED, CONTROL_CLASSES.index("jihadists")):
        model.control[san.xy] = code
        shares = people_shares(model, model.control)
        # the country about San goes with the cell, its people with the state
        before = model.control.copy()
        before[san.xy] = CONTROL_CLASSES.index("state")
        held = people_shares(model, before)
        name = CONTROL_CLASSES[code]
        np.testing.assert_allclose(shares[name] - held[name], (cell - town) / total, rtol=1e-9)
        np.testing.assert_allclose(held["state"] - shares["state"], (cell - town) / total)
    assert math.isclose(sum(shares.values()), 1.0)


def test_a_towns_people_count_alike_at_either_resolution():
    """The towns' people the shares count are the same at 0.25 and 0.5 degree (within the few
    places two towns share a coarse cell holding fewer people than their census says)."""
    fine, coarse = model_at(0.25), model_at(0.5)
    for town in ("san", "markala", "tominian", "mopti", "gao", "kidal"):
        i, j = fine.towns.list.index(fine.towns[town]), coarse.towns.list.index(coarse.towns[town])
        assert fine.towns.people[i] == coarse.towns.people[j] == fine.towns[town].population
    assert coarse.towns.people.sum() > 0.95 * fine.towns.people.sum()
    assert np.all(coarse.towns.in_town <= coarse.geo.population + 1e-6)
