"""The state's side does not live in the bush (model 0.24.0).

Until model 0.24.0 a column of the state's side whose objective's holder made a truce with it
while it marched settled in the countryside as a band, as an insurgent does, and stayed there
for good (1,441 of the arc's soldiers in seed 2, from the ceasefire of 23 May 2014). It now
falls back to the nearest town its side holds.
"""

from __future__ import annotations

from small_scenario import small_dict

from sim import MaliConflictModel
from sim.agents import Unit
from sim.scenario import scenario_from_dict
from sim.war.posture import Posture


def model_with(gao: int = 1500) -> MaliConflictModel:
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"].update(deploy={"gao": gao, "bamako": 1000})
    data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
    data["factions"]["jihadists"].update(bands={"tessit": 100})
    return MaliConflictModel(scenario_from_dict(data), rng=3)


def test_a_state_column_left_with_a_town_it_may_not_hold_falls_back_not_into_the_bush():
    model = model_with()
    bourem = model.towns["bourem"]
    bourem.holder = "separatists"  # in a truce with the state since the column set out
    column = Unit(model, "state", "state", 500, model.grid[bourem.xy], Posture.OFFENSIVE)
    column.objective = "bourem"
    column.settle(bourem)
    assert column.posture == Posture.RETREAT  # an insurgent band would melt into the country
    assert model.towns.at.get(column.destination).holder == "state"
