"""A cautious force's armour and care spare its men in every engagement (model 0.25.0).

Before 0.25.0 a mine strike killed at least one man whatever the armour, and a set battle's
dead were shared by men alone: France at risk 0.15 lost a man at every strike and as many men
per man in a battle as the Malian army beside it. Each test here failed on that code, but the
raids' test, which failed on the code before 0.64.0: a foreign force's raids booked its dead
with no armour.
"""

from __future__ import annotations

import numpy as np
import pytest
from small_scenario import small_dict

from sim import MaliConflictModel, combat
from sim.scenario import scenario_from_dict
from sim.war import battles, casualties, operations, patrons
from sim.war.posture import Posture


def test_an_armoured_vehicle_s_mine_strikes_often_kill_no_one():
    rng = np.random.default_rng(7)
    armoured = np.array([combat.ied_strike(400, 2.0, 0.8, rng) for _ in range(20_000)])
    bare = np.array([combat.ied_strike(400, 2.0, 0.0, rng) for _ in range(20_000)])
    assert bare.min() >= 1  # an unprotected vehicle's strike kills someone
    assert bare.mean() == pytest.approx(2.0, rel=0.05)
    assert (armoured == 0).mean() > 0.5  # most strikes on armour kill no one
    assert armoured.mean() == pytest.approx(2.0 * (1 - 0.8), rel=0.08)  # the same tail, thinned
    assert combat.ied_strike(3, 50.0, 0.0, rng) <= 3  # never more than the men exposed


def _model_with_france(risk: float) -> MaliConflictModel:
    data = small_dict()
    data["foreign"] = {
        "france": {
            "kind": "expeditionary",
            "strength": 400,
            "ceiling": 400,
            "commitment": 0.7,
            "risk_tolerance": risk,
            "air_support": 0.0,
            "bases": ["mopti"],
        }
    }
    data["events"] = []
    return MaliConflictModel(scenario_from_dict(data), rng=3)


@pytest.mark.parametrize("risk", [0.0, 0.15, 0.6, 1.0])
def test_armour_is_what_a_force_buys_with_the_risk_it_declines(risk):
    model = _model_with_france(risk)
    assert patrons.armour(model, "france") == pytest.approx(0.5 * (1 - risk))
    assert patrons.armour(model, "state") == 0.0
    assert patrons.armour(model, "jihadists") == 0.0
    spared = [casualties.spare_armoured(model, {"france": 100, "state": 100}) for _ in range(400)]
    assert all(s["state"] == 100 for s in spared)  # the army has no armour to spare it
    france = np.mean([s["france"] for s in spared])
    assert france == pytest.approx(100 * (1 - 0.5 * (1 - risk)), abs=1.5)


def test_in_one_battle_a_cautious_force_loses_fewer_men_than_the_army_beside_it(monkeypatch):
    # France (risk 0.15) and the army fight side by side with the same men; the enemy's fire
    # kills 200 of them a day, shared by men (and 200 of the enemy: who attacks at a town
    # the state holds does not matter here). Over 60 battles France's dead are about
    # 1 - 0.43 of the army's; before 0.25.0 they were the same.
    monkeypatch.setattr(combat, "battle", lambda *a, **k: combat.Losses(attacker=200, defender=200))
    monkeypatch.setattr(battles, "collateral", lambda *a: 0)
    dead = {"france": 0, "state": 0}
    for seed in range(60):
        model = _model_with_france(0.15)
        model.rng = np.random.default_rng(seed)
        xy = model.towns["douentza"].xy
        attackers = [
            *model.spawn("france", 1000, xy, Posture.OFFENSIVE, "start"),
            *model.spawn("state", 1000, xy, Posture.OFFENSIVE, "start"),
        ]
        defenders = model.spawn("jihadists", 2000, xy, Posture.PATROL, "start")
        model.presence.refresh()
        battles.battle_at(model, xy, attackers, defenders)
        # (France's dead may set off its adaptation after a disaster: a later event.)
        event = next(e for e in reversed(model.log.events) if e["event_type"] == "battle")
        dead["france"] += event["deaths_foreign_france"]
        dead["state"] += event["deaths_state"]
    assert dead["state"] == 60 * 100
    assert dead["france"] / dead["state"] == pytest.approx(1 - 0.5 * 0.85, abs=0.03)


@pytest.mark.parametrize("risk", [0.15, 1.0])
def test_a_raid_s_dead_are_spared_by_armour_as_a_battle_s_are(monkeypatch, risk):
    # France raids a band in plain sight beside its base, and the band's fire kills 100 of its
    # men; over 40 raids France loses 1 - armour of them: 0.575 of the men hit at risk 0.15,
    # all at risk 1. Until model 0.64.0 a foreign raid's dead were booked as the fire drew them,
    # armour or not (in Serval a cautious force's raids cost it 15 of its 31 dead a run).
    monkeypatch.setattr(combat, "battle", lambda *a, **k: combat.Losses(attacker=100, defender=0))
    hit, dead = 0, 0
    for seed in range(40):
        model = _model_with_france(risk)
        model.rng = np.random.default_rng(seed)
        band, *others = [*model.units_of("jihadists"), *model.units_of("separatists")]
        for unit in others:  # the one target there is
            unit.remove()
        band.cell = model.grid[model.towns["mopti"].xy]
        band.posture = Posture.GARRISON  # in plain sight: no draw to find it
        band.strength = 10
        armour = patrons.armour(model, "france")  # before the raid: a disaster cuts its risk
        before = model.strength("france")
        operations.foreign_raid(model, "france")
        hit += 100
        dead += before - model.strength("france")
    assert armour == pytest.approx(0.5 * (1 - risk))
    assert dead / hit == pytest.approx(1 - armour, abs=0.04)
