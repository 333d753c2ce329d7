"""A coup breaks a beaten army, not one that holds its towns (model 0.27.0).

Until 0.27.0 the 2012-2025 arc gave its 2012 coup a harsher morale blow, half the north's men
deserting and a year-long recovery of morale, then switched those three parameters to milder
values on 2013-01-10 for the coups of 2020 and 2021: history written as input. Now one set runs
every coup, and the difference is the army's: the towns it lost lately (``Regime.defeats``).
Each test here fails on the code before 0.27.0 (no memory of defeats; desertion 0 by default;
morale recovered whatever the army had lost).
"""

from __future__ import annotations

import math

import pytest
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.geography import cells_apart
from sim.scenario import scenario_from_dict
from sim.war import calendar, insurgency, morale, operations, regime, towns
from sim.war.calendar import NORTH


def _model(seed: int = 3) -> MaliConflictModel:
    data = small_dict()
    data["events"] = []
    return MaliConflictModel(scenario_from_dict(data), rng=1)


def _northern_men(model: MaliConflictModel) -> int:
    return sum(u.strength for u in model.units_of("state") if model.geo.zone[u.xy] == NORTH)


def test_losing_towns_beats_the_army_and_the_memory_fades():
    model = _model()
    politics = model.config.politics
    assert model.regime.beaten() == 0.0
    gao = model.towns["gao"]
    assert gao.holder == "state"
    model.claims["gao"] = "separatists"  # an ordered offensive: they occupy what they win
    towns.capture(model, gao, "separatists")  # losing a town is remembered by its value
    assert model.regime.defeats == pytest.approx(gao.value)
    assert model.regime.beaten() == pytest.approx(min(1.0, gao.value / politics.defeats_to_break))
    for _ in range(int(politics.defeat_memory_days)):
        regime.update_popularity(model)
    assert model.regime.defeats == pytest.approx(gao.value / math.e, rel=0.01)


@pytest.mark.parametrize("lost", [0.0, 3.0, 6.0, 12.0])
def test_a_coup_makes_the_northern_men_desert_as_far_as_the_army_is_beaten(lost):
    model = _model()
    politics = model.config.politics
    model.regime.defeats = lost
    before = _northern_men(model)
    shaken_from = {u: u.morale for u in model.units_of("state")}
    calendar.coup(model)
    share = 1.0 - _northern_men(model) / before
    expected = politics.coup_desertion * min(1.0, lost / politics.defeats_to_break)
    assert share == pytest.approx(expected, abs=0.01)
    for unit in model.units_of("state"):  # every coup shakes morale alike
        assert unit.morale == pytest.approx(shaken_from[unit] * politics.coup_morale)


def test_a_beaten_army_s_morale_does_not_come_back():
    steps = {}
    for lost in (0.0, 3.0, 6.0):
        model = _model()
        model.regime.defeats = lost
        unit = model.units_of("state")[0]
        unit.morale = 0.1
        morale.recover_morale(model)  # the day's step, reading how beaten the army is
        steps[lost] = unit.morale - 0.1
    assert steps[0.0] > 0
    assert steps[3.0] == pytest.approx(steps[0.0] / 2)  # half beaten, half the recovery
    assert steps[6.0] == 0.0


def test_the_enemy_s_morale_comes_back_whatever_the_army_lost():
    model = _model()
    model.regime.defeats = 100.0
    band = next(iter(model.units_of("separatists")))
    band.morale = 0.1
    morale.recover_morale(model)
    assert band.morale > 0.1


def test_a_beaten_army_attacks_only_under_its_partners_air():
    # Since model 0.35.0; 1 in every library scenario since model 0.47.0 (docs/CALIBRATION.md
    # "Model 0.47.0"). The army of 2012 hardly attacked and that of 2013 did, which the arc
    # switched on 2013-01-10 until then (aggression 0.1 to 0.7). With the caution on, one
    # aggression does: a beaten army holds back, unless a partner's aircraft cover the target
    # (Serval's, from 2013-01-11).
    data = small_dict()
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"].update(
        deploy={"mopti": 1500, "bamako": 1000}, aggression=0.7, attack_ratio=0.5, raid_range_km=400
    )
    data["factions"]["jihadists"]["bands"] = {"douentza": 100}
    data["politics"] = {"beaten_caution": 1.0}
    joined = {}
    for lost, air in ((0.0, 0.0), (12.0, 0.0), (12.0, 0.9), (3.0, 0.0)):
        sent = 0
        for seed in range(20):
            model = MaliConflictModel(scenario_from_dict(data), rng=seed)
            douentza = model.towns["douentza"]
            douentza.holder = "jihadists"
            model.regime.defeats = lost
            model.presence.air_cover[douentza.xy] = air
            boldness = insurgency.boldness(model, "state", douentza.xy)
            expected = 0.7 * (1.0 - min(1.0, lost / 6.0) * (1.0 - air))
            assert boldness == pytest.approx(expected)
            operations.plan_raids(model, "state")
            sent += sum(u.objective == "douentza" for u in model.units_of("state"))
        joined[(lost, air)] = sent
    assert joined[(0.0, 0.0)] > 0
    assert joined[(12.0, 0.0)] == 0  # beaten, no air: it waits
    assert joined[(12.0, 0.9)] > 0  # beaten, under a partner's air: it attacks
    assert 0 < joined[(3.0, 0.0)] < joined[(0.0, 0.0)]  # half beaten: it attacks, less often
    # With no caution the old behaviour: the aggression whatever the army lost.
    model.config.politics.beaten_caution = 0.0
    assert insurgency.boldness(model, "state", douentza.xy) == pytest.approx(0.7)


def _northern_posts() -> MaliConflictModel:
    """The state in Kidal (few) and Gao (many), the MNLA massed around Kidal, 0.5-degree grid."""
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"]["deploy"] = {"kidal": 150, "gao": 1500, "bamako": 1000}
    data["factions"]["separatists"].update(deploy={}, bands={"kidal": 1500, "aguelhok": 500})
    data["factions"]["jihadists"]["bands"] = {"boni": 100}
    return MaliConflictModel(scenario_from_dict(data), rng=1)


def test_a_beaten_garrison_falls_back_on_its_own_country_not_deeper_into_the_enemys():
    # Model 0.36.0. Until then a garrison that left its town went to the nearest town its side
    # held, with or without men in it: in mali_2012 the garrisons of Kidal, Aguelhok and
    # Tessalit fell back on the empty posts of Abeibara, Tin Essako and Tinzaouatene, and the
    # state kept some 1,200 men in the north in May 2012, when the record has none.
    model = _northern_posts()
    model.presence.refresh()
    kidal = model.towns["kidal"]
    post = next(u for u in model.grid[kidal.xy].agents if u.actor == "state")
    nearer = [
        t
        for t in model.towns
        if t.holder == "state" and t.id != "kidal" and not towns.safe(model, t.xy)
    ]
    assert nearer  # empty posts of the state's in the MNLA's country
    assert not towns.safe(model, kidal.xy)  # the MNLA outnumbers the state about Kidal
    post.retreat()
    assert post.destination is not None
    assert towns.safe(model, post.destination)
    went = cells_apart(post.destination, kidal.xy)
    assert went > min(cells_apart(t.xy, kidal.xy) for t in nearer)  # it went past them
