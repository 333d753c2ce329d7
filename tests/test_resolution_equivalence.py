"""The pieces of the resolution benchmark (benchmarks/resolution_equivalence.py), on small cases.

The unit-split option puts the same men into more units and nothing else; the equivalence
statistic (TOST with a bootstrap, Holm's correction) gives the answers worked out by hand on
constructed data. The benchmark's large ensembles are not run here.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from conftest import script
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.analysis.equivalence import holm, holm_adjusted, tost
from sim.scenario import flatten_parameters, scenario_from_dict
from sim.war.posture import Posture


def small(split: int):
    data = small_dict()
    data["scenario"]["unit_split"] = split
    return scenario_from_dict(data)


def units_by_actor(model) -> Counter:
    return Counter(u.actor for u in model.units)


def test_splitting_units_puts_the_same_men_into_twice_as_many_units():
    whole, split = MaliConflictModel(small(1), rng=3), MaliConflictModel(small(2), rng=3)
    for actor in whole.actors:
        assert split.strength(actor) == whole.strength(actor) > 0
    assert units_by_actor(split) == Counter({a: 2 * n for a, n in units_by_actor(whole).items()})
    sizes = sorted(u.strength for u in split.units_of("jihadists"))
    assert max(sizes) - min(sizes) <= 1  # equal units (300 men per band in the fixture)


def test_a_split_spawn_keeps_every_man_even_an_odd_one():
    model = MaliConflictModel(small(2), rng=3)
    before = len(model.units_of("state"))
    units = model.spawn(
        "state",
        301,
        (model.towns["gao"].x, model.towns["gao"].y),
        Posture.GARRISON,
        "reinforcements",
    )
    assert sorted(u.strength for u in units) == [150, 151]
    assert len(model.units_of("state")) == before + 2


def test_split_units_conserve_men_through_a_month_of_war():
    model = MaliConflictModel(small(2), rng=5)
    while model.running:
        model.step()
        assert all(v == 0 for v in model.check_ledger().values())
    assert model.ledger["state"]["deaths"] + model.ledger["jihadists"]["deaths"] > 0


def test_the_split_option_is_recorded_only_when_set():
    assert "scenario.unit_split" not in flatten_parameters(small(1))
    assert flatten_parameters(small(1), every=True)["scenario.unit_split"] == 1
    assert flatten_parameters(small(2))["scenario.unit_split"] == 2


# --- the equivalence statistic on constructed data ---------------------------------------------


def test_tost_shows_equivalence_when_the_medians_agree_well_inside_the_margin():
    rng = np.random.default_rng(1)
    a, b = rng.normal(100, 5, 400), rng.normal(100.5, 5, 400)
    result = tost(a, b, margin=3.0)
    assert result.effect == pytest.approx(np.median(b) - np.median(a))
    assert -3 < result.low < result.high < 3
    assert result.p_value < 0.01


def test_tost_refuses_equivalence_when_the_medians_differ_by_more_than_the_margin():
    rng = np.random.default_rng(2)
    a, b = rng.normal(100, 5, 400), rng.normal(106, 5, 400)
    assert tost(a, b, margin=3.0).p_value > 0.5


def test_few_runs_give_no_equivalence_even_from_one_distribution():
    # Not finding a difference is not sameness: 8 runs of the same law cannot show +-1.
    rng = np.random.default_rng(3)
    a, b = rng.normal(100, 5, 8), rng.normal(100, 5, 8)
    assert tost(a, b, margin=1.0).p_value > 0.05


def test_tost_p_value_inverts_the_percentile_interval():
    rng = np.random.default_rng(4)
    a, b = rng.normal(10, 2, 200), rng.normal(10.3, 2, 200)
    result = tost(a, b, margin=1.0, alpha=0.05)
    inside = -result.margin < result.low and result.high < result.margin
    assert inside == (result.p_value < 0.05)


def test_tost_on_a_ratio_of_medians_and_on_shares():
    rng = np.random.default_rng(5)
    a = rng.lognormal(np.log(200), 0.3, 300)
    near, far = a * 1.02, a * 1.3
    margin = np.log(1.10)
    assert tost(a, near, margin, effect="log_median_ratio").p_value < 0.05
    assert tost(a, far, margin, effect="log_median_ratio").p_value > 0.5
    half = rng.permutation(np.repeat([1.0, 0.0], 200))  # a share of 0.50 ...
    near_half = rng.permutation(np.repeat([1.0, 0.0], [204, 196]))  # ... and of 0.51
    assert tost(half, near_half, 0.10, effect="share_difference").effect == pytest.approx(0.01)
    assert tost(half, near_half, 0.10, effect="share_difference").p_value < 0.05
    assert tost(half, np.ones(400), 0.10, effect="share_difference").p_value > 0.5


def test_tost_of_identical_constant_samples_is_exact():
    result = tost([3.0] * 50, [3.0] * 50, margin=0.5)
    assert (result.effect, result.low, result.high, result.p_value) == (0.0, 0.0, 0.0, 0.0)


def test_tost_refuses_a_margin_that_is_not_positive():
    with pytest.raises(ValueError, match="margin"):
        tost([1, 2], [1, 2], margin=0)


def test_holm_steps_down_and_stops_at_the_first_failure():
    # m = 4: thresholds 0.0125, 0.0167, 0.025, 0.05 for the sorted p-values.
    p = [0.010, 0.040, 0.012, 0.030]
    assert holm(p).tolist() == [True, False, True, False]  # 0.030 > 0.025 stops the walk
    assert holm([0.001, 0.2, 0.01, 0.02]).tolist() == [True, False, True, True]
    np.testing.assert_allclose(holm_adjusted(p), [0.04, 0.06, 0.04, 0.06])


def test_the_benchmark_runs_other_seeds_and_some_arms_on_request():
    # --seeds and --arms (model 0.65.0's unit split was re-drawn on seeds 5 and 4).
    bench = script("benchmarks/resolution_equivalence.py")
    default = bench.chosen_arms()
    assert {name: arm["seed"] for name, arm in default.items()} == {
        "reference": 1,
        "resolution_0.5": 2,
        "unit_split_2": 3,
        "reference_again": 4,
    }
    # The control is the reference on another seed, and nothing else.
    assert default["reference_again"]["overrides"] == default["reference"]["overrides"] == []
    chosen = bench.chosen_arms([5, 6, 4, 7], ["reference", "unit_split_2"])
    assert {name: arm["seed"] for name, arm in chosen.items()} == {
        "reference": 5,
        "unit_split_2": 4,
    }
    assert chosen["unit_split_2"]["overrides"] == ["scenario.unit_split=2"]
    assert bench.ARMS["reference"]["seed"] == 1  # the committed arms are left as they are
    with pytest.raises(ValueError):
        bench.chosen_arms([5, 6, 4])
    with pytest.raises(ValueError):
        bench.chosen_arms(names=["unit_split_2"])


def test_the_report_names_the_control_and_says_what_it_is_for():
    bench = script("benchmarks/resolution_equivalence.py")
    rng = np.random.default_rng(6)
    names = list(bench.OUTCOMES)
    reference = {n: rng.lognormal(5, 0.3, 300) for n in names}
    again = {n: rng.lognormal(5, 0.3, 300) for n in names}
    rows = bench.compare(pd.DataFrame(reference), pd.DataFrame(again))
    report = {
        "scenario": "s",
        "horizon": "h",
        "runs_per_arm": 300,
        "model_version": "x",
        "resamples": 10,
        "arms": {"reference": {"seed": 1}, "reference_again": {"seed": 4}},
        "comparisons": {"reference_again": rows},
        "seconds": {"reference": 1.0, "reference_again": 1.0},
    }
    text = bench.markdown(report)
    assert "## reference_again against the reference" in text
    assert "The control: the reference on another seed" in text
    assert "reference 1, reference_again 4" in text
