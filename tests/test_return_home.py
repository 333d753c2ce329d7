"""The army raids from its camps and comes back to them (model 0.24.0).

Until model 0.24.0 a raid's column garrisoned the town it took, and its surplus raided on from
there: the army walked outward toward the insurgents' country, town by town, and its rear
emptied (in the arc, Mopti's 1,100 men left in February 2013 and the army stood 2,000-4,000
strong in two frontier towns by 2014). Now the state's raid columns remember their base
(``Unit.home``), leave the taken town its garrison and march the rest back.
"""

from __future__ import annotations

from small_scenario import small_dict

from sim import MaliConflictModel
from sim.agents import Unit
from sim.scenario import scenario_from_dict
from sim.war import operations
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


def test_a_raid_column_leaves_the_taken_town_its_garrison_and_takes_the_rest_home():
    model = model_with()
    bourem = model.towns["bourem"]
    column = Unit(model, "state", "state", 500, model.grid[bourem.xy], Posture.OFFENSIVE)
    column.objective, column.home = "bourem", "gao"
    bourem.holder = "state"  # taken
    column.settle(bourem)
    need = model.config.factions["state"].garrison_size
    assert (column.strength, column.posture) == (need, Posture.GARRISON)
    (back,) = [u for u in model.units_of("state") if u.objective == "gao"]
    assert (back.strength, back.posture, back.home) == (500 - need, Posture.OFFENSIVE, None)
    # An ordered column (no base to go back to) holds what it took, all of it.
    ordered = Unit(model, "state", "state", 500, model.grid[bourem.xy], Posture.OFFENSIVE)
    ordered.objective = "bourem"
    ordered.settle(bourem)
    assert ordered.strength == 500 and not [
        u for u in model.units_of("state") if u.objective == "gao" and u is not back
    ]


def test_the_states_raids_remember_the_base_they_set_out_from():
    model = model_with()
    model.towns["bourem"].holder = "jihadists"  # empty, within the raid range of Gao
    sent: list[Unit] = []
    for _ in range(20):
        operations.plan_raids(model, "state")
        sent = [u for u in model.units_of("state") if u.posture == Posture.OFFENSIVE]
        if sent:
            break
    assert sent and {u.home for u in sent} == {"gao"}


def test_a_state_column_left_with_a_town_it_may_not_hold_falls_back_not_into_the_bush():
    model = model_with()
    bourem = model.towns["bourem"]
    bourem.holder = "separatists"  # in a truce with the state since the column set out
    column = Unit(model, "state", "state", 500, model.grid[bourem.xy], Posture.OFFENSIVE)
    column.objective, column.home = "bourem", "gao"
    column.settle(bourem)
    assert column.posture == Posture.RETREAT  # an insurgent band would melt into the country
    assert model.towns.at.get(column.destination).holder == "state"
